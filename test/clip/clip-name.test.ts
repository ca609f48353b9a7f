/**
 * Clip names (src/clip/clip-name.ts): camera names made safe for a file name, the time stamp, the
 * numbered names, and placing a finished clip without ever replacing a file, with and without hard
 * links, in a real temporary folder.
 */
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { clipFileName, fileSafeName, placeClip, temporaryName, TEMPORARY_PREFIX } from '../../src/clip/clip-name';
import { numberedName } from '../../src/fs/place-file';
import { StorageError } from '../../src/errors';
import { faultyFs, listDir, tempFolder } from '../helpers/clip-fs';
import { nodeFs } from '../../src/clip/clip-fs';

describe('clip/clip-name', () => {
  const NAMES: Array<[string, string]> = [
    ['garage', 'garage'],
    ['Front door', 'Front-door'],
    ['192.168.100.1', '192.168.100.1'],
    ['../../etc/passwd', 'etc-passwd'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a-b-c-d-e-f-g-h-i-j'],
    ['.hidden', 'hidden'],
    ['Küche 2', 'K-che-2'],
    ['', 'actioncam'],
    ['///', 'actioncam'],
    ['x'.repeat(100), 'x'.repeat(64)],
  ];
  for (const [given, safe] of NAMES) {
    it(`fileSafeName(${JSON.stringify(given.slice(0, 20))}) = ${safe.slice(0, 20)}`, () => assert.equal(fileSafeName(given), safe));
  }

  it('clipFileName: camera, then the start in local time', () => {
    const start = new Date(2026, 10, 30, 7, 5, 9); // local time
    assert.equal(clipFileName('garage', start), 'garage-20261130-070509.mp4');
  });

  it('numberedName puts the number before the extension', () => {
    assert.equal(numberedName('/clips/garage-20261130-070509.mp4', 2), path.join('/clips', 'garage-20261130-070509 (2).mp4'));
  });

  it('temporary names are hidden, random and in the folder', () => {
    const a = temporaryName('/clips', 'payload');
    assert.equal(path.dirname(a), '/clips');
    assert.ok(path.basename(a).startsWith(TEMPORARY_PREFIX));
    assert.match(a, /\.payload\.part$/);
    assert.notEqual(a, temporaryName('/clips', 'payload'));
  });

  describe('placeClip', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await tempFolder('actioncam-clip-name-');
    });
    afterEach(async () => {
      await fsp.rm(dir, { recursive: true, force: true });
    });

    async function temp(content: string): Promise<string> {
      const file = temporaryName(dir, 'clip');
      await fsp.writeFile(file, content);
      return file;
    }

    for (const [label, fs] of [['with hard links', nodeFs], ['without hard links (FAT)', faultyFs({ noHardLinks: true })]] as const) {
      it(`never replaces a file, numbers the name instead (${label})`, async () => {
        const wanted = path.join(dir, 'cam-20261130-070509.mp4');
        await fsp.writeFile(wanted, 'older clip');
        assert.equal(await placeClip(fs, await temp('second'), wanted), path.join(dir, 'cam-20261130-070509 (1).mp4'));
        assert.equal(await placeClip(fs, await temp('third'), wanted), path.join(dir, 'cam-20261130-070509 (2).mp4'));
        assert.equal(await fsp.readFile(wanted, 'utf8'), 'older clip', 'the existing file is untouched');
        assert.deepEqual(await listDir(dir), ['cam-20261130-070509 (1).mp4', 'cam-20261130-070509 (2).mp4', 'cam-20261130-070509.mp4']);
        assert.equal(await fsp.readFile(path.join(dir, 'cam-20261130-070509 (2).mp4'), 'utf8'), 'third');
      });
    }

    it('gives up with a StorageError after the numbered names', async () => {
      const wanted = path.join(dir, 'x.mp4');
      const taken = new Set([wanted, ...Array.from({ length: 1000 }, (_, i) => numberedName(wanted, i + 1))]);
      const fs = { ...nodeFs, link: async (_from: string, to: string) => {
        if (taken.has(to)) throw Object.assign(new Error('EEXIST'), { code: 'EEXIST' });
        throw new Error('unexpected free name');
      } };
      await assert.rejects(placeClip(fs, await temp('x'), wanted), (err: unknown) => err instanceof StorageError && /numbered names/.test(err.message));
    });
  });
});
