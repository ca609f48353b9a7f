import { strict as assert } from 'node:assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { NODE_TYPES, ROOT, evaluateDefinition, examples } from './editor-files';
import type { FlowNode } from './editor-files';

/** Core nodes the examples may use besides this package's own. */
const CORE_TYPES = new Set(['inject', 'debug', 'comment', 'file', 'change', 'catch', 'status', 'function']);
/** FlowFuse Dashboard 2 (@flowfuse/node-red-dashboard), the one other package the dashboard examples need. */
const DASHBOARD_TYPES = new Set(['ui-template', 'ui-button']);
const DASHBOARD_CONFIG_TYPES = new Set(['ui-base', 'ui-theme', 'ui-page', 'ui-group']);
/** Config nodes: no position on the workspace. */
const CONFIG_TYPES = new Set(['actioncam-config', ...DASHBOARD_CONFIG_TYPES]);
const OWN_TYPES = new Set<string>(NODE_TYPES);
const ACTION_TYPES = NODE_TYPES.filter((t) => t !== 'actioncam-config' && t !== 'actioncam-discover');

const EXPECTED_EXAMPLES = [
  'Discover cameras',
  'Take a snapshot',
  'Record a clip',
  'List and download files',
  'Read firmware',
  'Send a raw command',
  'Stream to RTP',
  'Motion sensor - record 30 s and send a still',
  'Camera to VLC over RTSP',
  'Motion sensor - save a clip with 5 s before the event',
  'Live view in the browser',
  'Live view on a dashboard',
  'Snapshot on a dashboard',
];

describe('editor: examples/', () => {
  const all = examples();

  it('has the documented examples (file name = Import > Examples menu label)', () => {
    for (const name of EXPECTED_EXAMPLES) assert.ok(all.has(name), name);
  });

  it('every non-config node type appears in some example (scorecard N02)', () => {
    const used = new Set<string>();
    for (const flow of all.values()) for (const n of flow as FlowNode[]) used.add(n.type);
    for (const type of NODE_TYPES) if (type !== 'actioncam-config') assert.ok(used.has(type), type);
  });

  for (const [name, flow] of all) {
    describe(name, () => {
      const nodes = flow as FlowNode[];

      it('is a JSON array of nodes with unique ids and known types', () => {
        assert.ok(Array.isArray(flow), 'node-red-dev only reads arrays');
        const ids = nodes.map((n) => n.id);
        assert.equal(new Set(ids).size, ids.length, 'unique ids');
        for (const n of nodes) {
          const known = OWN_TYPES.has(n.type) || CORE_TYPES.has(n.type) || DASHBOARD_TYPES.has(n.type) || DASHBOARD_CONFIG_TYPES.has(n.type);
          assert.ok(known, `unknown type ${n.type}`);
          assert.equal(n.z, undefined, 'no tab id: import places the nodes on the current tab');
        }
      });

      it('wires and camera references point at nodes of the same flow', () => {
        const byId = new Map(nodes.map((n) => [n.id, n]));
        for (const n of nodes) {
          for (const port of n.wires ?? []) for (const target of port) assert.ok(byId.has(target), `${n.id} -> ${target}`);
          if (ACTION_TYPES.includes(n.type as (typeof ACTION_TYPES)[number])) {
            assert.equal(byId.get(n.camera as string)?.type, 'actioncam-config', `${n.type} ${n.id} camera`);
          }
        }
      });

      it('sets every editor property of the package\'s nodes', () => {
        for (const n of nodes.filter((x) => OWN_TYPES.has(x.type))) {
          const { def } = evaluateDefinition(n.type);
          for (const [prop, d] of Object.entries(def.defaults)) {
            assert.ok(prop in n, `${n.type} ${n.id} has ${prop}`);
            if (d.validate) assert.equal(d.validate.call(n, n[prop]), true, `${n.type} ${n.id} ${prop}=${JSON.stringify(n[prop])} is valid`);
          }
        }
      });

      it('uses one shared camera config pointing at the demo simulator, with a note to change it', () => {
        const configs = nodes.filter((n) => n.type === 'actioncam-config');
        const users = nodes.filter((n) => ACTION_TYPES.includes(n.type as (typeof ACTION_TYPES)[number]));
        assert.equal(configs.length, users.length ? 1 : 0);
        if (!configs.length) return;
        const c = configs[0];
        assert.deepEqual(
          { host: c.host, port: c.port, httpPort: c.httpPort, previewPort: c.previewPort },
          { host: '127.0.0.1', port: 6666, httpPort: 8080, previewPort: 6669 },
        );
        const notes = nodes.filter((n) => n.type === 'comment').map((n) => `${n.name}\n${n.info}`);
        assert.ok(notes.some((t) => /camera's address/i.test(t)), 'a comment tells the user to set the camera address');
        // installed from the palette there is no `npm start`: say what to run, and what it listens on (issue 9)
        const all = notes.join('\n');
        for (const needle of ['npx actioncam simulate', '~/.node-red', '127.0.0.1', '6666', '8080', '6669']) assert.ok(all.includes(needle), `the notes mention ${needle}`);
      });

      it('discovery stays on loopback and says how to search a real network', () => {
        for (const n of nodes.filter((x) => x.type === 'actioncam-discover')) {
          assert.equal(n.address, '127.0.0.1');
          assert.equal(n.ports, '22600,21600');
          const notes = nodes.filter((x) => x.type === 'comment').map((x) => `${x.name}\n${x.info}`).join('\n');
          assert.match(notes, /255\.255\.255\.255/);
          assert.match(notes, /npx actioncam simulate/);
        }
      });

      it('has a tidy layout: positions on the grid, no two nodes on the same spot', () => {
        const spots = new Set<string>();
        for (const n of nodes.filter((x) => !CONFIG_TYPES.has(x.type))) {
          assert.ok(typeof n.x === 'number' && typeof n.y === 'number', `${n.id} has x/y`);
          assert.equal((n.y as number) % 20, 0, `${n.id} y on the 20 px grid`);
          const spot = `${n.x},${n.y}`;
          assert.ok(!spots.has(spot), `two nodes at ${spot}`);
          spots.add(spot);
        }
      });
    });
  }

  it('every example with a camera uses the same config node id, so importing several adds one camera', () => {
    const ids = new Set<string>();
    for (const flow of all.values()) for (const n of flow as FlowNode[]) if (n.type === 'actioncam-config') ids.add(n.id);
    assert.equal(ids.size, 1);
  });

  it('the dashboard examples share one dashboard and page, and the template shows the live view node\'s page', () => {
    const live = all.get('Live view on a dashboard') as FlowNode[];
    const still = all.get('Snapshot on a dashboard') as FlowNode[];
    for (const type of ['ui-base', 'ui-theme', 'ui-page']) {
      const a = live.find((n) => n.type === type);
      const b = still.find((n) => n.type === type);
      assert.ok(a && b, type);
      assert.deepEqual(a, b, `${type}: identical in both, so importing both adds it once`);
    }
    const stream = live.find((n) => n.type === 'actioncam-live')?.stream;
    const template = String(live.find((n) => n.type === 'ui-template')?.format);
    assert.ok(template.includes(`'/actioncam/${String(stream)}/?embed'`), 'the iframe opens the live view node\'s page');
    assert.doesNotMatch(template, /https?:\/\//, 'nothing from another origin');
    const page = (all.get('Live view in the browser') as FlowNode[]).filter((n) => n.type === 'comment').map((n) => `${n.name}\n${n.info}`).join('\n');
    for (const needle of ['/actioncam/camera/', 'stream.mp4', 'index.m3u8', 'httpNodeRoot']) assert.ok(page.includes(needle), needle);
  });

  it('the RTSP example tells how to open the stream', () => {
    const notes = (all.get('Camera to VLC over RTSP') as FlowNode[])
      .filter((n) => n.type === 'comment')
      .map((n) => `${n.name}\n${n.info}`)
      .join('\n');
    for (const needle of ['rtsp://127.0.0.1:8554/live', 'vlc ', 'ffplay ', 'mplayer ']) assert.ok(notes.includes(needle), needle);
  });
});

describe('editor: icons/', () => {
  const dir = path.join(ROOT, 'icons');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.svg'));

  it('every node references its own icon, and every icon file is used', () => {
    const referenced = NODE_TYPES.map((t) => evaluateDefinition(t).def.icon);
    assert.deepEqual(referenced, NODE_TYPES.map((t) => `${t}.svg`));
    assert.deepEqual([...files].sort(), [...referenced].sort());
  });

  for (const file of files) {
    it(`${file}: white on transparent, 2:3 viewBox`, () => {
      const svg = fs.readFileSync(path.join(dir, file), 'utf8');
      const vb = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg);
      assert.ok(vb, 'viewBox');
      assert.equal(Number(vb[1]) * 3, Number(vb[2]) * 2, '2:3 aspect ratio');
      assert.ok(Number(vb[1]) >= 40, 'at least 40x60');
      for (const m of svg.matchAll(/(?:fill|stroke)="([^"]+)"/g)) assert.match(m[1], /^(#fff|#ffffff|white|none)$/i, m[0]);
      assert.doesNotMatch(svg, /<(?:image|script|style)\b|xlink:href|url\(/, 'no external or scripted content');
    });
  }

  it('the icons are all different', () => {
    const hashes = files.map((f) => {
      const body = fs.readFileSync(path.join(dir, f), 'utf8').replace(/<title>.*<\/title>/, '');
      return crypto.createHash('sha1').update(body).digest('hex');
    });
    assert.equal(new Set(hashes).size, files.length);
  });
});
