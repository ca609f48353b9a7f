/**
 * `actioncam live` end to end: camera simulator -> the CLI (Camera + LiveRunner + http.Server) ->
 *   - ffmpeg reading http://…/stream.mp4 and http://…/index.m3u8: every decoded frame bit-identical
 *     to decoding the clip file directly (`-f framemd5`);
 *   - Debian's Chromium opening the page: the video plays (totalVideoFrames grows by at least 90 %
 *     of the frames sent over 10 s), stays less than 1 s behind the end of what it has buffered,
 *     says "camera offline / reconnecting" while the camera sends nothing and plays on after;
 *   - the same page on native HLS (`?hls`), which this Chromium has.
 * Screenshots go to test-artifacts/live/.
 */
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CameraSimulator } from '../../src/simulator';
import { CLIP_IDR_FRAMES, CLIP_PATH } from '../helpers/clip';
import { alignWithReference, decodeErrors, ffmpegAvailable, killSpawnedFfmpeg, parseFramemd5, referenceFramemd5, runFfmpeg } from '../helpers/ffmpeg';
import {
  artifactsDir,
  chromiumAvailable,
  collectPageErrors,
  describeWindow,
  launchChromium,
  measurePlayback,
  samplePlayback,
  waitForPlaying,
} from '../helpers/live-browser';
import { reserveUdpPort } from '../helpers/ports';
import { collect, exited, firstLine, spawnCli } from '../cli/helpers';

const FRAMES = 40;

describe('e2e: actioncam live -> ffmpeg and Chromium', function () {
  this.timeout(90000);
  let sim: CameraSimulator;
  let child: ChildProcessWithoutNullStreams;
  let base: string;
  let reference: string[];

  before(async function () {
    if (!ffmpegAvailable()) this.skip();
    reference = (await referenceFramemd5(CLIP_PATH)).map((f) => f.md5);
  });

  beforeEach(async () => {
    const preview = await reserveUdpPort();
    sim = new CameraSimulator({ host: '127.0.0.1', previewPort: preview.port });
    const addr = await sim.start().finally(() => preview.release());
    child = spawnCli(['live', '--host', '127.0.0.1', '--port', String(addr.controlPort), '--preview-port', String(preview.port), '--listen', '127.0.0.1:0']);
    base = await firstLine(child);
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  afterEach(async () => {
    await killSpawnedFfmpeg();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
    await sim.stop();
  });

  async function waitForSegments(count: number): Promise<string> {
    const deadline = Date.now() + 20000;
    for (;;) {
      const text = await (await fetch(`${base}index.m3u8`)).text();
      if ((text.match(/^seg-\d+\.m4s$/gm) ?? []).length >= count) return text;
      if (Date.now() > deadline) throw new Error(`fewer than ${count} segments after 20 s:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function decode(url: string): Promise<void> {
    const run = runFfmpeg(['-loglevel', 'warning', '-i', url, '-an', '-fps_mode', 'passthrough', '-frames:v', String(FRAMES), '-f', 'framemd5', '-'], { timeoutMs: 40000 });
    const result = await run.result;
    assert.equal(result.code, 0, `ffmpeg failed: ${result.stderr}`);
    assert.deepEqual(decodeErrors(result.stderr), [], 'no decoder errors');
    const md5s = parseFramemd5(result.stdout.toString('utf8')).map((f) => f.md5);
    assert.equal(md5s.length, FRAMES);
    const aligned = alignWithReference(md5s, reference, CLIP_IDR_FRAMES);
    assert.notEqual(aligned.start, undefined, `frames differ from the clip: ${JSON.stringify(aligned)}`);
  }

  it('serves exactly the page, stream.mp4 and index.m3u8: the page has no outside resource, other paths 404, other methods 405', async () => {
    const page = await fetch(base);
    assert.equal(page.status, 200);
    assert.match(String(page.headers.get('content-type')), /^text\/html/);
    assert.match(String(page.headers.get('content-security-policy')), /default-src 'none'/);
    const html = await page.text();
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no absolute URL: nothing from another origin');
    assert.match(html, /<video id="video" muted autoplay playsinline/);
    assert.equal((await fetch(`${base}nothing-here`)).status, 404);
    assert.equal((await fetch(`${base}seg-999999.m4s`)).status, 404);
    assert.equal((await fetch(`${base}stream.mp4`, { method: 'POST' })).status, 405);
    const playlist = await waitForSegments(2);
    assert.match(playlist, /^#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n/);
    const init = playlist.match(/#EXT-X-MAP:URI="(init-\d+\.mp4)"/)?.[1];
    const initRes = await fetch(`${base}${init}`);
    assert.equal(initRes.status, 200);
    assert.equal(Buffer.from(await initRes.arrayBuffer()).toString('latin1', 4, 8), 'ftyp');
    child.kill('SIGINT');
    const result = await collect(child, 15000);
    assert.equal(result.code, 0, result.stderr);
  });

  it('ffmpeg -i http://…/stream.mp4 decodes every frame bit-exact', async () => {
    await decode(`${base}stream.mp4`);
  });

  it('ffmpeg -i http://…/index.m3u8 decodes every frame bit-exact', async () => {
    await waitForSegments(3);
    await decode(`${base}index.m3u8`);
  });

  describe('in Chromium', () => {
    let browser: Browser | undefined;
    let page: Page;
    let errors: string[];
    const shots = path.join('live');

    before(async function () {
      if (!chromiumAvailable()) this.skip();
      browser = await launchChromium();
    });

    beforeEach(async () => {
      page = await browser!.newPage({ viewport: { width: 960, height: 600 } });
      errors = collectPageErrors(page);
    });

    afterEach(async () => {
      await page?.close().catch(() => undefined);
    });

    after(async () => {
      await browser?.close().catch(() => undefined);
    });

    it('plays the page (MSE): at least 90 % of the frames sent over 10 s, under 1 s behind; offline and back', async () => {
      await page.goto(base);
      await waitForPlaying(page);
      const window = await measurePlayback(page, sim, 10);
      await page.screenshot({ path: path.join(artifactsDir(shots), 'cli-page.png') });
      assert.equal(window.after.mode, 'mse');
      assert.ok(window.played >= 0.9 * window.sent, describeWindow(window));
      assert.ok(window.behind < 1, describeWindow(window));
      assert.equal(window.after.overlay, '');

      // The camera goes quiet: the page says so; then it plays on by itself.
      sim.faults.mutePreview = true;
      await page.waitForFunction(() => /offline/.test(String((globalThis as { document?: { getElementById(id: string): { textContent: string; hidden: boolean } } }).document?.getElementById('overlay')?.textContent)), undefined, { timeout: 15000 });
      await page.screenshot({ path: path.join(artifactsDir(shots), 'cli-page-offline.png') });
      sim.faults.mutePreview = false;
      await page.waitForFunction(() => (globalThis as { document?: { getElementById(id: string): { hidden: boolean } } }).document?.getElementById('overlay')?.hidden === true, undefined, { timeout: 20000 });
      const again = await samplePlayback(page);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const later = await samplePlayback(page);
      assert.ok(later.totalVideoFrames > again.totalVideoFrames + 15, `plays again: ${again.totalVideoFrames} -> ${later.totalVideoFrames}`);
      assert.ok(later.bufferedEnd - later.currentTime < 1, `back near the live edge: ${later.bufferedEnd - later.currentTime} s behind`);
      assert.deepEqual(errors, []);
    });

    it('plays the page on native HLS (?hls): at least 90 % of the frames sent over 10 s', async function () {
      await page.goto('about:blank');
      const hls = await page.evaluate(() => (globalThis as unknown as { document: { createElement(t: string): { canPlayType(t: string): string } } }).document.createElement('video').canPlayType('application/vnd.apple.mpegurl'));
      if (!hls) this.skip();
      await waitForSegments(3);
      await page.goto(`${base}?hls`);
      await waitForPlaying(page);
      const window = await measurePlayback(page, sim, 10);
      await page.screenshot({ path: path.join(artifactsDir(shots), 'cli-page-hls.png') });
      assert.equal(window.after.mode, 'hls');
      assert.ok(window.played >= 0.9 * window.sent, describeWindow(window));
      assert.deepEqual(errors, []);
    });
  });
});
