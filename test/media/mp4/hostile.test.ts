/**
 * Hostile input to the muxer: random and bit-flipped parameter sets only ever
 * throw ProtocolError, and random access units, durations and timestamps either give a fragment or
 * clip that the box parser reads back whole, or throw BadInputError. Seeded, so failures reproduce.
 */
import * as assert from 'node:assert/strict';
import { BadInputError, ProtocolError } from '../../../src/errors';
import { initSegment } from '../../../src/media/mp4/init-segment';
import { LiveFragmenter } from '../../../src/media/mp4/live-fragmenter';
import { mediaSegment } from '../../../src/media/mp4/media-segment';
import { buildMp4 } from '../../../src/media/mp4/progressive';
import { loadClip } from '../../helpers/clip';
import { parseBoxes } from '../../helpers/mp4-boxes';
import { randomBytes, seeded } from '../../helpers/random';

const ROUNDS = 1000;

function only(kind: typeof ProtocolError | typeof BadInputError, what: string, fn: () => Buffer): void {
  let out: Buffer;
  try {
    out = fn();
  } catch (err) {
    if (err instanceof kind) return;
    throw new Error(`${what}: threw ${(err as Error).stack}`);
  }
  assert.ok(parseBoxes(out).length >= 2, `${what}: output does not parse`);
}

describe('media/mp4: hostile input', () => {
  const { sps, pps } = loadClip().parameterSets;

  it('random and bit-flipped SPS/PPS: an init segment or ProtocolError', () => {
    const random = seeded(8);
    for (let i = 0; i < ROUNDS; i++) {
      const flipped = Buffer.from(sps);
      flipped[1 + Math.floor(random() * (flipped.length - 1))] ^= 1 << Math.floor(random() * 8);
      const candidates = [{ sps: flipped, pps }, { sps: Buffer.concat([Buffer.from([0x67]), randomBytes(random, 40)]), pps }, { sps, pps: randomBytes(random, 8) }];
      for (const params of candidates) only(ProtocolError, `params ${params.sps.toString('hex')}/${params.pps.toString('hex')}`, () => initSegment(params));
    }
  });

  it('random NAL units, durations and times: a fragment or clip that parses, or BadInputError', () => {
    const random = seeded(9);
    const pick = (values: number[]): number => values[Math.floor(random() * values.length)];
    for (let i = 0; i < ROUNDS; i++) {
      const nalus = Array.from({ length: Math.floor(random() * 4) }, () => randomBytes(random, 64));
      const duration = pick([0, 1, 6000, -1, 0.5, 2 ** 32 - 1, 2 ** 32]);
      const time = pick([0, 2 ** 32, 2 ** 53 - 1, -5, Number.NaN]);
      const sample = { nalus, duration, keyframe: random() < 0.5 };
      only(BadInputError, `fragment ${i}`, () => mediaSegment({ sequenceNumber: pick([0, 1, 2 ** 32 - 1, 2 ** 32]), baseMediaDecodeTime: time, samples: [sample] }));
      only(BadInputError, `clip ${i}`, () => buildMp4({ sps, pps }, [sample, sample]));
      only(BadInputError, `push ${i}`, () => new LiveFragmenter().push({ nalus, timestamp: pick([0, 2 ** 32 - 1, 2 ** 32, -1]), keyframe: false }));
    }
  });
});
