/**
 * Loads the editor side of the package for static checks: nodes/<type>.html, the message
 * catalogues, docs/NODES.md (the property table both editor and runtime follow), examples/ and icons/.
 * The tests read the sources in the repository, not copies in dist/, so they check what is committed.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';

export const PACKAGE = '@actioncam/node-red-actioncam';
export const NODE_TYPES = [
  'actioncam-config',
  'actioncam-discover',
  'actioncam-snapshot',
  'actioncam-record',
  'actioncam-list-files',
  'actioncam-firmware',
  'actioncam-raw-command',
  'actioncam-rtp-relay',
  'actioncam-clip',
  'actioncam-live',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];
export const LANGS = ['en-US', 'de'] as const;

function isRoot(dir: string): boolean {
  const pkg = path.join(dir, 'package.json');
  if (!fs.existsSync(pkg)) return false;
  try {
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE;
  } catch {
    return false;
  }
}

function findRoot(): string {
  // compiled tests live in dist/test/... or in a build elsewhere (ACTIONCAM_DIST): try both ways up
  for (const start of [__dirname, process.cwd()]) {
    let dir = path.resolve(start);
    for (;;) {
      if (isRoot(dir)) return dir;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error(`cannot find the ${PACKAGE} repository from ${__dirname} or ${process.cwd()}`);
}

export const ROOT = findRoot();
export const read = (...parts: string[]): string => fs.readFileSync(path.join(ROOT, ...parts), 'utf8');

// ------------------------------------------------------------------------------------------ html

export interface HtmlParts {
  /** `src` of every `<script src="...">`, in order: the editor loads these before the blocks. */
  resources: string[];
  /** Bodies of `<script type="text/javascript">` blocks, found the way node-red-dev finds them. */
  scripts: string[];
  /** Body of `<script type="text/html" data-template-name="<type>">`. */
  template: string | undefined;
  /** Body of `<script type="text/markdown" data-help-name="<type>">`. */
  help: string | undefined;
}

/**
 * Node-RED serves the package's resources/ folder at resources/<package>/ (docs/NODE-RED.md §1):
 * the repository path of such a `src`.
 */
export function resourcePath(src: string): string[] {
  const prefix = `resources/${PACKAGE}/`;
  if (!src.startsWith(prefix)) throw new Error(`${src} is not one of this package's resources (${prefix}...)`);
  return ['resources', ...src.slice(prefix.length).split('/')];
}

export function htmlParts(type: string, html = read('nodes', `${type}.html`)): HtmlParts {
  // the same expression node-red-dev's checknodes.js uses, so a block it cannot see fails here too
  const re = /<script.+?type=['"]text\/javascript['"].*?>([\S\s]*?)<\/script>/gi;
  const scripts: string[] = [];
  for (let m = re.exec(html); m; m = re.exec(html)) scripts.push(m[1]);
  const block = (attr: string, kind: string): string | undefined => {
    const r = new RegExp(`<script type="${kind}" ${attr}="${type}">([\\S\\s]*?)</script>`);
    return r.exec(html)?.[1];
  };
  const resources = [...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]);
  return {
    resources,
    scripts,
    template: block('data-template-name', 'text/html'),
    help: block('data-help-name', 'text/markdown'),
  };
}

/** Every `data-i18n` key of a template, `[placeholder]` prefixes removed. */
export function i18nKeys(template: string): string[] {
  const keys: string[] = [];
  const re = /data-i18n="([^"]+)"/g;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    for (const part of m[1].split(';')) keys.push(part.replace(/^\[[^\]]+\]/, ''));
  }
  return keys;
}

// ------------------------------------------------------------------------------------ catalogues

export type Catalog = Record<string, unknown>;

export function catalog(lang: string, type: string): Catalog {
  return JSON.parse(read('nodes', 'locales', lang, `${type}.json`)) as Catalog;
}

let coreCatalog: Catalog | undefined;
/** Node-RED's own catalogue, for `node-red:common.label.name` and friends. */
export function nodeRedCatalog(): Catalog {
  if (!coreCatalog) {
    const file = require.resolve('@node-red/nodes/locales/en-US/messages.json', { paths: [ROOT] });
    coreCatalog = JSON.parse(fs.readFileSync(file, 'utf8')) as Catalog;
  }
  return coreCatalog;
}

export function lookup(cat: Catalog, key: string): string | undefined {
  let cur: unknown = cat;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'string' ? cur : undefined;
}

/** Resolves `ns:key` as the editor does; a key without namespace belongs to `type`'s catalogue. */
export function translate(lang: string, type: string, key: string, vars?: Record<string, unknown>): string | undefined {
  let ns = `${PACKAGE}/${type}`;
  let k = key;
  const colon = key.indexOf(':');
  if (colon >= 0) {
    ns = key.slice(0, colon);
    k = key.slice(colon + 1);
  }
  let text: string | undefined;
  if (ns === 'node-red') text = lookup(nodeRedCatalog(), k);
  else if (ns.startsWith(`${PACKAGE}/`)) text = lookup(catalog(lang, ns.slice(PACKAGE.length + 1)), k);
  if (text === undefined) return undefined;
  // Node-RED configures i18next with __name__ interpolation
  return text.replace(/__(\w+)__/g, (all, name: string) => (vars && name in vars ? String(vars[name]) : all));
}

export function leafKeys(obj: unknown, prefix = ''): string[] {
  if (obj === null || typeof obj !== 'object') return [prefix];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

// --------------------------------------------------------------------------------- definitions

export interface PropertyDef {
  value?: unknown;
  type?: string;
  required?: boolean;
  validate?: (this: Record<string, unknown>, v: unknown, opt?: { label?: string }) => boolean | string;
}
export interface NodeDef {
  category: string;
  color: string;
  icon: string;
  inputs?: number;
  outputs?: number;
  defaults: Record<string, PropertyDef>;
  credentials?: Record<string, { type: string }>;
  paletteLabel?: string | ((this: unknown) => string);
  label: (this: Record<string, unknown>) => string;
  labelStyle?: (this: Record<string, unknown>) => string;
  oneditprepare?: () => void;
}

/**
 * Runs the editor script of `type` against a stand-in for the editor's `RED` and `$`, the way
 * the editor would, and returns what it registered. `RED._` answers from the catalogues of `lang`.
 */
export function evaluateDefinition(type: string, lang = 'en-US'): { type: string; def: NodeDef; translate: (k: string, v?: Record<string, unknown>) => string } {
  const registered: Array<[string, NodeDef]> = [];
  const t = (key: string, vars?: Record<string, unknown>): string => translate(lang, type, key, vars) ?? key;
  const RED = {
    nodes: { registerType: (name: string, def: NodeDef) => registered.push([name, def]) },
    _: t,
    validators: {
      number: () => (v: unknown) => v === '' || !isNaN(Number(v)),
      regex: (re: RegExp) => (v: unknown) => re.test(String(v)),
      typedInput: () => () => true,
    },
  };
  // validators read the TypedInput type field from the open dialog; with no dialog, val() is undefined
  const jq = (): Record<string, unknown> => ({ val: () => undefined, on: () => jq(), prop: () => jq(), toggle: () => jq() });
  const sandbox: Record<string, unknown> = { RED, $: jq, console };
  sandbox.window = sandbox;
  const context = vm.createContext(sandbox);
  // what the editor loads first from <script src="resources/...">: the shared helpers
  for (const src of htmlParts(type).resources) vm.runInContext(read(...resourcePath(src)), context, { filename: src });
  for (const script of htmlParts(type).scripts) vm.runInContext(script, context, { filename: `${type}.html` });
  if (registered.length !== 1) throw new Error(`${type}.html registered ${registered.length} types`);
  const [name, def] = registered[0];
  // the editor gives every definition (and node) a `_` bound to the node set's catalogue
  (def as unknown as { _: typeof t })._ = t;
  return { type: name, def, translate: t };
}

/** A node as the editor would create it from the definition's defaults, plus overrides. */
export function nodeFrom(def: NodeDef, overrides: Record<string, unknown> = {}, t?: (k: string, v?: Record<string, unknown>) => string): Record<string, unknown> {
  const node: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(def.defaults)) node[k] = p.value;
  Object.assign(node, overrides);
  node._ = t ?? ((k: string) => k);
  return node;
}

// -------------------------------------------------------------------------------------- docs/NODES.md

export interface DocProperty {
  name: string;
  /** The documented default, when the table gives one as a literal. */
  value?: string | number | boolean;
}
export interface DocRow {
  properties: DocProperty[];
  credentials: string[];
}

function parseCell(cell: string): DocProperty[] {
  const out: DocProperty[] = [];
  const re = /`(\w+)`(?:\s+\w+)?\s*(?:\(([^()]*)\))?/g;
  for (let m = re.exec(cell); m; m = re.exec(cell)) {
    const prop: DocProperty = { name: m[1] };
    const inside = m[2]?.trim();
    if (inside !== undefined) {
      const str = /^"([^"]*)"/.exec(inside);
      const num = /^(-?\d+(?:\.\d+)?)\b/.exec(inside);
      const bool = /^(true|false)\b/.exec(inside);
      if (str) prop.value = str[1];
      else if (num) prop.value = Number(num[1]);
      else if (bool) prop.value = bool[1] === 'true';
    } else if (m[1] === 'name') {
      prop.value = '';
    }
    out.push(prop);
  }
  return out;
}

/** The property table of docs/NODES.md, keyed by node type. */
export function nodesDoc(): Map<string, DocRow> {
  const rows = new Map<string, DocRow>();
  for (const line of read('docs', 'NODES.md').split('\n')) {
    if (!line.startsWith('| actioncam-')) continue;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    // cells: '', type, properties, credentials, ''
    rows.set(cells[1], { properties: parseCell(cells[2]), credentials: parseCell(cells[3]).map((p) => p.name) });
  }
  return rows;
}

// ------------------------------------------------------------------------------------- examples

export interface FlowNode {
  id: string;
  type: string;
  wires?: string[][];
  [key: string]: unknown;
}

export function examples(): Map<string, unknown> {
  const dir = path.join(ROOT, 'examples');
  const out = new Map<string, unknown>();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    out.set(f.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  }
  return out;
}
