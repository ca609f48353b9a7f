/**
 * Builds preview datagrams the way the camera sends them (docs/PROTOCOL.md §4.2-4.3): each frame cut into
 * 1000-byte type-1 slices, then one type-2 time packet; the sequence counts every datagram.
 */
import * as fs from 'fs';
import * as path from 'path';
import { splitAccessUnits, splitAnnexB } from '../../src/media/h264';
import { PreviewType } from '../../src/protocol/constants';
import { CAMERA_SLICE_SIZE, decodePreviewDatagram, encodePreviewDatagram, encodeTimePayload, PreviewDatagram } from '../../src/protocol/preview';
import { splitClipIntoFrames } from '../../src/simulator/clip';

/** The bundled preview clip (60 frames, 15 fps, IDR every 15 frames). */
export function clipBytes(): Buffer {
  return fs.readFileSync(path.join(__dirname, '../../src/simulator/assets/preview.h264'));
}

/** The clip's frames as the simulator cuts them (parameter sets travel with the first IDR). */
export function clipFrames(): Buffer[] {
  return splitClipIntoFrames(clipBytes());
}

/** The clip's access units as NAL unit lists (no start codes): what the assembler must produce. */
export function clipAccessUnits(): Buffer[][] {
  return splitAccessUnits(splitAnnexB(clipBytes()));
}

export interface CameraStreamOptions {
  firstSeq?: number;
  firstElapsedMs?: number;
  frameMs?: number;
  sliceSize?: number;
}

/** Wire datagrams for `frames`, frame i stamped firstElapsedMs + i * frameMs (u32 wrap). */
export function cameraDatagrams(frames: readonly Buffer[], opts: CameraStreamOptions = {}): Buffer[] {
  const slice = opts.sliceSize ?? CAMERA_SLICE_SIZE;
  let seq = opts.firstSeq ?? 0;
  const out: Buffer[] = [];
  frames.forEach((frame, i) => {
    for (let at = 0; at < frame.length; at += slice) {
      out.push(encodePreviewDatagram(seq++, PreviewType.H264, frame.subarray(at, at + slice)));
    }
    const elapsed = ((opts.firstElapsedMs ?? 0) + i * (opts.frameMs ?? 1000 / 15)) % 2 ** 32;
    out.push(encodePreviewDatagram(seq++, PreviewType.TIME, encodeTimePayload(Math.round(elapsed))));
  });
  return out;
}

export function decodeAll(wire: readonly Buffer[]): PreviewDatagram[] {
  return wire.map((d) => decodePreviewDatagram(d));
}

/** Index of every time packet in a datagram list. */
export function timePacketIndexes(ds: readonly PreviewDatagram[]): number[] {
  return ds.flatMap((d, i) => (d.kind === 'time' ? [i] : []));
}
