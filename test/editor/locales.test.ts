import { strict as assert } from 'node:assert';
import * as fs from 'fs';
import * as path from 'path';
import { LANGS, NODE_TYPES, PACKAGE, ROOT, catalog, htmlParts, i18nKeys, leafKeys, read, translate } from './editor-files';

/** The runtime owns these sections of actioncam-config.json (status texts and error messages). */
const RUNTIME_SECTIONS = new Set(['status', 'errors']);

/** Keys passed as literals to this._() / RED._() in an editor script. */
function scriptKeys(script: string): string[] {
  const keys: string[] = [];
  // complete literals only: 'a.b-' + x is checked through the labels it produces (nodes-html tests)
  for (const m of script.matchAll(/(?:this|RED)\._\(\s*'([^']+)'\s*[,)]/g)) keys.push(m[1]);
  return keys;
}

describe('editor: message catalogues', () => {
  for (const type of NODE_TYPES) {
    describe(type, () => {
      const parts = htmlParts(type);

      for (const lang of LANGS) {
        it(`${lang}: catalogue exists, is namespaced by the node type and is valid JSON`, () => {
          const file = path.join(ROOT, 'nodes', 'locales', lang, `${type}.json`);
          assert.ok(fs.existsSync(file), file);
          const cat = catalog(lang, type);
          assert.ok(cat[type] && typeof cat[type] === 'object', `top-level "${type}" section`);
          for (const key of leafKeys(cat)) assert.notEqual(translate(lang, type, key)?.trim(), '', `${key} is not empty`);
        });

        it(`${lang}: every data-i18n key and every this._() key resolves`, () => {
          const keys = [...i18nKeys(parts.template ?? ''), ...parts.scripts.flatMap(scriptKeys)];
          assert.ok(keys.length > 0);
          for (const key of keys) {
            if (!key.includes(':')) assert.ok(key.startsWith(`${type}.`), `${key} is in the ${type} namespace`);
            assert.notEqual(translate(lang, type, key), undefined, `${lang} ${key}`);
          }
        });
      }

      it('en-US and de have the same editor keys', () => {
        const editorKeys = (lang: string): string[] =>
          leafKeys(catalog(lang, type))
            .filter((k) => !RUNTIME_SECTIONS.has(k.split('.')[1]))
            .sort();
        assert.deepEqual(editorKeys('de'), editorKeys('en-US'));
      });

      it('interpolations use Node-RED\'s __name__ form, the same names in both languages', () => {
        const vars = (lang: string): Record<string, string[]> => {
          const out: Record<string, string[]> = {};
          for (const key of leafKeys(catalog(lang, type))) {
            const text = translate(lang, type, key) ?? '';
            assert.doesNotMatch(text, /\{\{\w+\}\}/, `${lang} ${key} uses {{x}} instead of __x__`);
            out[key] = [...text.matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();
          }
          return out;
        };
        const en = vars('en-US');
        const de = vars('de');
        for (const key of Object.keys(en)) if (key in de) assert.deepEqual(de[key], en[key], key);
      });
    });
  }

  it('script namespaces name this package and the node set they belong to', () => {
    for (const type of NODE_TYPES) {
      const script = htmlParts(type).scripts.join('\n');
      for (const m of script.matchAll(/'(@[^':]+):/g)) assert.equal(m[1], `${PACKAGE}/${type}`, type);
    }
  });

  it('every node has its help in German (nodes/locales/de/<type>.html), not only its labels', () => {
    for (const type of NODE_TYPES) {
      const help = htmlParts(type, read('nodes', 'locales', 'de', `${type}.html`)).help ?? '';
      assert.ok(help.length > 200, `de/${type}.html`);
      const lines = help.split('\n').filter((l) => l.trim() !== '');
      assert.ok(lines.every((l) => !/^\s/.test(l)), `de/${type}.html: no indented lines (they would become code blocks)`);
      // the same message properties, in the same order, as the English help
      const props = (text: string): string[] => [...text.matchAll(/^: (\*?[`\w]+)/gm)].map((m) => m[1]);
      if (type !== 'actioncam-config') assert.deepEqual(props(help), props(htmlParts(type).help ?? ''), `de/${type}.html documents the same message properties`);
    }
  });

  it('translated help, where present, is markdown for the right type with the same sections', () => {
    for (const lang of LANGS) {
      for (const type of NODE_TYPES) {
        const file = path.join(ROOT, 'nodes', 'locales', lang, `${type}.html`);
        if (!fs.existsSync(file)) continue;
        const help = htmlParts(type, read('nodes', 'locales', lang, `${type}.html`)).help;
        assert.ok(help, `${lang}/${type}.html has a text/markdown data-help-name="${type}" block`);
        const sections = (text: string): number => [...text.matchAll(/^### .+$/gm)].length;
        assert.equal(sections(help), sections(htmlParts(type).help ?? ''), `${lang}/${type}.html has as many sections as the English help`);
      }
    }
  });
});
