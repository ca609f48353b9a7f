/**
 * The live view in a real Node-RED 4 (test/helpers/node-red-process.ts) with `httpNodeRoot: '/api'`
 * and `httpNodeAuth` set, and FlowFuse Dashboard 2 (the devDependency) loaded beside the package:
 *   - the actioncam-live node serves /api/actioncam/camera/ behind Node-RED's HTTP-node login;
 *   - Debian's Chromium plays the page (totalVideoFrames grows by at least 90 % of the frames sent
 *     over 10 s, less than 1 s behind the buffered end);
 *   - the dashboard of the examples "Live view on a dashboard" + "Snapshot on a dashboard" shows the
 *     live view in its ui-template (the same measurement inside the iframe) and the snapshot's still;
 *   - a redeploy that renames the stream leaves no route behind (the old path is 404).
 * Screenshots go to test-artifacts/live/; with ACTIONCAM_UPDATE_DOCS_IMAGES=1 the dashboard is also
 * written to docs/images/dashboard-live.png (the README picture).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { CameraSimulator } from '../../src/simulator';
import { repoRoot } from '../helpers/clip';
import {
  artifactsDir,
  chromiumAvailable,
  collectPageErrors,
  describeWindow,
  launchChromium,
  measurePlayback,
  waitForPlaying,
} from '../helpers/live-browser';
import { startNodeRed, stopNodeRed, type NodeRedProcess } from '../helpers/node-red-process';
import { reserveUdpPort } from '../helpers/ports';

interface FlowNode {
  id: string;
  type: string;
  z?: string;
  [key: string]: unknown;
}

const ROOT = '/api';
const USER = 'viewer';
const PASSWORD = 'not-a-secret';
const TAB = 'live-e2e-tab';
const DASHBOARD_CONFIG = new Set(['ui-base', 'ui-theme', 'ui-page', 'ui-group']);

// The DOM globals used inside page callbacks (the project's tsconfig has no DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

/** The two dashboard examples as one flow on a tab, the camera pointed at the simulator. */
function dashboardFlows(controlPort: number, httpPort: number, previewPort: number): FlowNode[] {
  const byId = new Map<string, FlowNode>();
  for (const name of ['Live view on a dashboard', 'Snapshot on a dashboard']) {
    const flow = JSON.parse(readFileSync(path.join(repoRoot(), 'examples', `${name}.json`), 'utf8')) as FlowNode[];
    for (const node of flow) byId.set(node.id, node);
  }
  const nodes = [...byId.values()].map((n): FlowNode => {
    if (n.type === 'actioncam-config') return { ...n, host: '127.0.0.1', port: controlPort, httpPort, previewPort, timeout: 3000 };
    if (DASHBOARD_CONFIG.has(n.type)) return n;
    return { ...n, z: TAB };
  });
  return [{ id: TAB, type: 'tab', label: 'live view' }, ...nodes];
}

/** bcrypt hash of PASSWORD with the bcryptjs Node-RED itself uses for httpNodeAuth. */
function passwordHash(): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const bcrypt = require(require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('node-red/package.json'))] })) as {
    hashSync(text: string, rounds: number): string;
  };
  return bcrypt.hashSync(PASSWORD, 8);
}

describe('e2e: the live view node and Dashboard 2 in a real Node-RED (httpNodeRoot, httpNodeAuth) in Chromium', function () {
  this.timeout(180000);
  let sim: CameraSimulator;
  let nodeRed: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let base: string;
  const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

  before(async function () {
    if (!chromiumAvailable()) this.skip();
    const preview = await reserveUdpPort();
    sim = new CameraSimulator({ host: '127.0.0.1', previewPort: preview.port });
    const addr = await sim.start().finally(() => preview.release());
    nodeRed = await startNodeRed({
      flows: dashboardFlows(addr.controlPort, addr.httpPort, preview.port),
      settings: { httpNodeRoot: ROOT, httpNodeAuth: { user: USER, pass: passwordHash() } },
      readyTimeoutMs: 90000,
    });
    base = nodeRed.url.replace(/\/$/, '');
    browser = await launchChromium();
    context = await browser.newContext({ httpCredentials: { username: USER, password: PASSWORD }, viewport: { width: 1280, height: 800 } });
  });

  after(async function () {
    this.timeout(60000);
    await browser?.close().catch(() => undefined);
    await stopNodeRed(nodeRed);
    await sim?.stop();
  });

  async function waitForStream(stream: string): Promise<void> {
    const deadline = Date.now() + 30000;
    for (;;) {
      const res = await fetch(`${base}${ROOT}/actioncam/${stream}/index.m3u8`, { headers: { Authorization: auth } });
      if (res.status === 200 && /seg-\d+\.m4s/.test(await res.text())) return;
      if (Date.now() > deadline) throw new Error(`no HLS segment at ${ROOT}/actioncam/${stream}/ after 30 s (last status ${res.status})\n${nodeRed?.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('serves /api/actioncam/camera/ behind httpNodeAuth, and not outside httpNodeRoot', async () => {
    await waitForStream('camera');
    assert.equal((await fetch(`${base}${ROOT}/actioncam/camera/`)).status, 401, 'httpNodeAuth asks for a login');
    const page = await fetch(`${base}${ROOT}/actioncam/camera/`, { headers: { Authorization: auth } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<video id="video"/);
    assert.equal((await fetch(`${base}/actioncam/camera/`, { headers: { Authorization: auth } })).status, 404, 'only below httpNodeRoot');
  });

  it('Chromium plays the page from Node-RED: at least 90 % of the frames sent over 10 s, under 1 s behind', async () => {
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(`${base}${ROOT}/actioncam/camera/`);
      await waitForPlaying(page);
      const window = await measurePlayback(page, sim, 10);
      await page.screenshot({ path: path.join(artifactsDir('live'), 'node-red-page.png') });
      assert.ok(window.played >= 0.9 * window.sent, describeWindow(window));
      assert.ok(window.behind < 1, describeWindow(window));
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('the Dashboard 2 page plays the live view in its ui-template and shows the snapshot\'s still', async () => {
    const page: Page = await context.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(`${base}${ROOT}/dashboard/camera`);
      const iframe = page.locator('.actioncam-live iframe');
      await iframe.waitFor({ state: 'visible', timeout: 30000 });
      const frame = (await (await iframe.elementHandle())?.contentFrame()) as Frame;
      assert.ok(frame, 'the template holds the live view page');
      assert.equal(new URL(frame.url()).pathname, `${ROOT}/actioncam/camera/`);
      await waitForPlaying(frame);

      // The still: the button asks the camera, the template shows the JPEG.
      await page.getByRole('button', { name: /Take a still/ }).click();
      await page.locator('.actioncam-still img').waitFor({ state: 'visible', timeout: 20000 });
      const still = await page.locator('.actioncam-still img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
      assert.ok(still > 0, 'the still is a decoded picture');

      const window = await measurePlayback(frame, sim, 10);
      const shot = path.join(artifactsDir('live'), 'dashboard.png');
      await page.screenshot({ path: shot });
      if (process.env.ACTIONCAM_UPDATE_DOCS_IMAGES === '1') {
        mkdirSync(path.join(repoRoot(), 'docs', 'images'), { recursive: true });
        copyFileSync(shot, path.join(repoRoot(), 'docs', 'images', 'dashboard-live.png'));
      }
      assert.ok(window.played >= 0.9 * window.sent, describeWindow(window));
      assert.ok(window.behind < 1, describeWindow(window));
      const embedded = await frame.evaluate(() => document.body.classList.contains('embed'));
      assert.equal(embedded, true, 'the video alone (?embed)');
      assert.deepEqual(errors.filter((e) => !/favicon/.test(e)), []);
    } finally {
      await page.close();
    }
  });

  it('a redeploy that renames the stream leaves no route behind', async () => {
    const flows = (await (await fetch(`${base}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } })).json()) as { rev: string; flows: FlowNode[] };
    const renamed = flows.flows.map((n) => (n.type === 'actioncam-live' ? { ...n, stream: 'garden' } : n));
    const res = await fetch(`${base}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'nodes' },
      body: JSON.stringify({ rev: flows.rev, flows: renamed }),
    });
    assert.equal(res.status, 200, await res.text());
    await waitForStream('garden');
    assert.equal((await fetch(`${base}${ROOT}/actioncam/camera/`, { headers: { Authorization: auth } })).status, 404, 'the old route is gone');
    assert.equal((await fetch(`${base}${ROOT}/actioncam/garden/`, { headers: { Authorization: auth } })).status, 200);
  });
});
