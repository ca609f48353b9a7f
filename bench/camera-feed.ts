/**
 * The camera's preview as it arrives on UDP 6669 (docs/PROTOCOL.md §4), built once from the committed clip:
 * each frame cut into 1000-byte type-1 slices followed by one type-2 time packet (the simulator's
 * ordering), looped for as many frames as a benchmark asks. The 16-bit sequence number counts every
 * datagram and wraps; the elapsed stamp grows by FRAME_MS per frame across loops, so frame `i` of the
 * whole run is recognisable downstream by its stamp alone (frameOfElapsed).
 */
import * as fs from 'node:fs';
import { CAMERA_SLICE_SIZE, encodePreviewDatagram, encodeTimePayload } from '../src/protocol/preview';
import { PreviewType } from '../src/protocol/constants';
import { splitClipIntoFrames } from '../src/simulator/clip';
import { CLIP_PATH } from '../test/helpers/clip';

/** Camera stamp spacing: integer milliseconds, as a 15 fps camera sends them (66 or 67). */
export const FRAME_MS = 67;

/** Offsets inside a datagram that change per send (docs/PROTOCOL.md §4.1, §4.3). */
const SEQ_OFFSET = 4;
const ELAPSED_OFFSET = 8 + 12;

/** Frame `index` of the run carries this stamp. */
export function elapsedOfFrame(index: number): number {
  return index * FRAME_MS;
}

/** The run's frame index of a stamp, or undefined when no frame carries it. */
export function frameOfElapsed(elapsedMs: number): number | undefined {
  return elapsedMs % FRAME_MS === 0 ? elapsedMs / FRAME_MS : undefined;
}

export class CameraFeed {
  /** Per clip frame: its datagrams, the time packet last, with sequence 0 and stamp 0. */
  private readonly templates: Buffer[][];
  /** Per clip frame: H.264 bytes (type-1 payloads). */
  private readonly payloadBytes: number[];
  private seq = 0;

  constructor(clip: Buffer = fs.readFileSync(CLIP_PATH)) {
    const frames = splitClipIntoFrames(clip);
    if (frames.length === 0) throw new Error('the preview clip holds no frames');
    this.templates = frames.map((frame) => {
      const datagrams: Buffer[] = [];
      for (let at = 0; at < frame.length; at += CAMERA_SLICE_SIZE) {
        datagrams.push(encodePreviewDatagram(0, PreviewType.H264, frame.subarray(at, at + CAMERA_SLICE_SIZE)));
      }
      datagrams.push(encodePreviewDatagram(0, PreviewType.TIME, encodeTimePayload(0)));
      return datagrams;
    });
    this.payloadBytes = frames.map((frame) => frame.length);
  }

  /** Frames in one loop of the clip. */
  get clipFrames(): number {
    return this.templates.length;
  }

  /** Average datagrams per frame over one loop. */
  get datagramsPerFrame(): number {
    return this.templates.reduce((sum, t) => sum + t.length, 0) / this.templates.length;
  }

  /** H.264 bytes carried by frame `index` of the run. */
  payloadOf(index: number): number {
    return this.payloadBytes[index % this.payloadBytes.length];
  }

  /**
   * The datagrams of frame `index` of the run, freshly allocated (a datagram handed to a socket may
   * still be queued, so templates are never patched in place). Frames must be asked for in order:
   * the sequence number continues from the previous call.
   */
  datagramsOf(index: number): Buffer[] {
    const templates = this.templates[index % this.templates.length];
    const out: Buffer[] = new Array<Buffer>(templates.length);
    for (let i = 0; i < templates.length; i++) {
      const datagram = Buffer.from(templates[i]);
      datagram.writeUInt16BE(this.seq, SEQ_OFFSET);
      this.seq = (this.seq + 1) & 0xffff;
      out[i] = datagram;
    }
    out[out.length - 1].writeUInt32LE(elapsedOfFrame(index) >>> 0, ELAPSED_OFFSET);
    return out;
  }
}
