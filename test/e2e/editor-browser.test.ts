/**
 * The package in a real Node-RED 4 editor, driven in Debian's Chromium through playwright-core (no
 * browser download): the palette and its search, every node's edit dialog and help, the camera config
 * dialog with its Search button (the simulator answers, the camera is picked, deployed, a still taken),
 * a closed port read as a red "unreachable" status and an error in the debug sidebar, and an example
 * imported through the menu, deployed against the camera simulator and triggered from its inject
 * button, with the result read from the debug sidebar. No console or page error is allowed.
 *
 * Screenshots go to test-artifacts/editor/. With ACTIONCAM_UPDATE_DOCS_IMAGES=1 the flow with its
 * debug output is also written to docs/images/flow.png (the README picture).
 *
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { CameraSimulator } from '../../src/simulator';
import { findPackageRoot, startNodeRed, stopNodeRed, type NodeRedProcess } from '../helpers/node-red-process';
import { closedTcpPort } from '../helpers/ports';
import { CHROMIUM, launchChromium } from '../helpers/live-browser';

/** The editor's global; only used inside page.evaluate / waitForFunction callbacks (run in the page). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const RED: any;
// The DOM globals used inside the page callbacks (the project's tsconfig has no DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;
declare function getComputedStyle(el: unknown): { backgroundImage: string; display: string; right: string };

const PACKAGE = '@actioncam/node-red-actioncam';
const CATEGORY = 'action cam';
const CATEGORY_ID = '#red-ui-palette-container-action_cam';
const WAIT_MS = 20000;

/** The editor form fields of each node (docs/NODES.md), without the node-input- prefix. */
const PALETTE_NODES: Record<string, string[]> = {
  'actioncam-discover': ['name', 'address', 'ports', 'timeout'],
  'actioncam-snapshot': ['name', 'camera', 'download', 'timeout'],
  'actioncam-record': ['name', 'camera', 'action', 'duration'],
  'actioncam-list-files': ['name', 'camera', 'mode', 'filter', 'newestFirst', 'limit', 'path', 'output', 'folder', 'overwrite', 'timeout'],
  'actioncam-firmware': ['name', 'camera'],
  'actioncam-raw-command': ['name', 'camera', 'command', 'reply', 'timeout', 'unsolicited', 'outputs'],
  'actioncam-rtp-relay': ['name', 'camera', 'mode', 'host', 'port', 'sdpFile', 'bind', 'rtspPort', 'path', 'autoStart', 'maxPayload', 'rtspUser', 'rtspPassword'],
  'actioncam-clip': ['name', 'camera', 'folder', 'preRoll', 'duration', 'maxDuration', 'output'],
  'actioncam-live': ['name', 'camera', 'stream', 'maxViewers', 'autoStart'],
};
const CONFIG_NODE = 'actioncam-config';
const CONFIG_FIELDS = ['name', 'host', 'port', 'httpPort', 'previewPort', 'timeout', 'reconnect', 'setClock', 'username', 'password'];
/** The buttons beside a config-node picker (Node-RED 4.1 ids; 3.x had one "lookup" pencil for both). */
const EDIT_CAMERA = '#node-input-btn-camera-edit, #node-input-lookup-camera';
const ADD_CAMERA = '#node-input-btn-camera-add, #node-input-lookup-camera';
/** Text that is an untranslated catalogue key, e.g. "actioncam-snapshot.label.camera". */
const RAW_I18N_KEY = /\bactioncam-[a-z-]+\.[a-zA-Z]+\.[a-zA-Z.]+/;

describe('e2e: the nodes in the Node-RED editor (Chromium)', function () {
  this.timeout(120000);

  const root = findPackageRoot(path.join(__dirname, '..', '..'));
  const artifacts = path.join(root, 'test-artifacts', 'editor');
  let sim: CameraSimulator | undefined;
  let controlPort = 0;
  let httpPort = 0;
  let discoveryPort = 0;
  let nodeRed: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  /** Every console error, page error and failed request of the whole run. */
  const browserErrors: string[] = [];
  let errorsBefore = 0;
  /** Nodes a test dropped on the workspace (removed after the test even when it failed). */
  let created: string[] = [];

  function paletteLabel(type: string): string {
    const catalogue = JSON.parse(readFileSync(path.join(root, 'nodes', 'locales', 'en-US', `${type}.json`), 'utf8'));
    return catalogue[type].paletteLabel;
  }

  async function screenshot(name: string): Promise<string> {
    const file = path.join(artifacts, `${name}.png`);
    await page.screenshot({ path: file });
    return file;
  }

  /**
   * The top-most edit tray. Node-RED keeps a stack of trays but only the top one is in the DOM (a
   * config node's tray replaces its user's until it closes), so the last .red-ui-tray is the top.
   */
  function topTray(): Locator {
    return page.locator('#red-ui-editor-stack .red-ui-tray').last();
  }

  /**
   * Waits until the top tray has slid in and been sized (a CSS transition on `right`, then a resize):
   * clicking during the slide hits whatever moves under the pointer.
   */
  async function waitForTraySettled(): Promise<void> {
    await page.waitForFunction(
      () => {
        const trays = document.querySelectorAll('#red-ui-editor-stack .red-ui-tray');
        const top = trays[trays.length - 1];
        return top && getComputedStyle(top).right === '0px' && top.getAnimations({ subtree: true }).length === 0;
      },
      undefined,
      { timeout: WAIT_MS },
    );
  }

  /** Waits until no tray is open: none in the DOM and the header shade (shown while the stack is not empty) gone. */
  async function waitForNoTray(): Promise<void> {
    await page.waitForFunction(
      () => document.querySelectorAll('#red-ui-editor-stack .red-ui-tray').length === 0 && getComputedStyle(document.querySelector('#red-ui-header-shade')).display === 'none',
      undefined,
      { timeout: WAIT_MS },
    );
  }

  /** Clicks a button of the top tray and waits until that tray has left (and the one below is back). */
  async function closeTopTray(button: string, expectBelow?: string): Promise<void> {
    const tray = await topTray().elementHandle();
    assert.ok(tray, 'a tray is open');
    await page.locator(button).click();
    await page.waitForFunction((el) => !el.isConnected, tray, { timeout: WAIT_MS });
    if (expectBelow) {
      await page.locator(expectBelow).waitFor({ state: 'visible', timeout: WAIT_MS });
      await waitForTraySettled();
    } else await waitForNoTray();
  }

  /** Drags a node from the palette (ours or a core one) onto the workspace; resolves with the new node's id. */
  async function dropFromPalette(type: string, dx = 260, dy = 140): Promise<string> {
    const before: string[] = await page.evaluate((t) => RED.nodes.filterNodes({ type: t }).map((n: { id: string }) => n.id), type);
    const container = type.startsWith('actioncam-') ? CATEGORY_ID : '#red-ui-palette-container';
    const item = page.locator(`${container} .red-ui-palette-node[data-palette-type="${type}"]`);
    await item.scrollIntoViewIfNeeded();
    const from = await item.boundingBox();
    const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
    assert.ok(from && chart, `palette entry and workspace of ${type} are visible`);
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(chart.x + dx, chart.y + dy, { steps: 12 });
    await page.mouse.up();
    const handle = await page.waitForFunction(
      ({ t, old }) => RED.nodes.filterNodes({ type: t }).map((n: { id: string }) => n.id).find((id: string) => !old.includes(id)),
      { t: type, old: before },
      { timeout: WAIT_MS },
    );
    const id = (await handle.jsonValue()) as string;
    created.push(id);
    return id;
  }

  function nodeOnCanvas(id: string): Locator {
    return page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`);
  }

  async function openEditDialog(id: string): Promise<Locator> {
    await nodeOnCanvas(id).dblclick();
    await page.locator('#node-dialog-ok').waitFor({ state: 'visible', timeout: WAIT_MS });
    await waitForTraySettled();
    const tray = topTray();
    await tray.locator('.red-ui-tray-body form').first().waitFor({ state: 'visible', timeout: WAIT_MS });
    return tray;
  }

  /** Opens the camera's config tray from the open node dialog (add or edit button); resolves with the tray. */
  async function openCameraDialog(button: string): Promise<Locator> {
    await page.locator(button).click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible', timeout: WAIT_MS });
    await waitForTraySettled();
    const tray = topTray();
    await tray.locator('#node-config-input-host').waitFor({ state: 'visible', timeout: WAIT_MS });
    return tray;
  }

  async function deleteNode(id: string): Promise<void> {
    await page.evaluate((nodeId) => RED.view.select(nodeId), id);
    await page.keyboard.press('Delete');
    await page.waitForFunction((nodeId) => !RED.nodes.node(nodeId), id, { timeout: WAIT_MS });
  }

  /** The form's fields exist, their labels are translated and nothing shows a raw catalogue key. */
  async function checkForm(tray: Locator, prefix: string, fields: string[], what: string): Promise<void> {
    for (const field of fields) {
      assert.equal(await tray.locator(`#${prefix}${field}`).count(), 1, `${what}: field #${prefix}${field} is in the dialog`);
    }
    const form = tray.locator('.red-ui-tray-body form').first();
    const text = await form.innerText();
    assert.ok(!RAW_I18N_KEY.test(text), `${what}: no untranslated label in the dialog: ${RAW_I18N_KEY.exec(text)?.[0]}`);
    const placeholders: string[] = await form.locator('[placeholder]').evaluateAll((els) => els.map((e) => e.getAttribute('placeholder') ?? ''));
    for (const p of placeholders) assert.ok(!RAW_I18N_KEY.test(p), `${what}: untranslated placeholder ${p}`);
    // The name field is shown in every dialog (a dialog that failed to render shows nothing).
    assert.ok(await tray.locator(`#${prefix}name`).isVisible(), `${what}: the name field is visible`);
  }

  /** Clicks the tray's help (book) button and checks the help sidebar shows the node's help. */
  async function checkHelp(tray: Locator, type: string, sections: string[]): Promise<void> {
    await tray.locator('.red-ui-tray-footer-left button:has(i.fa-book)').click();
    const title = page.locator('.red-ui-sidebar-help-stack .red-ui-help-title');
    await page.waitForFunction(
      (expected) => document.querySelector('.red-ui-sidebar-help-stack .red-ui-help-title')?.textContent === expected,
      paletteLabel(type),
      { timeout: WAIT_MS },
    );
    assert.ok(await title.isVisible(), `${type}: the help sidebar is shown`);
    const help = page.locator('.red-ui-sidebar-help-stack div.red-ui-help').last();
    const headings = (await help.locator('h3').allInnerTexts()).map((h) => h.trim());
    for (const section of sections) assert.ok(headings.includes(section), `${type}: help has a "${section}" section (has ${headings.join(', ')})`);
    // Node-RED's markdown turns ": name (type) : text" lines into <dl class="message-properties">;
    // a colon inside the text breaks that and leaves <dt> outside any list, with the text cut off.
    const stray: string[] = await help.locator('dt').evaluateAll((els) =>
      els.filter((e: { parentElement: { tagName: string } | null }) => e.parentElement?.tagName !== 'DL').map((e: { textContent: string }) => e.textContent),
    );
    assert.deepEqual(stray, [], `${type}: every property of the help is in its list (a ':' in a description breaks the markdown)`);
    const helpText = await help.innerText();
    assert.ok(!helpText.includes('`'), `${type}: no unrendered backtick in the help: ${helpText.slice(Math.max(0, helpText.indexOf('`') - 60), helpText.indexOf('`') + 20)}`);
    const intro = (await help.locator('p').first().innerText()).trim();
    assert.ok(intro.length > 10, `${type}: help starts with a summary paragraph`);
    assert.ok(!RAW_I18N_KEY.test(helpText), `${type}: help shows no raw catalogue key`);
  }

  function assertNoBrowserErrors(what: string): void {
    const fresh = browserErrors.slice(errorsBefore);
    assert.deepEqual(fresh, [], `${what}: the browser reported errors`);
  }

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: ${CHROMIUM} is not installed (apt-get install chromium); CI installs it`);
      this.skip();
    }
    this.timeout(180000);
    mkdirSync(artifacts, { recursive: true });
    sim = new CameraSimulator({ host: '127.0.0.1', controlPort: 0, httpPort: 0, discoveryPorts: [0], previewPort: 0 });
    let discoveryPorts: number[];
    ({ controlPort, httpPort, discoveryPorts } = await sim.start());
    discoveryPort = discoveryPorts[0];
    nodeRed = await startNodeRed({ packageRoot: root });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('console', (msg) => {
      if (msg.type() === 'error') browserErrors.push(`console: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => browserErrors.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => browserErrors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
    page.on('response', (res) => {
      if (res.status() >= 400) browserErrors.push(`HTTP ${res.status()}: ${res.url()}`);
    });
    await page.goto(nodeRed.url, { waitUntil: 'load' });
    // The editor is ready once the palette holds the core nodes and a flow tab is active.
    await page.waitForFunction(
      () => typeof RED !== 'undefined' && RED.workspaces?.active() && document.querySelector('.red-ui-palette-node[data-palette-type="inject"]'),
      undefined,
      { timeout: 60000 },
    );
    assertNoBrowserErrors('loading the editor');
  });

  beforeEach(() => {
    errorsBefore = browserErrors.length;
    created = [];
  });

  afterEach(async function () {
    if (!browser) return;
    if (this.currentTest?.state === 'failed') {
      const slug = (this.currentTest.title || 'test').replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60);
      await page.screenshot({ path: path.join(artifacts, `failed-${slug}.png`) }).catch(() => undefined);
    }
    // Leave the editor clean for the next test even after a failure: no open tray, dialog or menu,
    // none of this test's nodes. Best effort: a failing afterEach would make mocha skip the rest.
    try {
      // The header shade shows while Node-RED's tray stack is not empty.
      const stackOpen = () => page.evaluate(() => getComputedStyle(document.querySelector('#red-ui-header-shade')).display !== 'none');
      for (let i = 0; i < 5 && (await stackOpen()); i++) {
        const cancel = topTray().locator('.red-ui-tray-toolbar button', { hasText: 'Cancel' });
        await cancel.waitFor({ state: 'visible', timeout: 5000 });
        const tray = await topTray().elementHandle();
        await cancel.click({ timeout: 5000 });
        await page.waitForFunction((el) => !el?.isConnected, tray, { timeout: 5000 });
        // a tray below comes back a tick later, or the shade goes away
        await page.waitForFunction(
          () => document.querySelector('#red-ui-editor-stack .red-ui-tray') || getComputedStyle(document.querySelector('#red-ui-header-shade')).display === 'none',
          undefined,
          { timeout: 5000 },
        );
      }
      await waitForNoTray();
      await page.keyboard.press('Escape');
      await page.evaluate((ids) => {
        document.querySelectorAll('.ui-dialog-content').forEach((el: unknown) => {
          const dialog = window.$(el);
          if (dialog.dialog('instance') && dialog.dialog('isOpen')) dialog.dialog('close');
        });
        const left = ids.filter((id: string) => RED.nodes.node(id));
        if (left.length) {
          left.forEach((id: string) => RED.nodes.remove(id));
          RED.nodes.dirty(true);
          RED.view.redraw(true);
        }
      }, created);
    } catch (err) {
      console.log(`    could not reset the editor after "${this.currentTest?.title}": ${(err as Error).message}`);
    }
  });

  after(async function () {
    this.timeout(60000);
    if (browserErrors.length) console.log(`    browser errors:\n      ${browserErrors.join('\n      ')}`);
    await browser?.close().catch(() => undefined);
    await stopNodeRed(nodeRed);
    await sim?.stop();
  });

  it('installs every node type of the package and shows all but the config node in the "action cam" palette category', async () => {
    // The runtime loaded every node set of the package without an error.
    const res = await fetch(new URL('nodes', nodeRed!.url), { headers: { Accept: 'application/json' } });
    assert.equal(res.status, 200);
    const sets = ((await res.json()) as { module: string; name: string; types: string[]; enabled: boolean; err?: unknown }[]).filter((s) => s.module === PACKAGE);
    const expected = [CONFIG_NODE, ...Object.keys(PALETTE_NODES)];
    // The node-set names are the package.json "node-red.nodes" keys, one per type.
    assert.deepEqual(sets.map((s) => s.name).sort(), [...expected].sort(), 'the node sets of package.json');
    const broken = sets.filter((s) => !s.enabled || s.err || !s.types.includes(s.name)).map((s) => `${s.name}: ${JSON.stringify(s.err ?? s)}`);
    assert.deepEqual(broken, [], 'every node set loaded without an error');
    // The editor registered them all; the config node has category config, the others "action cam".
    const categories: Record<string, string | null> = await page.evaluate(
      (types) => Object.fromEntries(types.map((t: string) => [t, RED.nodes.getType(t)?.category ?? null])),
      expected,
    );
    assert.deepEqual(categories, Object.fromEntries(expected.map((t) => [t, t === CONFIG_NODE ? 'config' : CATEGORY])));

    const category = page.locator(CATEGORY_ID);
    await category.scrollIntoViewIfNeeded();
    assert.equal((await page.locator(`${CATEGORY_ID} .red-ui-palette-header`).innerText()).trim(), CATEGORY);
    const inPalette = await page.locator(`${CATEGORY_ID} .red-ui-palette-node`).evaluateAll((els) => els.map((e) => e.getAttribute('data-palette-type')));
    assert.deepEqual([...inPalette].sort(), Object.keys(PALETTE_NODES).sort());
    for (const type of Object.keys(PALETTE_NODES)) {
      const item = page.locator(`${CATEGORY_ID} .red-ui-palette-node[data-palette-type="${type}"]`);
      assert.ok(await item.isVisible(), `${type} is visible in the palette`);
      const label = (await item.locator('.red-ui-palette-label').innerText()).replace(/\s+/g, ' ').trim(); // long labels wrap
      assert.equal(label, paletteLabel(type), `${type} has its translated palette label`);
      const icon = await item.locator('.red-ui-palette-icon').evaluate((el) => getComputedStyle(el).backgroundImage);
      assert.match(icon, new RegExp(`/icons/${PACKAGE.replace('/', '\\/')}/${type}\\.svg`), `${type} shows its own icon`);
    }
    await screenshot('palette');
    assertNoBrowserErrors('palette');
  });

  for (const [type, fields] of Object.entries(PALETTE_NODES)) {
    it(`opens the edit dialog and the help of ${type}`, async () => {
      const id = await dropFromPalette(type);
      const tray = await openEditDialog(id);
      await checkForm(tray, 'node-input-', fields, type);
      if (fields.includes('camera')) {
        // Node-RED turned the camera input into a config-node picker with its edit button.
        assert.equal(await tray.locator('select#node-input-camera').count(), 1, `${type}: camera is a config node picker`);
        assert.ok(await tray.locator(ADD_CAMERA).isVisible(), `${type}: camera has its add button`);
        assert.ok(await tray.locator(EDIT_CAMERA).isVisible(), `${type}: camera has its edit button`);
      }
      await checkHelp(tray, type, ['Inputs', 'Outputs', 'Details']);
      await screenshot(`node-${type}`);
      await closeTopTray('#node-dialog-cancel');
      await deleteNode(id);
      assertNoBrowserErrors(type);
    });
  }

  it('gives the raw command node its second port while "Second output" is ticked', async () => {
    const id = await dropFromPalette('actioncam-raw-command');
    const outputs = (): Promise<number> => page.evaluate((nodeId) => Number(RED.nodes.node(nodeId).outputs), id);
    assert.equal(await outputs(), 1);
    for (const [tick, expected] of [[true, 2], [false, 1]] as const) {
      const tray = await openEditDialog(id);
      await tray.locator('#node-input-unsolicited').setChecked(tick);
      await closeTopTray('#node-dialog-ok');
      assert.equal(await outputs(), expected, `ticked ${tick}`);
      assert.equal(await nodeOnCanvas(id).locator('.red-ui-flow-port-output').count(), expected, `${expected} port(s) drawn`);
    }
    await deleteNode(id);
    assertNoBrowserErrors('raw command outputs');
  });

  it('opens the camera config dialog with its defaults, and its help', async () => {
    const id = await dropFromPalette('actioncam-snapshot');
    await openEditDialog(id);
    const tray = await openCameraDialog(ADD_CAMERA);
    await checkForm(tray, 'node-config-input-', CONFIG_FIELDS, CONFIG_NODE);
    // The defaults of docs/NODES.md.
    assert.equal(await tray.locator('#node-config-input-host').inputValue(), '192.168.100.1');
    assert.equal(await tray.locator('#node-config-input-port').inputValue(), '6666');
    assert.equal(await tray.locator('#node-config-input-httpPort').inputValue(), '80');
    assert.equal(await tray.locator('#node-config-input-previewPort').inputValue(), '6669');
    assert.equal(await tray.locator('#node-config-input-timeout').inputValue(), '5000');
    assert.equal(await tray.locator('#node-config-input-reconnect').isChecked(), true);
    assert.equal(await tray.locator('#node-config-input-password').getAttribute('type'), 'password');
    await checkHelp(tray, CONFIG_NODE, ['Details']);
    await screenshot('node-actioncam-config');
    await closeTopTray('#node-config-dialog-cancel', '#node-dialog-ok');
    await closeTopTray('#node-dialog-cancel');
    await deleteNode(id);
    const configs: number = await page.evaluate((t) => RED.nodes.filterNodes({ type: t }).length, CONFIG_NODE);
    assert.equal(configs, 0, 'cancelling the config dialog added no camera');
    assertNoBrowserErrors(CONFIG_NODE);
  });

  it('palette search finds the nodes under "camera", "rtsp", "photo" and "video"', async () => {
    const search = page.locator('#red-ui-palette-search input');
    const found = async (word: string): Promise<string[]> => {
      await search.fill(word);
      await search.press('End'); // the search box filters on keyup
      await page.waitForFunction(
        (w) => [...document.querySelectorAll('#red-ui-palette-container .red-ui-palette-node')].every((el: { style: { display: string }; getAttribute(a: string): string }) => {
          const label = el.getAttribute('data-palette-label') || '';
          const type = el.getAttribute('data-palette-type') || '';
          const match = new RegExp(w, 'i').test(label) || new RegExp(w, 'i').test(type);
          return match === (el.style.display !== 'none');
        }),
        word,
        { timeout: WAIT_MS },
      );
      return page.locator(`${CATEGORY_ID} .red-ui-palette-node`).evaluateAll((els) =>
        els.filter((e) => e.style.display !== 'none').map((e) => e.getAttribute('data-palette-type') ?? ''),
      );
    };
    try {
      const camera = await found('camera');
      for (const type of ['actioncam-discover', 'actioncam-snapshot', 'actioncam-list-files', 'actioncam-firmware', 'actioncam-raw-command']) assert.ok(camera.includes(type), `"camera" finds ${type}: ${camera.join(', ')}`);
      await screenshot('palette-search-camera');
      assert.deepEqual(await found('rtsp'), ['actioncam-rtp-relay']);
      assert.deepEqual(await found('photo'), ['actioncam-snapshot']);
      assert.deepEqual((await found('video')).sort(), ['actioncam-record', 'actioncam-rtp-relay']);
    } finally {
      await search.fill('');
      await search.press('End');
    }
    assertNoBrowserErrors('palette search');
  });

  /** Wires `from` (output `port`) to `to` in the editor, as dragging a wire does. */
  async function wire(from: string, to: string, port = 0): Promise<void> {
    await page.evaluate(
      ({ a, b, p }) => {
        RED.nodes.addLink({ source: RED.nodes.node(a), sourcePort: p, target: RED.nodes.node(b) });
        RED.nodes.dirty(true);
        RED.view.redraw(true);
      },
      { a: from, b: to, p: port },
    );
  }

  async function deploy(): Promise<void> {
    await page.locator('#red-ui-header-button-deploy').click();
    await page.locator('.red-ui-notification', { hasText: 'Successfully deployed' }).last().waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.locator('#red-ui-editor-shade').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await page.waitForFunction(() => !RED.nodes.dirty() && document.querySelector('#red-ui-header-button-deploy')?.classList.contains('disabled'), undefined, {
      timeout: WAIT_MS,
    });
  }

  /** Removes what a test built (config nodes too), deploys the empty flow and clears the debug sidebar. */
  async function removeAndDeploy(ids: string[]): Promise<void> {
    await page.evaluate((list) => {
      list.filter((id: string) => RED.nodes.node(id)).forEach((id: string) => RED.nodes.remove(id));
      RED.nodes.dirty(true);
      RED.view.redraw(true);
    }, ids);
    await deploy();
    await page.evaluate(() => RED.actions.invoke('core:clear-debug-messages'));
    const notifications = page.locator('#red-ui-notifications .red-ui-notification');
    for (let i = 0; i < 10 && (await notifications.count()) > 0; i++) await notifications.first().click({ timeout: 5000 }).catch(() => undefined);
  }

  /** inject -> node -> debug, the inject and debug dropped from the core palette. */
  async function injectAndDebug(node: string): Promise<{ inject: string; debug: string }> {
    const inject = await dropFromPalette('inject', 140, 240);
    const debug = await dropFromPalette('debug', 620, 240);
    await wire(inject, node);
    await wire(node, debug);
    return { inject, debug };
  }

  it('finds the simulator with Search in the camera dialog, picks it, deploys and takes a still; a new node picks the only camera; a second camera with the same address is warned about', async () => {
    const snapshot = await dropFromPalette('actioncam-snapshot', 380, 240);
    await openEditDialog(snapshot);
    const tray = await openCameraDialog(ADD_CAMERA);
    await tray.locator('#actioncam-config-search-address').fill('127.0.0.1');
    await tray.locator('#actioncam-config-search-ports').fill(String(discoveryPort));
    await tray.locator('#actioncam-config-search').click();
    const list = tray.locator('#actioncam-config-search-list');
    await list.waitFor({ state: 'visible', timeout: WAIT_MS });
    const options = await list.locator('option').allInnerTexts();
    assert.equal(options.length, 2, options.join(' | '));
    assert.match(options[0], /pick a camera \(1 found\)/);
    assert.ok(options[1].startsWith('127.0.0.1') && options[1].includes(sim!.serial), options[1]);
    await screenshot('camera-search');
    await list.selectOption({ index: 1 });
    assert.equal(await tray.locator('#node-config-input-host').inputValue(), '127.0.0.1');
    assert.equal(await tray.locator('#node-config-input-name').inputValue(), sim!.serial);
    assert.match(await tray.locator('#actioncam-config-search-status').innerText(), /Host set to 127\.0\.0\.1/);
    await tray.locator('#node-config-input-port').fill(String(controlPort));
    await tray.locator('#node-config-input-httpPort').fill(String(httpPort));
    await screenshot('camera-search-picked');
    await closeTopTray('#node-config-dialog-ok', '#node-dialog-ok');
    await closeTopTray('#node-dialog-ok');
    const config: string = await page.evaluate((id) => RED.nodes.node(id).camera, snapshot);
    assert.ok(config, 'the snapshot node uses the new camera');
    created.push(config);
    const { inject, debug } = await injectAndDebug(snapshot);
    created.push(inject, debug);

    await deploy();
    await nodeOnCanvas(snapshot).locator('.red-ui-flow-node-status-label', { hasText: 'ready' }).waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.evaluate(() => RED.actions.invoke('core:show-debug-tab'));
    await nodeOnCanvas(inject).locator('.red-ui-flow-node-button-button').click();
    const still = page.locator('.red-ui-debug-content-list .red-ui-debug-msg', { hasText: /IMG_\d+\.JPG/i });
    await still.first().waitFor({ state: 'visible', timeout: WAIT_MS });
    // the snapshot's status now names the still
    await nodeOnCanvas(snapshot).locator('.red-ui-flow-node-status-label', { hasText: /IMG_\d+\.JPG/i }).waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.evaluate(() => RED.view.select(''));
    await screenshot('camera-search-still');

    // A new node picks the only camera by itself.
    const second = await dropFromPalette('actioncam-firmware', 380, 340);
    assert.equal(await page.evaluate((id) => RED.nodes.node(id).camera, second), config);
    const secondTray = await openEditDialog(second);
    assert.equal(await secondTray.locator('select#node-input-camera').inputValue(), config);

    // A second camera with the same host and port: the dialog warns.
    const add = page.locator('#node-input-btn-camera-add');
    const extra = await openCameraDialog((await add.count()) > 0 ? '#node-input-btn-camera-add' : ADD_CAMERA);
    const warning = extra.locator('#actioncam-config-duplicate');
    assert.equal(await warning.isVisible(), false, 'no warning for the default 192.168.100.1');
    await extra.locator('#node-config-input-host').fill('127.0.0.1');
    await extra.locator('#node-config-input-port').fill(String(controlPort));
    await warning.waitFor({ state: 'visible', timeout: WAIT_MS });
    assert.match(await warning.innerText(), new RegExp(`${sim!.serial}.*127\\.0\\.0\\.1:${controlPort}`));
    await screenshot('camera-duplicate-warning');
    await closeTopTray('#node-config-dialog-cancel', '#node-dialog-ok');
    await closeTopTray('#node-dialog-cancel');

    await removeAndDeploy([snapshot, second, inject, debug, config]);
    assertNoBrowserErrors('search, pick, deploy and still');
  });

  it('a closed port: deployed and triggered, the node shows a red "unreachable: connection refused" and the debug sidebar the error', async () => {
    const closed = await closedTcpPort();
    const snapshot = await dropFromPalette('actioncam-snapshot', 380, 240);
    await openEditDialog(snapshot);
    const tray = await openCameraDialog(ADD_CAMERA);
    await tray.locator('#node-config-input-host').fill('127.0.0.1');
    await tray.locator('#node-config-input-port').fill(String(closed));
    await tray.locator('#node-config-input-name').fill('closed port');
    await closeTopTray('#node-config-dialog-ok', '#node-dialog-ok');
    await closeTopTray('#node-dialog-ok');
    const config: string = await page.evaluate((id) => RED.nodes.node(id).camera, snapshot);
    created.push(config);
    const { inject, debug } = await injectAndDebug(snapshot);
    created.push(inject, debug);

    await deploy();
    const status = nodeOnCanvas(snapshot).locator('.red-ui-flow-node-status-label', { hasText: 'unreachable: connection refused' });
    await status.waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.evaluate(() => RED.actions.invoke('core:show-debug-tab'));
    await page.evaluate(() => RED.actions.invoke('core:clear-debug-messages'));
    await nodeOnCanvas(inject).locator('.red-ui-flow-node-button-button').click();
    // Node-RED shows an Error as an object {name, message, code, cause, stack}: open it to read the message in full.
    const error = page.locator('.red-ui-debug-content-list .red-ui-debug-msg-level-20').first();
    await error.waitFor({ state: 'visible', timeout: WAIT_MS });
    await error.locator('.red-ui-debug-msg-object-header').first().click();
    await error.locator('.red-ui-debug-msg-object-key:visible', { hasText: /^message$/ }).waitFor({ state: 'visible', timeout: WAIT_MS });
    const text = await error.innerText();
    assert.ok(text.includes(`camera 127.0.0.1:${closed} unreachable: ECONNREFUSED`), `the error in the debug sidebar: ${text}`);
    assert.match(text, /UnreachableError/);
    assert.doesNotMatch(text, /camera (\S+): camera \1/, 'the camera is named once');
    assert.doesNotMatch(text, /timeout/i);
    const shape = await nodeOnCanvas(snapshot).locator('.red-ui-flow-node-status').getAttribute('class');
    assert.match(String(shape), /red-ui-flow-node-status-ring-red/);
    await status.waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.evaluate(() => RED.view.select(''));
    await screenshot('closed-port-unreachable');

    await removeAndDeploy([snapshot, inject, debug, config]);
    assertNoBrowserErrors('closed port');
  });

  it('imports "Take a snapshot" from the menu, deploys it against the simulator and shows the photo in the debug sidebar', async () => {
    // Menu > Import > Examples > @actioncam/node-red-actioncam > Take a snapshot.
    // Node-RED hangs imported nodes on the mouse (placed from its last position on the workspace)
    // until a click drops them: rest the mouse near the workspace's top-left corner first.
    const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
    assert.ok(chart, 'the workspace is visible');
    // (away from the edges: the workspace scrolls by itself while something is dragged near one)
    const dropAt = { x: chart.x + 100, y: chart.y + 80 };
    await page.mouse.move(dropAt.x, dropAt.y);
    await page.locator('#red-ui-header-button-sidemenu').click();
    await page.locator('#menu-item-import').click();
    const dialog = page.locator('#red-ui-clipboard-dialog');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('#red-ui-clipboard-dialog-import-tabs li', { hasText: 'Examples' }).click();
    const examples = dialog.locator('#red-ui-clipboard-dialog-import-tab-examples');
    await examples.locator('.red-ui-treeList-label', { hasText: PACKAGE }).click();
    // the package's examples are fetched when the folder opens, later still with more packages installed
    // (e.g. Dashboard 2): wait for them before reading the list
    await examples.locator('.red-ui-treeList-label', { hasText: 'Take a snapshot' }).waitFor({ state: 'visible', timeout: WAIT_MS });
    const listed = await examples.locator('.red-ui-treeList-label').allInnerTexts();
    for (const name of ['Read firmware', 'Take a snapshot']) assert.ok(listed.some((l) => l.trim() === name), `example "${name}" is listed (${listed.join(', ')})`);
    await examples.locator('.red-ui-treeList-label', { hasText: 'Take a snapshot' }).click();
    // Into the current (empty) flow, so the README picture has a single tab.
    assert.equal(await page.locator('#red-ui-clipboard-dialog-import-opt-current').getAttribute('class').then((c) => c?.includes('selected')), true);
    await screenshot('import-example');
    await page.locator('#red-ui-clipboard-dialog-ok').click();
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForFunction(() => RED.view.state() === RED.state.IMPORT_DRAGGING, undefined, { timeout: WAIT_MS });
    await page.mouse.move(dropAt.x, dropAt.y);
    await page.mouse.down();
    await page.mouse.up();
    await page.waitForFunction(() => RED.view.state() === RED.state.DEFAULT, undefined, { timeout: WAIT_MS });
    const imported = await page.waitForFunction(
      () => {
        const snaps = RED.nodes.filterNodes({ z: RED.workspaces.active(), type: 'actioncam-snapshot' });
        const injects = RED.nodes.filterNodes({ z: RED.workspaces.active(), type: 'inject' });
        const config = snaps.length ? RED.nodes.node(snaps[0].camera) : undefined;
        if (snaps.length !== 2 || injects.length !== 2 || config?.type !== 'actioncam-config') return undefined;
        const byY = (a: { y: number }, b: { y: number }) => a.y - b.y;
        return { snapshots: snaps.sort(byY).map((n: { id: string }) => n.id), injects: injects.sort(byY).map((n: { id: string }) => n.id), config: config.id as string };
      },
      undefined,
      { timeout: WAIT_MS },
    );
    const ids = (await imported.jsonValue()) as { snapshots: string[]; injects: string[]; config: string };

    // Point the example's camera at the simulator through the config dialog (the pencil next to Camera).
    await openEditDialog(ids.snapshots[0]);
    const configTray = await openCameraDialog(EDIT_CAMERA);
    await configTray.locator('#node-config-input-port').fill(String(controlPort));
    await configTray.locator('#node-config-input-httpPort').fill(String(httpPort));
    await closeTopTray('#node-config-dialog-ok', '#node-dialog-ok');
    await closeTopTray('#node-dialog-ok');
    const camera = await page.evaluate((id) => {
      const n = RED.nodes.node(id);
      return { host: n.host, port: String(n.port), httpPort: String(n.httpPort) };
    }, ids.config);
    assert.deepEqual(camera, { host: '127.0.0.1', port: String(controlPort), httpPort: String(httpPort) });

    // Deploy; the snapshot nodes report the camera session as ready.
    await page.locator('#red-ui-header-button-deploy').click();
    await page.locator('.red-ui-notification', { hasText: 'Successfully deployed' }).waitFor({ state: 'visible', timeout: WAIT_MS });
    // The deploy shades the workspace while it runs; a click then would hit the shade (and make
    // playwright scroll the workspace looking for a clickable spot).
    await page.locator('#red-ui-editor-shade').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await page.waitForFunction(() => !RED.nodes.dirty() && document.querySelector('#red-ui-header-button-deploy')?.classList.contains('disabled'), undefined, {
      timeout: WAIT_MS,
    });
    for (const id of ids.snapshots) {
      await nodeOnCanvas(id).locator('.red-ui-flow-node-status-label', { hasText: 'ready' }).waitFor({ state: 'visible', timeout: WAIT_MS });
    }

    // Debug sidebar, then the two inject buttons: upper = where the photo was saved, lower = the JPEG.
    await page.evaluate(() => RED.actions.invoke('core:show-debug-tab'));
    const debug = page.locator('.red-ui-debug-content-list');
    await debug.waitFor({ state: 'visible' });
    await nodeOnCanvas(ids.injects[0]).locator('.red-ui-flow-node-button-button').click();
    const saved = debug.locator('.red-ui-debug-msg', { hasText: 'saved file' });
    await saved.waitFor({ state: 'visible', timeout: WAIT_MS });
    await nodeOnCanvas(ids.injects[1]).locator('.red-ui-flow-node-button-button').click();
    const jpeg = debug.locator('.red-ui-debug-msg', { hasText: 'JPEG + msg.file' });
    await jpeg.waitFor({ state: 'visible', timeout: WAIT_MS });

    // Expand the saved-file object so its properties show.
    await saved.locator('.red-ui-debug-msg-payload .red-ui-debug-msg-object-header').first().click();
    await saved.locator('.red-ui-debug-msg-object-key:visible', { hasText: /^url$/ }).waitFor({ state: 'visible' });
    const savedText = await saved.innerText();
    assert.match(savedText, /name\s*:?\s*"?IMG_\d+\.JPG/i, `the saved file has a photo name: ${savedText}`);
    assert.match(savedText, new RegExp(`127\\.0\\.0\\.1:${httpPort}/`), `the saved file has its URL on the camera: ${savedText}`);
    const jpegText = await jpeg.innerText();
    assert.match(jpegText, /payload/, `the JPEG message shows its payload: ${jpegText}`);
    assert.match(jpegText, /buffer\[\d+\]/i, `the JPEG arrives as a Buffer: ${jpegText}`);
    assert.match(jpegText, /image\/jpeg/, `the JPEG message has its content type: ${jpegText}`);
    assert.equal(await debug.locator('.red-ui-debug-msg-level-20').count(), 0, 'no error in the debug sidebar');
    const messages = await debug.locator('.red-ui-debug-msg').count();
    assert.equal(messages, 2, 'one message per inject');

    // A tidy picture: no notification (a click closes one), nothing selected, the mouse away from the nodes.
    const notifications = page.locator('#red-ui-notifications .red-ui-notification');
    for (let i = 0; i < 10 && (await notifications.count()) > 0; i++) await notifications.first().click({ timeout: 5000 }).catch(() => undefined);
    await page.waitForFunction(() => document.querySelectorAll('#red-ui-notifications .red-ui-notification').length === 0, undefined, { timeout: WAIT_MS });
    await page.evaluate(() => RED.view.select(''));
    await page.mouse.move(chart.x + chart.width - 20, chart.y + chart.height - 20);
    const picture = await screenshot('flow-with-debug');
    if (process.env.ACTIONCAM_UPDATE_DOCS_IMAGES === '1') {
      mkdirSync(path.join(root, 'docs', 'images'), { recursive: true });
      copyFileSync(picture, path.join(root, 'docs', 'images', 'flow.png'));
    }
    assertNoBrowserErrors('import, deploy and run');
  });

  it('shows the German palette labels and help in a German browser', async () => {
    const context = await browser!.newContext({ viewport: { width: 1400, height: 860 }, locale: 'de-DE' });
    const german = await context.newPage();
    german.setDefaultTimeout(WAIT_MS);
    try {
      await german.goto(nodeRed!.url, { waitUntil: 'load' });
      await german.waitForFunction(() => typeof RED !== 'undefined' && RED.workspaces?.active() && document.querySelector('.red-ui-palette-node[data-palette-type="actioncam-snapshot"]'), undefined, {
        timeout: 60000,
      });
      // (the palette breaks a long label at spaces and dashes: read the label it was given)
      const label = await german.locator(`${CATEGORY_ID} .red-ui-palette-node[data-palette-type="actioncam-snapshot"]`).getAttribute('data-palette-label');
      assert.equal(label, 'Kamera-Foto');
      for (const [type, title, section] of [
        ['actioncam-snapshot', 'Kamera-Foto', 'Eingaben'],
        ['actioncam-config', 'Action-Kamera', 'Eigenschaften'],
      ]) {
        await german.evaluate((t) => RED.sidebar.help.show(t), type);
        await german.waitForFunction((expected) => document.querySelector('.red-ui-sidebar-help-stack .red-ui-help-title')?.textContent === expected, title, { timeout: WAIT_MS });
        const help = german.locator('.red-ui-sidebar-help-stack div.red-ui-help').last();
        const headings = (await help.locator('h3').allInnerTexts()).map((h) => h.trim());
        assert.ok(headings.includes(section), `${type}: German help with "${section}" (${headings.join(', ')})`);
      }
      await german.screenshot({ path: path.join(artifacts, 'help-de-actioncam-config.png') });
    } finally {
      await context.close();
    }
  });
});
