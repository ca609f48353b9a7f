/**
 * The repository explains itself (docs/DESIGN.md rule 11): every document a comment, a doc or the
 * README cites (`docs/PROTOCOL.md §4.3`, `README.md`) is a file of this repository, a section number
 * cited with it is a heading there, and no file points at notes outside the repository.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './editor-files';

/** Folders whose text files may cite documents (not dist/, node_modules/ or the CI's own installs). */
const SOURCES = ['src', 'nodes', 'test', 'bench', 'scripts', 'docs', 'docker', 'examples', '.ci'];
const TEXT = /\.(ts|js|html|json|md|yml|sh)$|^run$|^Dockerfile$/;
const REPOSITORY_URL = 'https://github.com/actioncam/node-red-actioncam/blob/main/';
/** A document name as this repository writes them: upper-case, e.g. PROTOCOL.md, NODE-RED.md. */
const CITATION = /(?<![\w'"`/.-])((?:[\w.-]+\/)*[A-Z][A-Z0-9_-]{2,}\.md)(?:'s)?(?: (§\d+(?:\.\d+)*))?/g;

function files(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'dist', 'nr5', 'fixtures', 'images'].includes(entry.name)) files(full, out);
    } else if (TEXT.test(entry.name)) out.push(full);
  }
  return out;
}

/** Every text file to check, but this test (its patterns and messages name documents by example). */
function all(): string[] {
  const out = [path.join(ROOT, 'README.md')];
  for (const dir of SOURCES) if (fs.existsSync(path.join(ROOT, dir))) files(path.join(ROOT, dir), out);
  return out.filter((f) => path.basename(f) !== 'doc-citations.test.ts');
}

/** "§4.3" is a heading "### 4.3 ..." (or "## 4. ..." for §4) of the document. */
function hasSection(doc: string, section: string): boolean {
  const number = section.slice(1);
  const escaped = number.replace(/\./g, '\\.');
  return new RegExp(`^#{1,6} ${escaped}\\.?(?: |$)`, 'm').test(doc);
}

describe('repository: cited documents', () => {
  it('every cited document is a file of this repository, and a cited § is a heading in it', () => {
    const problems: string[] = [];
    let count = 0;
    for (const file of all()) {
      const rel = path.relative(ROOT, file);
      const text = fs.readFileSync(file, 'utf8').split(REPOSITORY_URL).join('');
      for (const m of text.matchAll(CITATION)) {
        count++;
        const cited = m[1];
        // a bare name in docs/ is a sibling; elsewhere the path is from the repository root
        const candidates = rel.startsWith(`docs${path.sep}`) ? [path.join('docs', cited), cited] : [cited];
        const found = candidates.find((c) => fs.existsSync(path.join(ROOT, c)));
        if (!found) {
          problems.push(`${rel}: ${cited} is not a file of the repository${rel.startsWith('docs') ? '' : ' (write docs/NAME.md)'}`);
          continue;
        }
        if (m[2] && !hasSection(fs.readFileSync(path.join(ROOT, found), 'utf8'), m[2])) problems.push(`${rel}: ${found} has no section ${m[2]}`);
      }
    }
    assert.ok(count > 100, `citations found: ${count}`);
    assert.deepEqual(problems, []);
  });

  it('no file points at design notes outside the repository', () => {
    const outside = /shared\/[A-Z-]+\.md|STYLE-ANCHORS|NODE-RED-NOTES/;
    const offenders = all()
      .filter((f) => outside.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    assert.deepEqual(offenders, []);
  });
});
