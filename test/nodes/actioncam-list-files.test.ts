import assert from 'node:assert/strict';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import configModule = require('../../nodes/actioncam-config');
import listFilesModule = require('../../nodes/actioncam-list-files');
import snapshotModule = require('../../nodes/actioncam-snapshot');
import { CREDENTIALS, Collector, actionFlow, activeResources, collectors, configNode, delay, helper, leakedResources, loadFlow, simulatorPerTest, statusTexts, waitUntil } from '../helpers/node-red';

const NODES = [configModule, listFilesModule, snapshotModule];

interface Listed {
  path: string;
  name: string;
  size: number;
  url: string;
  type: string;
}

describe('actioncam-list-files node', () => {
  const cam = simulatorPerTest();

  function load(props: Record<string, unknown> = {}): Promise<void> {
    const node = {
      type: 'actioncam-list-files',
      camera: 'c1',
      mode: 'list',
      filter: 'all',
      newestFirst: true,
      limit: 0,
      path: 'path',
      pathType: 'msg',
      output: 'buffer',
      folder: '',
      folderType: 'str',
      timeout: 10000,
      ...props,
    };
    const flow = actionFlow(node, configNode(cam.addr.controlPort, cam.addr.httpPort));
    flow.push({ id: 'snap', z: 'tab1', type: 'actioncam-snapshot', camera: 'c1', download: false, timeout: 5000, wires: [['snapped']] });
    flow.push({ id: 'snapped', z: 'tab1', type: 'helper' });
    return loadFlow(NODES, flow, CREDENTIALS);
  }

  /** Two more photos, so the card holds: video 1, photo 1, photo 2, photo 3 (oldest first). */
  async function takeTwoPhotos(): Promise<void> {
    const snapped = new Collector(helper.getNode('snapped'));
    helper.getNode('snap').receive({});
    await snapped.next(3000, 'the first photo');
    helper.getNode('snap').receive({});
    await snapped.next(3000, 'the second photo');
  }

  it('lists every file newest first as {path, name, size, url, type}, keeping the msg', async () => {
    await load();
    const { out } = collectors();
    helper.getNode('n1').receive({ payload: 'list', topic: 'files' });
    const msg = await out.next();
    const expected = [...cam.sim.files].reverse().map((f) => ({ path: f.path, name: f.name, size: f.size, url: `http://127.0.0.1:${cam.addr.httpPort}${f.path}`, type: f.type }));
    assert.deepEqual(msg.payload, expected);
    assert.equal(msg.topic, 'files');
  });

  it('filters by type, keeps camera order when newest first is off, and limits', async () => {
    await load({ filter: 'photo', newestFirst: false, limit: 2 });
    await takeTwoPhotos();
    const { out } = collectors();
    helper.getNode('n1').receive({});
    const names = ((await out.next()).payload as Listed[]).map((f) => f.name);
    const photos = cam.sim.files.filter((f) => f.type === 'photo').map((f) => f.name);
    assert.equal(photos.length, 3);
    assert.deepEqual(names, photos.slice(0, 2));
  });

  it('downloads the newest match as a Buffer when msg.path is empty', async () => {
    await load({ mode: 'download', filter: 'photo' });
    await takeTwoPhotos();
    const { out, statuses } = collectors();
    helper.getNode('n1').receive({ topic: 'dl' });
    const msg = await out.next();
    const newest = cam.sim.files.filter((f) => f.type === 'photo').at(-1)!;
    assert.ok((msg.payload as Buffer).equals(newest.data));
    assert.equal(msg.contentType, 'image/jpeg');
    assert.equal((msg.file as Listed).path, newest.path);
    assert.equal(msg.topic, 'dl');
    await waitUntil(() => statusTexts(statuses).some((t) => /^downloading/.test(t)), 1000, 'a "downloading" status');
  });

  it('downloads msg.path (a path or a bare name)', async () => {
    await load({ mode: 'download' });
    const video = cam.sim.files.find((f) => f.type === 'video')!;
    const { out } = collectors();
    helper.getNode('n1').receive({ path: video.path });
    const byPath = await out.next();
    assert.ok((byPath.payload as Buffer).equals(video.data));
    assert.equal(byPath.contentType, 'video/mp4');
    helper.getNode('n1').receive({ path: video.name });
    assert.ok(((await out.next()).payload as Buffer).equals(video.data));
  });

  it('streams into a folder and emits {path, size, file}', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'actioncam-nodes-'));
    try {
      await load({ mode: 'download', output: 'folder', folder: dir, folderType: 'str', filter: 'video' });
      const video = cam.sim.files.find((f) => f.type === 'video')!;
      const { out } = collectors();
      helper.getNode('n1').receive({ topic: 'save' });
      const msg = await out.next();
      const payload = msg.payload as { path: string; size: number; file: string };
      assert.equal(payload.path, video.path);
      assert.equal(payload.size, video.size);
      assert.equal(payload.file, path.join(dir, video.name));
      assert.equal((msg.file as Listed).path, video.path);
      assert.ok((await fs.readFile(payload.file)).equals(video.data));
      assert.equal(msg.topic, 'save');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('never overwrites a file in the folder: a numbered name, unless "overwrite" is on (issue 10)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'actioncam-nodes-'));
    try {
      const photo = cam.sim.files.find((f) => f.type === 'photo')!;
      await fs.writeFile(path.join(dir, photo.name), 'mine');
      await load({ mode: 'download', output: 'folder', folder: dir, folderType: 'str' });
      let c = collectors();
      helper.getNode('n1').receive({ path: photo.path });
      const numbered = photo.name.replace(/(\.[^.]*)$/, ' (1)$1');
      assert.equal(((await c.out.next()).payload as { file: string }).file, path.join(dir, numbered));
      assert.equal(await fs.readFile(path.join(dir, photo.name), 'utf8'), 'mine');
      await helper.unload();

      await load({ mode: 'download', output: 'folder', folder: dir, folderType: 'str', overwrite: true });
      c = collectors();
      helper.getNode('n1').receive({ path: photo.path });
      assert.equal(((await c.out.next()).payload as { file: string }).file, path.join(dir, photo.name));
      assert.ok((await fs.readFile(path.join(dir, photo.name))).equals(photo.data));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  describe('sync mode (issue 11)', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'actioncam-nodes-sync-'));
    });
    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    interface SyncPayload {
      downloaded: Array<{ path: string; size: number; file: string }>;
      skipped: number;
      failed: Array<{ path: string; error: string }>;
      bytes: number;
    }

    it('mirrors the card into the folder with "syncing n/m · p %" in the status; a second run downloads none', async () => {
      await load({ mode: 'sync', folder: dir, folderType: 'str' });
      const { out, statuses } = collectors();
      helper.getNode('n1').receive({ topic: 'archive' });
      const first = await out.next();
      const payload = first.payload as SyncPayload;
      assert.deepEqual(payload, {
        downloaded: cam.sim.files.map((f) => ({ path: f.path, size: f.size, file: path.join(dir, f.path) })),
        skipped: 0,
        failed: [],
        bytes: cam.sim.files.reduce((n, f) => n + f.size, 0),
      });
      assert.equal(first.topic, 'archive');
      for (const f of cam.sim.files) assert.ok((await fs.readFile(path.join(dir, f.path))).equals(f.data));
      const count = cam.sim.files.length;
      assert.ok(statusTexts(statuses).includes(`syncing 1/${count} · 0 %`), statusTexts(statuses).join(' | '));
      assert.ok(statusTexts(statuses).some((t) => new RegExp(`^syncing ${count}/${count} · \\d+ %$`).test(t)));

      helper.getNode('n1').receive({});
      assert.deepEqual((await out.next()).payload, { downloaded: [], skipped: count, failed: [], bytes: 0 });
    });

    it('reads the folder from msg, honours the filter, reports a file cut mid-way and still sends the msg', async () => {
      const video = cam.sim.files.find((f) => f.type === 'video')!;
      cam.sim.addFile('/DCIM/MOVIE/VID_0009.MP4', Buffer.alloc(3000, 9));
      cam.sim.faults.httpCut = { path: video.path, afterBytes: 2000 };
      await load({ mode: 'sync', folder: 'folder', folderType: 'msg', filter: 'video' });
      const { out, caught } = collectors();
      helper.getNode('n1').receive({ folder: dir });
      const payload = (await out.next()).payload as SyncPayload;
      assert.deepEqual(payload.failed.map((f) => f.path), [video.path]);
      assert.deepEqual(payload.downloaded.map((d) => d.path), ['/DCIM/MOVIE/VID_0009.MP4']);
      assert.equal(caught.messages.length, 0, 'a failed file is not a failed input');
      const files = await fs.readdir(path.join(dir, 'DCIM', 'MOVIE'));
      assert.deepEqual(files, ['VID_0009.MP4'], 'no partial file under the cut video name, no temporary file');
    });

    it('refuses camera names that would leave the folder', async () => {
      cam.sim.addFile('/DCIM/../../escaped.JPG', Buffer.from('x'));
      await load({ mode: 'sync', folder: dir, folderType: 'str' });
      const { out } = collectors();
      helper.getNode('n1').receive({});
      const payload = (await out.next()).payload as SyncPayload;
      assert.deepEqual(payload.failed.map((f) => f.path), ['/DCIM/../../escaped.JPG']);
      assert.match(payload.failed[0].error, /outside/);
      await assert.rejects(fs.access(path.join(dir, '..', 'escaped.JPG')));
    });

    it('fails once with a red status without a folder', async () => {
      await load({ mode: 'sync', folder: '', folderType: 'str' });
      const { out, caught, statuses } = collectors();
      helper.getNode('n1').receive({});
      const err = await caught.next();
      assert.match(String((err.error as { message: string }).message), /no download folder/);
      await waitUntil(() => statusTexts(statuses).includes('error: bad input'), 1000, 'a red status');
      await delay(100);
      assert.equal(caught.messages.length, 1);
      assert.equal(out.messages.length, 0);
    });
  });

  it('fails once with a clear message for a file that is not on the card', async () => {
    await load({ mode: 'download' });
    const { out, caught, statuses } = collectors();
    helper.getNode('n1').receive({ path: '/DCIM/MOVIE/NOPE.MP4', topic: 'missing' });
    const err = await caught.next();
    assert.equal(err.topic, 'missing');
    assert.match(String((err.error as { message: string }).message), /no file \/DCIM\/MOVIE\/NOPE\.MP4 on the camera/);
    await waitUntil(() => statusTexts(statuses).includes('error: bad input'), 1000, 'a red status');
    await delay(100);
    assert.equal(caught.messages.length, 1);
    assert.equal(out.messages.length, 0);
  });

  it('fails clearly in folder mode without a folder', async () => {
    await load({ mode: 'download', output: 'folder', folder: '', folderType: 'str' });
    const { caught } = collectors();
    helper.getNode('n1').receive({});
    const err = await caught.next();
    assert.match(String((err.error as { message: string }).message), /no download folder/);
  });

  it('leaves no sockets or timers behind after unload', async () => {
    const before = await activeResources();
    await load({ mode: 'download' });
    const { out } = collectors();
    helper.getNode('n1').receive({});
    await out.next();
    await helper.unload();
    await waitUntil(() => cam.sim.clientCount === 0, 2000, 'the camera to see the client leave');
    assert.deepEqual(await leakedResources(before), []);
  });
});
