/**
 * takeStill and newestFile (src/session/still.ts): the new still found by listing before and after
 * the shot against the camera simulator on 127.0.0.1, the bounded re-listing while the card has not
 * listed the file yet, and the one size-0 rule every caller shares.
 */
import assert from 'node:assert/strict';
import type { FileEntry } from '../../src/protocol';
import { CameraSession } from '../../src/session';
import { newestFile, newFiles, takeStill } from '../../src/session/still';
import { CameraSimulator } from '../../src/simulator';

const entry = (path: string, size: number, type: FileEntry['type']): FileEntry => ({ path, name: path.slice(path.lastIndexOf('/') + 1), size, type });

describe('session/still: the new still and the newest file', () => {
  describe('newestFile', () => {
    const video = entry('/V/1.MP4', 900, 'video');
    const photo1 = entry('/P/1.JPG', 100, 'photo');
    const photo2 = entry('/P/2.JPG', 120, 'photo');
    const writing = entry('/V/2.MP4', 0, 'video');
    const emptyLog = entry('/X/a.txt', 0, 'other');
    const cases: Array<[string, FileEntry[], Parameters<typeof newestFile>[1], FileEntry | undefined]> = [
      ['the last listed entry (camera order is oldest first)', [video, photo1, photo2], 'all', photo2],
      ['the last entry of the filtered type', [video, photo1, photo2, emptyLog], 'photo', photo2],
      ['skips a size-0 file (still being written)', [video, photo1, writing], 'all', photo1],
      ['skips a size-0 file of the filtered type', [video, writing], 'video', video],
      ['the last size-0 match when every match is size 0', [photo1, writing, emptyLog], 'other', emptyLog],
      ['nothing for an empty list', [], 'all', undefined],
      ['nothing when no entry has the type', [video, photo1], 'other', undefined],
    ];
    for (const [name, list, filter, expected] of cases) {
      it(name, () => assert.equal(newestFile(list, filter), expected));
    }

    it('filters on every type by default and does not reorder its input', () => {
      const list = [photo1, video];
      assert.equal(newestFile(list), video);
      assert.deepEqual(list, [photo1, video]);
    });

    it('newFiles keeps the entries that were not listed before, in list order', () => {
      assert.deepEqual(newFiles([video], [video, photo1, photo2]), [photo1, photo2]);
      assert.deepEqual(newFiles([video, photo1], [video, photo1]), []);
    });
  });

  describe('takeStill against the simulator', () => {
    let sim: CameraSimulator;
    let session: CameraSession;
    let listings: number;
    /** How many listings after the shot leave the new photo out (a card that lists it late). */
    let hideNewFor: number;

    beforeEach(async () => {
      sim = new CameraSimulator({ host: '127.0.0.1' });
      const addr = await sim.start();
      session = new CameraSession({ host: addr.host, port: addr.controlPort, reconnect: false, requestTimeoutMs: 2000 });
      await session.connect();
      listings = 0;
      hideNewFor = 0;
      const seeded = new Set(sim.files.map((f) => f.path));
      const listFiles = session.listFiles.bind(session);
      session.listFiles = async (opts) => {
        const files = await listFiles(opts);
        listings++;
        if (listings > 1 && hideNewFor > 0) {
          hideNewFor--;
          return files.filter((f) => seeded.has(f.path));
        }
        return files;
      };
    });

    afterEach(async () => {
      await session.close();
      await sim.stop();
    });

    it('takes a picture and returns the photo the card gained', async () => {
      const before = sim.files.length;
      const still = await takeStill(session);
      assert.equal(sim.files.length, before + 1);
      const added = sim.files[sim.files.length - 1];
      assert.deepEqual(still, { path: added.path, name: added.name, size: added.size, type: 'photo' });
      assert.equal(listings, 2, 'one listing before the shot, one after');
    });

    it('lists again while the new file is not listed yet', async () => {
      hideNewFor = 2;
      const still = await takeStill(session, { relistDelayMs: 10 });
      assert.equal(still?.path, sim.files[sim.files.length - 1].path);
      assert.equal(listings, 4, 'before, then three listings after the shot');
    });

    it('gives up after listAttempts listings and resolves undefined', async () => {
      hideNewFor = Infinity;
      const still = await takeStill(session, { listAttempts: 3, relistDelayMs: 10 });
      assert.equal(still, undefined);
      assert.equal(listings, 4, 'before, then three listings after the shot');
      assert.equal(sim.files.filter((f) => f.type === 'photo').length, 2, 'the camera did take the picture');
    });

    it('stops waiting when the signal aborts', async () => {
      hideNewFor = Infinity;
      const controller = new AbortController();
      const pending = takeStill(session, { signal: controller.signal, relistDelayMs: 5000 });
      while (listings < 2) await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      await assert.rejects(pending, (err: Error) => err.name === 'AbortError');
    });
  });
});
