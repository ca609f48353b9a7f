import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { TEMPORARY_PREFIX, TEMPORARY_SUFFIX } from '../../src/clip/clip-name';
import { ClipDefaults } from '../../src/clip/defaults';
import { sweepClipLeftovers } from '../../src/clip/leftovers';
import { listDir, tempFolder } from '../helpers/clip-fs';

describe('clip: leftovers of a killed process', () => {
  let dir: string;
  const now = Date.parse('2026-11-30T12:00:00Z');
  const hoursAgo = (h: number): Date => new Date(now - h * 60 * 60 * 1000);

  beforeEach(async () => {
    dir = await tempFolder('actioncam-leftovers-');
  });
  afterEach(() => fsp.rm(dir, { recursive: true, force: true }));

  async function file(name: string, mtime: Date): Promise<void> {
    await fsp.writeFile(path.join(dir, name), 'x');
    await fsp.utimes(path.join(dir, name), mtime, mtime);
  }

  it('removes only our temporary files that nobody wrote for longer than staleTemporaryMs', async () => {
    const stale = `${TEMPORARY_PREFIX}aaaaaaaaaaaa.payload${TEMPORARY_SUFFIX}`;
    const staleClip = `${TEMPORARY_PREFIX}bbbbbbbbbbbb.clip${TEMPORARY_SUFFIX}`;
    const fresh = `${TEMPORARY_PREFIX}cccccccccccc.payload${TEMPORARY_SUFFIX}`; // another process is writing it
    await file(stale, hoursAgo(2));
    await file(staleClip, hoursAgo(25));
    await file(fresh, hoursAgo(0.5));
    await file('garage-20261130-100000.mp4', hoursAgo(48)); // a clip
    await file('download.part', hoursAgo(48)); // somebody else's temporary file
    await file(`${TEMPORARY_PREFIX}notes.txt`, hoursAgo(48)); // our prefix, not our suffix
    await fsp.mkdir(path.join(dir, `${TEMPORARY_PREFIX}dir${TEMPORARY_SUFFIX}`)); // not a file
    await fsp.utimes(path.join(dir, `${TEMPORARY_PREFIX}dir${TEMPORARY_SUFFIX}`), hoursAgo(48), hoursAgo(48));

    const removed = await sweepClipLeftovers(dir, { now: () => now });

    assert.deepEqual(removed.map((f) => path.basename(f)).sort(), [stale, staleClip].sort());
    assert.deepEqual(await listDir(dir), [`${TEMPORARY_PREFIX}dir${TEMPORARY_SUFFIX}`, `${TEMPORARY_PREFIX}notes.txt`, fresh, 'download.part', 'garage-20261130-100000.mp4'].sort());
    assert.equal(ClipDefaults.staleTemporaryMs, 60 * 60 * 1000);
  });

  it('never rejects: a missing folder, a file that vanishes or cannot be removed is skipped', async () => {
    assert.deepEqual(await sweepClipLeftovers(path.join(dir, 'missing'), { now: () => now }), []);
    const name = `${TEMPORARY_PREFIX}dddddddddddd.payload${TEMPORARY_SUFFIX}`;
    const removed = await sweepClipLeftovers(dir, {
      now: () => now,
      fs: {
        readdir: async () => [name, `${TEMPORARY_PREFIX}eeeeeeeeeeee.clip${TEMPORARY_SUFFIX}`],
        stat: async (f) => {
          if (f.endsWith(name)) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
          return { mtimeMs: now - 2 * 60 * 60 * 1000, isFile: () => true };
        },
        unlink: async () => {
          throw Object.assign(new Error('read-only'), { code: 'EROFS' });
        },
      },
    });
    assert.deepEqual(removed, []);
  });
});
