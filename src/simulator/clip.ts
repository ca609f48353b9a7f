/**
 * Cuts an Annex-B H.264 clip into frames for the preview streamer. A frame is every byte from the
 * first NAL unit after the previous frame's slice up to and including its own slice, so parameter
 * sets and SEI travel with the frame they precede, and the frames laid end to end are exactly the
 * clip (one loop of the preview reproduces the file byte for byte).
 *
 * Assumes one slice per frame, which is what the bundled clip has; a multi-slice clip would be
 * streamed one slice per "frame" (still valid H.264, just a faster clock).
 */

/** NAL unit types that carry picture data (ITU-T H.264 Table 7-1): 1 non-IDR slice, 5 IDR slice. */
const VCL_TYPES = new Set([1, 5]);

/** Returns the clip's frames as views into `clip`; trailing non-slice bytes join the last frame. */
export function splitClipIntoFrames(clip: Buffer): Buffer[] {
  const starts = nalStarts(clip);
  const frames: Buffer[] = [];
  let frameStart = 0;
  for (let i = 0; i < starts.length; i++) {
    const headerAt = starts[i].payload;
    if (headerAt < clip.length && VCL_TYPES.has(clip[headerAt] & 0x1f)) {
      const end = i + 1 < starts.length ? starts[i + 1].start : clip.length;
      frames.push(clip.subarray(frameStart, end));
      frameStart = end;
    }
  }
  if (frameStart < clip.length) {
    // Bytes after the last slice (or a clip without slices) belong to the last frame.
    const last = frames.pop();
    frames.push(clip.subarray(last ? frameStart - last.length : frameStart));
  }
  return frames;
}

interface NalStart {
  /** Offset of the start code (4-byte codes include their leading zero). */
  start: number;
  /** Offset of the NAL header byte. */
  payload: number;
}

function nalStarts(buf: Buffer): NalStart[] {
  const out: NalStart[] = [];
  for (let i = 0; i + 2 < buf.length; i++) {
    if (buf[i] === 0 && buf[i + 1] === 0 && buf[i + 2] === 1) {
      out.push({ start: i > 0 && buf[i - 1] === 0 ? i - 1 : i, payload: i + 3 });
      i += 2;
    }
  }
  return out;
}
