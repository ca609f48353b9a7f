import { strict as assert } from 'node:assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import type * as TS from 'typescript';
import { NODE_TYPES, PACKAGE, ROOT, evaluateDefinition, htmlParts, nodeFrom, nodesDoc, read, resourcePath } from './editor-files';

const SHARED_EDITOR = `resources/${PACKAGE}/actioncam-editor.js`;

// resolved from the repository, so the compiled test also runs from a build outside it (ACTIONCAM_DIST)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts = require(require.resolve('typescript', { paths: [ROOT] })) as typeof TS;

/** What node-red-dev and the Flow Library can see: the literal registerType call of a script block. */
function literalRegistration(script: string): { type: string; props: Map<string, TS.Expression> } | undefined {
  const file = ts.createSourceFile('editor.js', script, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  let found: { type: string; props: Map<string, TS.Expression> } | undefined;
  const visit = (n: TS.Node): void => {
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      n.expression.name.text === 'registerType' &&
      n.arguments.length >= 2 &&
      ts.isStringLiteral(n.arguments[0]) &&
      ts.isObjectLiteralExpression(n.arguments[1])
    ) {
      const props = new Map<string, TS.Expression>();
      for (const p of n.arguments[1].properties) {
        // node-red-dev reads key.name: keys must be plain identifiers
        if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) props.set(p.name.text, p.initializer);
        else if (ts.isMethodDeclaration(p) && ts.isIdentifier(p.name)) props.set(p.name.text, p.name);
      }
      found = { type: n.arguments[0].text, props };
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return found;
}

const literal = (e: TS.Expression | undefined): unknown =>
  e && (ts.isStringLiteral(e) ? e.text : ts.isNumericLiteral(e) ? Number(e.text) : undefined);
const objectKeys = (e: TS.Expression | undefined): string[] =>
  e && ts.isObjectLiteralExpression(e) ? e.properties.map((p) => (p.name && ts.isIdentifier(p.name) ? p.name.text : '?')) : [];

describe('editor: nodes/*.html', () => {
  const doc = nodesDoc();

  it('package.json lists exactly the node sets of the package, each with an editor file', () => {
    const pkg = JSON.parse(read('package.json')) as { 'node-red': { nodes: Record<string, string> } };
    assert.deepEqual(Object.keys(pkg['node-red'].nodes).sort(), [...NODE_TYPES].sort());
    for (const type of NODE_TYPES) assert.ok(fs.existsSync(path.join(ROOT, 'nodes', `${type}.html`)), `${type}.html`);
  });

  it('docs/NODES.md documents every node type', () => {
    assert.deepEqual([...doc.keys()].sort(), [...NODE_TYPES].sort());
  });

  for (const type of NODE_TYPES) {
    describe(type, () => {
      const isConfig = type === 'actioncam-config';
      const parts = htmlParts(type);
      const row = doc.get(type);

      it('has one text/javascript block with a literal registerType that node-red-dev can parse', () => {
        assert.equal(parts.scripts.length, 1);
        const reg = literalRegistration(parts.scripts[0]);
        assert.ok(reg, 'registerType(<string literal>, <object literal>)');
        assert.equal(reg.type, type);
        assert.equal(literal(reg.props.get('category')), isConfig ? 'config' : 'action cam');
        assert.equal(literal(reg.props.get('color')), '#7FB7DF');
        assert.equal(literal(reg.props.get('icon')), `${type}.svg`);
        if (!isConfig) {
          assert.equal(literal(reg.props.get('inputs')), 1);
          // the record node's auto-stop leaves by a second output (issue 9)
          assert.equal(literal(reg.props.get('outputs')), type === 'actioncam-record' ? 2 : 1);
        }
        // defaults and credentials must be inline object literals with exactly the documented names
        assert.deepEqual(objectKeys(reg.props.get('defaults')).sort(), row!.properties.map((p) => p.name).sort());
        if (row!.credentials.length) assert.deepEqual(objectKeys(reg.props.get('credentials')).sort(), [...row!.credentials].sort());
        else assert.equal(reg.props.get('credentials'), undefined);
        for (const fn of ['label', 'paletteLabel', 'labelStyle']) assert.ok(reg.props.has(fn), fn);
      });

      it('loads the shared editor helpers (resources/actioncam-editor.js) before its own script', () => {
        const html = read('nodes', `${type}.html`);
        assert.deepEqual(parts.resources, [SHARED_EDITOR]);
        assert.ok(html.indexOf(`<script src="${SHARED_EDITOR}">`) < html.indexOf('<script type="text/javascript">'));
      });

      it('defaults have the documented values and pass their own validation', () => {
        const { def } = evaluateDefinition(type);
        for (const prop of row!.properties) {
          const d = def.defaults[prop.name];
          assert.ok(d, prop.name);
          if (prop.value !== undefined) assert.deepEqual(d.value, prop.value, `${type}.${prop.name} default`);
          if (d.validate) {
            const node = nodeFrom(def);
            assert.equal(d.validate.call(node, d.value, { label: prop.name }), true, `${prop.name} default validates`);
            assert.equal(d.validate.call(node, d.value), true, `${prop.name} default validates (Node-RED 3.0 call)`);
          }
        }
        if (!isConfig && type !== 'actioncam-discover') {
          assert.deepEqual({ type: def.defaults.camera.type, required: def.defaults.camera.required }, { type: 'actioncam-config', required: true });
        }
        for (const [name, cred] of Object.entries(def.credentials ?? {})) {
          assert.equal(cred.type, /password/i.test(name) ? 'password' : 'text', name);
        }
      });

      it('the edit dialog has an input for every property and credential', () => {
        assert.ok(parts.template, 'data-template-name block');
        const prefix = isConfig ? 'node-config-input-' : 'node-input-';
        for (const name of [...row!.properties.map((p) => p.name), ...row!.credentials]) {
          assert.match(parts.template, new RegExp(`id="${prefix}${name}"`), name);
        }
        for (const m of parts.template.matchAll(/<label for="([^"]+)"/g)) {
          assert.match(parts.template, new RegExp(`id="${m[1]}"`), `label for=${m[1]} points at an element`);
        }
        assert.doesNotMatch(parts.template.replace(/&\w+;/g, ''), /<label[^>]*>[^<]*[A-Za-z]{3,}[^<]*<\/label>/, 'label text comes from data-i18n');
      });

      it('has markdown help in the Node-RED help style', () => {
        const help = parts.help;
        assert.ok(help, 'data-help-name block of type text/markdown');
        const lines = help.split('\n').filter((l) => l.trim() !== '');
        assert.ok(lines.every((l) => !/^\s/.test(l)), 'no indented lines (they would become code blocks)');
        const first = lines[0];
        assert.ok(!first.startsWith('#') && first.length <= 200, 'first paragraph is a short tooltip');
        const sections = isConfig ? ['Properties', 'Details', 'References'] : ['Inputs', 'Outputs', 'Details', 'References'];
        for (const s of sections) assert.match(help, new RegExp(`^### ${s}$`, 'm'), s);
        // message properties: ": name (type) : text", optional ones in italics
        const props = help.match(/^: .+$/gm) ?? [];
        assert.ok(props.length > 0, 'documents properties');
        for (const p of props) assert.match(p, /^: (\*?[\w, ]+\*?) \([\w| ]+\) : \S/, p);
        if (!isConfig) {
          const outputs = help.slice(help.indexOf('### Outputs'), help.indexOf('### Details'));
          assert.match(outputs, /^: payload \(/m, 'documents msg.payload output');
        }
      });

      it('labels say what the node does and are translated', () => {
        const { def, translate } = evaluateDefinition(type);
        const palette = typeof def.paletteLabel === 'function' ? def.paletteLabel.call(def) : def.paletteLabel;
        assert.ok(palette && !palette.includes('.'), `paletteLabel ${palette}`);
        const label = def.label.call(nodeFrom(def, {}, translate));
        assert.ok(label && !/actioncam-[\w-]+\./.test(label), `label ${label}`);
        assert.equal(def.label.call(nodeFrom(def, { name: 'my node' }, translate)), 'my node');
        assert.equal(def.labelStyle?.call(nodeFrom(def, { name: 'my node' })), 'node_label_italic');
      });
    });
  }

  describe('shared editor helpers', () => {
    it('ship in the package (package.json "files" has resources/)', () => {
      const pkg = JSON.parse(read('package.json')) as { files: string[] };
      assert.ok(pkg.files.includes('resources'), 'files includes resources');
      assert.ok(fs.existsSync(path.join(ROOT, ...resourcePath(SHARED_EDITOR))));
    });

    it('define window.ActionCamEditor once: loading the file again keeps the first definition', () => {
      const sandbox: Record<string, unknown> = {};
      sandbox.window = sandbox;
      const context = vm.createContext(sandbox);
      const code = read(...resourcePath(SHARED_EDITOR));
      vm.runInContext(code, context);
      const first = sandbox.ActionCamEditor;
      assert.equal(typeof first, 'object');
      vm.runInContext(code, context);
      assert.equal(sandbox.ActionCamEditor, first);
    });
  });

  describe('labels', () => {
    const label = (type: string, overrides: Record<string, unknown>, lang = 'en-US'): string => {
      const { def, translate } = evaluateDefinition(type, lang);
      return def.label.call(nodeFrom(def, overrides, translate));
    };
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['actioncam-config', {}, '192.168.100.1:6666'],
      ['actioncam-config', { host: '127.0.0.1', port: 7000 }, '127.0.0.1:7000'],
      ['actioncam-discover', {}, 'discover cameras'],
      ['actioncam-discover', { address: '127.0.0.1' }, 'discover 127.0.0.1'],
      ['actioncam-discover', { address: 'camera', addressType: 'msg' }, 'discover msg.camera'],
      ['actioncam-snapshot', {}, 'snapshot'],
      ['actioncam-snapshot', { download: true }, 'snapshot + download'],
      ['actioncam-record', {}, 'record'],
      ['actioncam-record', { duration: '30' }, 'record 30 s'],
      ['actioncam-record', { action: 'start', duration: '30' }, 'record 30 s'],
      ['actioncam-record', { action: 'start' }, 'start recording'],
      ['actioncam-record', { action: 'stop' }, 'stop recording'],
      ['actioncam-record', { action: 'toggle' }, 'toggle recording'],
      ['actioncam-record', { duration: 'clip', durationType: 'flow' }, 'record (flow.clip)'],
      ['actioncam-list-files', {}, 'list files'],
      ['actioncam-list-files', { filter: 'video', limit: 5 }, 'list videos (5)'],
      ['actioncam-list-files', { mode: 'download', path: '', filter: 'video' }, 'download newest video'],
      ['actioncam-list-files', { mode: 'download' }, 'download msg.path'],
      ['actioncam-list-files', { mode: 'download', path: '/DCIM/PHOTO/IMG_0001.JPG', pathType: 'str' }, 'download IMG_0001.JPG'],
      ['actioncam-list-files', { mode: 'sync' }, 'sync files'],
      ['actioncam-list-files', { mode: 'sync', filter: 'video' }, 'sync videos'],
      ['actioncam-firmware', {}, 'firmware'],
      ['actioncam-raw-command', {}, 'raw command'],
      ['actioncam-raw-command', { command: 'a034' }, 'raw A034'],
      ['actioncam-raw-command', { command: 'A03A 01000000' }, 'raw A03A…'],
      ['actioncam-rtp-relay', {}, 'rtsp :8554/live'],
      ['actioncam-rtp-relay', { mode: 'rtp' }, 'rtp 127.0.0.1:5220'],
      ['actioncam-clip', {}, 'clip 5 s + 10 s'],
      ['actioncam-clip', { preRoll: 0, duration: 30 }, 'clip 30 s'],
      ['actioncam-live', {}, '/actioncam/camera/'],
      ['actioncam-live', { stream: 'garden' }, '/actioncam/garden/'],
    ];
    for (const [type, overrides, expected] of cases) {
      it(`${type} ${JSON.stringify(overrides)} -> "${expected}"`, () => assert.equal(label(type, overrides), expected));
    }
    it('German labels come from the de catalogue', () => {
      assert.equal(label('actioncam-record', { duration: '30' }, 'de'), 'Aufnahme 30 s');
      assert.equal(label('actioncam-snapshot', { download: true }, 'de'), 'Foto + Download');
      assert.equal(label('actioncam-clip', {}, 'de'), 'Clip 5 s + 10 s');
    });
  });

  describe('validation', () => {
    const check = (type: string, prop: string, value: unknown, overrides: Record<string, unknown> = {}): boolean | string => {
      const { def } = evaluateDefinition(type);
      const validate = def.defaults[prop].validate;
      assert.ok(validate, `${type}.${prop} has a validator`);
      return validate.call(nodeFrom(def, overrides), value, { label: prop });
    };
    const bad: Array<[string, string, unknown, Record<string, unknown>?]> = [
      ['actioncam-config', 'host', ''],
      ['actioncam-config', 'host', 'my camera'],
      ['actioncam-config', 'port', '0'],
      ['actioncam-config', 'port', '65536'],
      ['actioncam-config', 'httpPort', 'http'],
      ['actioncam-config', 'timeout', '-5'],
      ['actioncam-discover', 'ports', '22600;abc'],
      ['actioncam-discover', 'address', 'a b'],
      ['actioncam-discover', 'timeout', '0'],
      ['actioncam-snapshot', 'timeout', 'x'],
      ['actioncam-record', 'duration', 'ten'],
      ['actioncam-record', 'action', 'pause'],
      ['actioncam-list-files', 'limit', '-1'],
      ['actioncam-list-files', 'folder', '', { mode: 'download', output: 'folder' }],
      ['actioncam-list-files', 'folder', '', { mode: 'sync' }],
      ['actioncam-list-files', 'mode', 'mirror'],
      ['actioncam-raw-command', 'command', 'A0'],
      ['actioncam-raw-command', 'command', 'XYZ1'],
      ['actioncam-raw-command', 'reply', 'A35'],
      ['actioncam-rtp-relay', 'rtspPort', '99999'],
      ['actioncam-rtp-relay', 'path', 'live'],
      ['actioncam-rtp-relay', 'port', '', { mode: 'rtp' }],
      ['actioncam-rtp-relay', 'maxPayload', '20'],
      // longer than a timer can wait (2^31-1 ms), issue 10
      ['actioncam-config', 'timeout', '2147483648'],
      ['actioncam-raw-command', 'timeout', '3000000000'],
      ['actioncam-list-files', 'timeout', '99999999999'],
      ['actioncam-record', 'duration', '2147484'],
      ['actioncam-record', 'duration', '2147483.7'],
      ['actioncam-clip', 'folder', '', { folderType: 'env' }],
      ['actioncam-clip', 'preRoll', '61'],
      ['actioncam-clip', 'preRoll', '-1'],
      ['actioncam-clip', 'duration', '0'],
      ['actioncam-clip', 'duration', 'ten'],
      ['actioncam-clip', 'maxDuration', '3601'],
      ['actioncam-clip', 'output', 'stream'],
      ['actioncam-live', 'stream', ''],
      ['actioncam-live', 'stream', '../x'],
      ['actioncam-live', 'stream', 'my camera'],
      ['actioncam-live', 'maxViewers', '0'],
      ['actioncam-live', 'maxViewers', '65'],
    ];
    for (const [type, prop, value, overrides] of bad) {
      it(`${type}.${prop} rejects ${JSON.stringify(value)} with a translated message`, () => {
        const result = check(type, prop, value, overrides);
        assert.equal(typeof result, 'string');
        assert.doesNotMatch(result as string, /actioncam-|validation\./, 'message found in the catalogue');
        const { def } = evaluateDefinition(type);
        assert.equal(def.defaults[prop].validate!.call(nodeFrom(def, overrides), value), false, 'false without opt (Node-RED 3.0)');
      });
    }
    const good: Array<[string, string, unknown, Record<string, unknown>?]> = [
      ['actioncam-config', 'host', 'cam.local'],
      ['actioncam-config', 'host', '${CAMERA_HOST}'],
      ['actioncam-config', 'port', '${CAMERA_PORT}'],
      ['actioncam-config', 'previewPort', '6840'],
      ['actioncam-config', 'previewPort', '40000'],
      ['actioncam-discover', 'ports', '22600'],
      ['actioncam-discover', 'ports', '22600, 21600'],
      ['actioncam-record', 'duration', '2.5'],
      ['actioncam-list-files', 'folder', '', { mode: 'list' }],
      ['actioncam-list-files', 'folder', '', { mode: 'download', output: 'buffer' }],
      ['actioncam-list-files', 'folder', '/data/card', { mode: 'sync' }],
      ['actioncam-list-files', 'mode', 'sync'],
      ['actioncam-raw-command', 'command', 'A03A 01 00 00 00'],
      ['actioncam-raw-command', 'command', ''],
      ['actioncam-raw-command', 'reply', 'none'],
      ['actioncam-raw-command', 'reply', 'a039'],
      ['actioncam-rtp-relay', 'port', '', { mode: 'rtsp' }],
      ['actioncam-rtp-relay', 'bind', '0.0.0.0'],
      ['actioncam-snapshot', 'timeout', '2147483647'],
      ['actioncam-discover', 'timeout', '1999999999'],
      ['actioncam-config', 'timeout', '${CAMERA_TIMEOUT}'],
      ['actioncam-record', 'duration', '2147483'],
      ['actioncam-clip', 'folder', '/home/pi/clips'],
      ['actioncam-clip', 'folder', ''],
      ['actioncam-clip', 'folder', 'clipFolder', { folderType: 'msg' }],
      ['actioncam-clip', 'preRoll', '0'],
      ['actioncam-clip', 'preRoll', '2.5'],
      ['actioncam-clip', 'duration', '0.5'],
      ['actioncam-clip', 'output', 'buffer'],
      ['actioncam-live', 'stream', 'garden-2.cam_1'],
      ['actioncam-live', 'maxViewers', '64'],
    ];
    for (const [type, prop, value, overrides] of good) {
      it(`${type}.${prop} accepts ${JSON.stringify(value)}`, () => assert.equal(check(type, prop, value, overrides), true));
    }
  });
});
