import assert from 'node:assert/strict';
import { BadInputError } from '../../src/errors';
import { NalType, nalType } from '../../src/media/h264';
import { AccessUnit } from '../../src/media/types';
import { PreviewType } from '../../src/protocol/constants';
import { encodePreviewDatagram, PreviewDatagram } from '../../src/protocol/preview';
import { PreviewAssembler, PreviewAssemblerOptions } from '../../src/preview/assembler';
import { seededBytes } from '../helpers/random';
import { cameraDatagrams, clipAccessUnits, clipFrames, decodeAll, timePacketIndexes } from './camera-datagrams';

const TWO_32 = 2 ** 32;

function feed(ds: readonly PreviewDatagram[], opts?: PreviewAssemblerOptions): { asm: PreviewAssembler; aus: AccessUnit[] } {
  const asm = new PreviewAssembler(opts);
  const aus: AccessUnit[] = [];
  for (const d of ds) aus.push(...asm.push(d));
  return { asm, aus };
}

function recorder(): { lines: string[]; logger: { debug(m: string): void; info(m: string): void; warn(m: string): void } } {
  const lines: string[] = [];
  const log = (m: string): void => void lines.push(m);
  return { lines, logger: { debug: log, info: log, warn: log } };
}

/** Frame index of each AU, recognised by its last (slice) NAL unit. */
function frameIndexes(aus: readonly AccessUnit[]): number[] {
  const expected = clipAccessUnits();
  return aus.map((au) => expected.findIndex((e) => e[e.length - 1].equals(au.nalus[au.nalus.length - 1])));
}

describe('preview: PreviewAssembler (docs/PROTOCOL.md §4)', () => {
  const frames = clipFrames();
  const expected = clipAccessUnits();
  const clip = decodeAll(cameraDatagrams(frames));

  it('the clip has 60 access units with an IDR every 15 frames (fixture check)', () => {
    assert.equal(frames.length, 60);
    assert.equal(expected.length, 60);
    assert.deepEqual(expected.flatMap((au, i) => (au.some((n) => nalType(n) === NalType.IDR) ? [i] : [])), [0, 15, 30, 45]);
  });

  it('turns the clip, cut as the camera sends it, back into exactly its 60 access units', () => {
    const { asm, aus } = feed(clip);
    assert.equal(aus.length, 60);
    aus.forEach((au, i) => {
      assert.deepEqual(au.nalus, expected[i], `AU ${i}`);
      assert.equal(au.keyframe, i % 15 === 0, `keyframe flag of AU ${i}`);
      assert.equal(au.timestamp, Math.round((i * 1000) / 15) * 90, `timestamp of AU ${i}`);
      assert.ok(Math.abs(au.timestamp - i * 6000) <= 45, 'one frame = 6000 ticks at 15 fps');
    });
    const sps = expected[0].find((n) => nalType(n) === NalType.SPS);
    const pps = expected[0].find((n) => nalType(n) === NalType.PPS);
    assert.deepEqual(asm.parameterSets(), { sps, pps });
    assert.deepEqual(asm.stats, {
      datagrams: clip.length, bytes: frames.reduce((n, f) => n + f.length, 0), frames: 60, keyframes: 4,
      lost: 0, reordered: 0, droppedFrames: 0, unknown: 0, implausibleTime: 0,
    });
  });

  it('works whatever the slice size (start codes split across datagrams)', () => {
    // Joined just after a time packet: with 1-byte slices no datagram can show a start code.
    const joined: PreviewDatagram = { kind: 'time', seq: 0, elapsedMs: 0, unknown: Buffer.alloc(12) };
    for (const sliceSize of [1, 2, 3, 5, 7, 999, 1001, 65535]) {
      const { aus } = feed([joined, ...decodeAll(cameraDatagrams(frames.slice(0, 16), { sliceSize, firstSeq: 1 }))]);
      assert.equal(aus.length, 16, `slice size ${sliceSize}`);
      aus.forEach((au, i) => assert.deepEqual(au.nalus, expected[i], `slice size ${sliceSize}, AU ${i}`));
    }
  });

  it('a lost datagram drops its frame and every frame until the next IDR', () => {
    for (const frame of [2, 14, 15, 29]) {
      for (const which of ['first', 'last-data', 'time'] as const) {
        const times = timePacketIndexes(clip);
        const start = times[frame - 1] + 1;
        const at = which === 'first' ? start : which === 'time' ? times[frame] : times[frame] - 1;
        const ds = clip.filter((_, i) => i !== at);
        const { asm, aus } = feed(ds);
        // A lost time packet merges two frames into one, so the frame after it is lost as well.
        const lastDamaged = which === 'time' ? frame + 1 : frame;
        const nextIdr = (Math.floor(lastDamaged / 15) + 1) * 15;
        const want = [...Array(60).keys()].filter((i) => i < frame || i >= nextIdr);
        assert.deepEqual(frameIndexes(aus), want, `lost ${which} datagram of frame ${frame}`);
        aus.forEach((au) => assert.deepEqual(au.nalus, expected[frameIndexes([au])[0]]));
        assert.equal(asm.stats.lost, 1);
        assert.equal(asm.stats.droppedFrames + asm.stats.frames, which === 'time' ? 59 : 60);
      }
    }
  });

  it('sequence wrap at 65535 is not loss', () => {
    const ds = decodeAll(cameraDatagrams(frames, { firstSeq: 65535 - 50 }));
    const { asm, aus } = feed(ds);
    assert.equal(aus.length, 60);
    assert.equal(asm.stats.lost, 0);
  });

  it('counts a reordered datagram, discards it, and recovers at the next IDR', () => {
    const ds = [...clip];
    const times = timePacketIndexes(ds);
    const i = times[20] - 2; // two data datagrams of frame 20 swapped
    [ds[i], ds[i + 1]] = [ds[i + 1], ds[i]];
    const { asm, aus } = feed(ds);
    assert.equal(asm.stats.reordered, 1);
    assert.equal(asm.stats.lost, 0, 'the late datagram is not lost after all');
    assert.deepEqual(frameIndexes(aus), [...Array(60).keys()].filter((f) => f < 20 || f >= 30));
  });

  it('a duplicated datagram is counted as reordered and otherwise ignored', () => {
    const ds = [...clip];
    ds.splice(10, 0, ds[9]);
    const { asm, aus } = feed(ds);
    assert.equal(aus.length, 60);
    assert.equal(asm.stats.reordered, 1);
  });

  it('a sequence restart (camera restarted the stream) resumes at once when it starts with an IDR', () => {
    const first = decodeAll(cameraDatagrams(frames.slice(0, 20), { firstSeq: 40000 }));
    const again = decodeAll(cameraDatagrams(frames, { firstSeq: 0 }));
    const { asm, aus } = feed([...first, ...again]);
    assert.equal(aus.length, 20 + 60);
    assert.equal(asm.stats.lost, 0);
    assert.ok(aus[20].keyframe);
    assert.deepEqual(aus[20].nalus, expected[0]);
    // Restarting mid-GOP: everything until the next IDR is dropped.
    const mid = decodeAll(cameraDatagrams(frames.slice(5), { firstSeq: 9 }));
    assert.deepEqual(frameIndexes(feed([...first, ...mid]).aus).slice(20), [...Array(45).keys()].map((i) => i + 15));
  });

  it('keeps timestamps advancing when the camera clock restarts', () => {
    const first = decodeAll(cameraDatagrams(frames.slice(0, 15), { firstElapsedMs: 500000 }));
    const again = decodeAll(cameraDatagrams(frames, { firstSeq: first.length, firstElapsedMs: 0 }));
    const { aus } = feed([...first, ...again]);
    assert.equal(aus.length, 75);
    for (let i = 1; i < aus.length; i++) {
      const step = aus[i].timestamp - aus[i - 1].timestamp;
      assert.ok(step >= 5940 && step <= 6030, `step ${step} before AU ${i}`);
    }
  });

  it('wraps the 90 kHz timestamp mod 2^32 without losing precision (xpro-rtp crashed after 13.3 h)', () => {
    const wrapMs = Math.floor(TWO_32 / 90); // 47721858 ms
    const ds = decodeAll(cameraDatagrams(frames.slice(0, 15), { firstElapsedMs: wrapMs - 200, frameMs: 100 }));
    const { aus } = feed(ds);
    assert.equal(aus.length, 15);
    aus.forEach((au, i) => {
      assert.equal(au.timestamp, ((wrapMs - 200 + i * 100) * 90) % TWO_32);
      assert.ok(Number.isInteger(au.timestamp) && au.timestamp >= 0 && au.timestamp < TWO_32);
    });
    assert.ok(aus[3].timestamp < aus[2].timestamp, 'wrapped between frames 2 and 3');
    // The camera's own u32 counter wrapping is seamless as well: 2^32 * 90 = 0 mod 2^32.
    const top = decodeAll(cameraDatagrams(frames.slice(0, 3), { firstElapsedMs: TWO_32 - 100, frameMs: 100 }));
    assert.deepEqual(feed(top).aus.map((au) => au.timestamp), [(TWO_32 - 9000) % TWO_32, 0, 9000]);
  });

  it('timePacketOffset shifts which time packet stamps a frame', () => {
    // Frames 13-22; time packet k (stamp k * 9000) closes frame 13 + k; frame 15 is the first IDR.
    const ds = decodeAll(cameraDatagrams(frames.slice(13, 23), { frameMs: 100 }));
    const at = (offset: number): Array<[number, number]> =>
      feed(ds, { timePacketOffset: offset }).aus.map((au, k, all) => [frameIndexes(all)[k], au.timestamp]);
    assert.deepEqual(at(0).slice(0, 2), [[15, 18000], [16, 27000]]);
    // -1: the time packet precedes its frame, so a frame carries the packet before the one closing it.
    assert.deepEqual(at(-1).slice(0, 2), [[15, 9000], [16, 18000]]);
    // -2: what S1 effectively did (docs/PROTOCOL.md §7 item 21).
    assert.deepEqual(at(-2).slice(0, 2), [[15, 0], [16, 9000]]);
    // +1: a frame carries the packet after the one closing it; the last frame waits for one that never comes.
    const plus = at(1);
    assert.deepEqual(plus.slice(0, 2), [[15, 27000], [16, 36000]]);
    assert.equal(plus.length, 7);
    // An IDR that cannot be stamped yet is dropped, and so is everything up to the next IDR.
    const idrFirst = feed(decodeAll(cameraDatagrams(frames.slice(0, 20))), { timePacketOffset: -1 }).aus;
    assert.deepEqual(frameIndexes(idrFirst), [15, 16, 17, 18, 19]);
    assert.throws(() => new PreviewAssembler({ timePacketOffset: 0.5 }), BadInputError);
    assert.throws(() => new PreviewAssembler({ timePacketOffset: 9 }), BadInputError);
  });

  it('joins mid-stream: drops data before the first time packet and frames before the first IDR', () => {
    const times = timePacketIndexes(clip);
    const { asm, aus } = feed(clip.slice(times[3] - 1));
    assert.deepEqual(frameIndexes(aus), [...Array(45).keys()].map((i) => i + 15));
    assert.equal(asm.stats.droppedFrames, 1 + 11);
    assert.equal(asm.parameterSets(), undefined, 'the SPS/PPS only came with the first IDR');
  });

  it('drops access unit delimiters and marks keyframes', () => {
    const aud = Buffer.from([0x09, 0xf0]);
    const withAud = frames.slice(0, 2).map((f) => Buffer.concat([Buffer.from([0, 0, 0, 1]), aud, f]));
    const { aus } = feed(decodeAll(cameraDatagrams(withAud)));
    assert.deepEqual(aus.map((au) => au.nalus), expected.slice(0, 2));
    assert.deepEqual(aus.map((au) => au.keyframe), [true, false]);
  });

  it('drops a frame that outgrows maxAccessUnitBytes, then waits for an IDR', () => {
    const { lines, logger } = recorder();
    const big = decodeAll(cameraDatagrams([frames[0], Buffer.alloc(20000, 0x41), ...frames.slice(1, 16)]));
    const { asm, aus } = feed(big, { maxAccessUnitBytes: 10000, logger });
    assert.deepEqual(frameIndexes(aus), [0, 15]);
    assert.equal(asm.stats.droppedFrames, 1 + 14);
    assert.ok(lines.some((l) => /exceeds 10000 bytes/.test(l)));
  });

  it('counts unknown datagram types and hex-logs a bounded number of samples', () => {
    const { lines, logger } = recorder();
    const wire = cameraDatagrams(frames.slice(0, 2));
    const five = (seq: number): Buffer => encodePreviewDatagram(seq, PreviewType.UNKNOWN_5, Buffer.from('cafe', 'hex'));
    const ds = decodeAll([wire[0], five(999), ...wire.slice(1), ...Array.from({ length: 40 }, () => five(7))]);
    const { asm, aus } = feed(ds, { logger, hexLogLimit: 5 });
    assert.equal(aus.length, 2, 'a type 5 with its own numbering does not disturb the sequence');
    assert.equal(asm.stats.unknown, 41);
    assert.equal(asm.stats.lost, 0);
    assert.equal(lines.filter((l) => /unknown preview datagram type 5 .*: cafe/.test(l)).length, 4);
    assert.equal(lines.length, 5, 'one time-packet sample + four unknown samples');
  });

  it('a type 5 datagram that carries the next sequence number is not mistaken for loss', () => {
    const ds = decodeAll(cameraDatagrams(frames.slice(0, 2)));
    const five: PreviewDatagram = { kind: 'unknown', seq: 3, type: PreviewType.UNKNOWN_5, payload: Buffer.alloc(1) };
    const { asm, aus } = feed([...ds.slice(0, 3), five, ...ds.slice(3).map((d) => ({ ...d, seq: d.seq + 1 }))]);
    assert.equal(aus.length, 2);
    assert.equal(asm.stats.lost, 0);
  });

  it('random datagrams never throw, and a clean stream afterwards still recovers', () => {
    const rnd = seededBytes(42);
    const asm = new PreviewAssembler();
    for (let i = 0; i < 20000; i++) {
      const len = rnd(1)[0] * (rnd(1)[0] % 8);
      const seq = rnd(2).readUInt16BE(0);
      const kind = rnd(1)[0] % 3;
      const d: PreviewDatagram =
        kind === 0 ? { kind: 'h264', seq, data: rnd(len) }
        : kind === 1 ? { kind: 'time', seq, elapsedMs: rnd(4).readUInt32LE(0), unknown: rnd(12) }
        : { kind: 'unknown', seq, type: rnd(1)[0], payload: rnd(len) };
      for (const au of asm.push(d)) assert.ok(au.nalus.length > 0 && au.timestamp >= 0 && au.timestamp < TWO_32);
    }
    const clean = decodeAll(cameraDatagrams(frames, { firstSeq: 30000 }));
    let got = 0;
    for (const d of [...clean, ...clean.map((x) => ({ ...x, seq: (x.seq + clean.length) & 0xffff }))]) got += asm.push(d).length;
    assert.ok(got >= 60, `recovered ${got} frames`);
  });
});
