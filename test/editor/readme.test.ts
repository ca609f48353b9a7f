/**
 * The README as users meet it on npm and in the Flow Library (issue 9): links and images that work
 * there (absolute URLs or anchors that exist), clone and cd before the commands, the sections a first
 * user needs, the palette labels beside the node types, and the Docker files it points at.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'fs';
import * as path from 'path';
import { NODE_TYPES, ROOT, catalog, read } from './editor-files';

const REPOSITORY = 'https://github.com/actioncam/node-red-actioncam';
const readme = read('README.md');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function targets(markdown: string): string[] {
  const out: string[] = [];
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  for (const m of prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)) out.push(m[1]);
  for (const m of prose.matchAll(/<(https?:\/\/[^>]+)>/g)) out.push(m[1]);
  return out;
}

describe('README: for a user, on npm and in the Flow Library', () => {
  it('links and images are absolute URLs or anchors that exist: nothing depends on files the package does not ship', () => {
    const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
    const all = targets(readme);
    assert.ok(all.length > 10);
    for (const target of all) {
      if (target.startsWith('#')) assert.ok(anchors.has(target.slice(1)), `anchor ${target} has a heading`);
      else if (!/^http:\/\/127\.0\.0\.1:\d+\/$/.test(target)) assert.match(target, /^https:\/\//, `${target} is an absolute https URL`); // (or the local editor)
    }
    for (const target of all.filter((t) => t.startsWith(`${REPOSITORY}/blob/main/`) || t.startsWith('https://raw.githubusercontent.com/actioncam/node-red-actioncam/main/'))) {
      const [file, fragment] = target.replace(`${REPOSITORY}/blob/main/`, '').replace('https://raw.githubusercontent.com/actioncam/node-red-actioncam/main/', '').split('#');
      assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} exists in the repository`);
      if (fragment) {
        const headings = [...read(file).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]));
        assert.ok(headings.includes(fragment), `${file} has a heading for #${fragment}`);
      }
    }
    assert.match(readme, /!\[[^\]]+\]\(https:\/\/raw\.githubusercontent\.com\/actioncam\/node-red-actioncam\/main\/docs\/images\/flow\.png\)/);
  });

  it('clones and enters the repository before the two commands: npm install && npm start, and npm test', () => {
    const block = readme.match(/```sh\n(git clone [^\n]+\ncd node-red-actioncam\nnpm install && npm start[^\n]*\nnpm test[^\n]*)\n```/);
    assert.ok(block, 'git clone, cd, npm install && npm start, npm test in one block');
    assert.ok(readme.includes(`git clone ${REPOSITORY}.git`));
  });

  it('has the sections a first user needs, and the places the other features fill in', () => {
    const headings = [...readme.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1].trim());
    for (const wanted of [
      'Try it without a camera',
      'Install',
      'Your first real camera',
      'A Raspberry Pi: eth0 for your network, wlan0 for the camera',
      'Node-RED in Docker',
      'Home Assistant',
      'Firewalls',
      'The nodes',
      'What the status says',
      'See the camera',
      'Event clips',
      'Archive the SD card and set the clock',
      'Help decode the protocol',
      'Security',
    ]) {
      assert.ok(headings.includes(wanted), `a "${wanted}" section`);
    }
    assert.match(readme, /npx actioncam simulate/);
    assert.match(readme, /ipv4\.never-default yes/);
    assert.match(readme, /--reset-demo/);
  });

  it('leaves the contributors\' material to docs/: no benchmark tables or test layout in the README', () => {
    assert.doesNotMatch(readme, /^## (Benchmarks|Tests)$/m);
    assert.doesNotMatch(readme, /frames\/s one core could carry/);
    for (const doc of ['docs/DEVELOPMENT.md', 'docs/BENCHMARKS.md']) {
      assert.ok(fs.existsSync(path.join(ROOT, doc)), doc);
      assert.ok(readme.includes(`${REPOSITORY}/blob/main/${doc}`), `the README links ${doc}`);
    }
  });

  it('has a table of every node type with its palette label, as the palette shows it', () => {
    for (const type of NODE_TYPES) {
      const label = (catalog('en-US', type)[type] as { paletteLabel: string }).paletteLabel;
      const row = new RegExp(`^\\|[^|\\n]*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^|\\n]*\\| \`${type}\` \\|`, 'm');
      assert.match(readme, row, `a row "${label} | ${type}"`);
    }
  });

  it('points at Docker files that say what they do: host network, or the preview and RTSP ports published', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const yaml = require(require.resolve('js-yaml', { paths: [path.dirname(require.resolve('node-red/package.json'))] })) as { load(text: string): unknown };
    type Compose = { services: Record<string, { build?: string; network_mode?: string; ports?: string[]; volumes?: string[] }> };
    const host = yaml.load(read('docker', 'docker-compose.yml')) as Compose;
    assert.equal(host.services['node-red'].network_mode, 'host');
    assert.equal(host.services['node-red'].build, '.');
    const bridge = yaml.load(read('docker', 'docker-compose.bridge.yml')) as Compose;
    assert.deepEqual(bridge.services['node-red'].ports, ['1880:1880', '6669:6669/udp', '8554:8554']);
    for (const compose of [host, bridge]) assert.deepEqual(compose.services['node-red'].volumes, ['node-red-data:/data']);
    const dockerfile = read('docker', 'Dockerfile');
    assert.match(dockerfile, /^FROM nodered\/node-red:4/m);
    assert.match(dockerfile, /^RUN npm install .*@actioncam\/node-red-actioncam$/m);
  });
});
