/**
 * Runtime strings (status texts, error messages) for every node, from the `actioncam-config`
 * catalogue under its explicit namespace (docs/NODES.md "Strings").
 *
 * When the runtime has no translation (the test helper's `RED._` echoes the key; a catalogue that
 * failed to load does the same) the text comes from the bundled en-US catalogue, so a user never
 * sees a raw key in a status or a Catch node.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { NodeAPI } from 'node-red';

export const NAMESPACE = '@actioncam/node-red-actioncam/actioncam-config';

export type TranslateVars = Record<string, string | number>;
export type Translate = (key: string, vars?: TranslateVars) => string;

export function createTranslator(RED: NodeAPI): Translate {
  return (key, vars) => {
    const full = `${NAMESPACE}:${key}`;
    const text = RED._(full, vars);
    if (typeof text === 'string' && text !== '' && text !== full && text !== key) return text;
    return fallback(key, vars);
  };
}

let english: unknown;

/** The key from the en-US catalogue beside the compiled nodes, with Node-RED's `__name__` placeholders filled. */
function fallback(key: string, vars: TranslateVars | undefined): string {
  if (english === undefined) english = loadEnglish();
  let node: unknown = english;
  for (const part of key.split('.')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  }
  if (typeof node !== 'string') return key;
  return node.replace(/__(\w+)__/g, (match, name: string) => (vars && name in vars ? String(vars[name]) : match));
}

function loadEnglish(): unknown {
  try {
    const file = path.join(__dirname, '..', 'locales', 'en-US', 'actioncam-config.json');
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}
