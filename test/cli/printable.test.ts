import assert from 'node:assert/strict';
import { printable } from '../../src/cli/output';

describe('cli: printable (camera text on a terminal)', () => {
  const cases: Array<[string, string, string]> = [
    ['a plain name stays as it is', 'IMG_0001.JPG', 'IMG_0001.JPG'],
    ['non-ASCII letters stay', 'Ürlaub 2024 – é.MP4', 'Ürlaub 2024 – é.MP4'],
    ['ESC sequences are shown, not run', '\u001b[2J\u001b]0;title\u0007x', '\\x1b[2J\\x1b]0;title\\x07x'],
    ['CR, LF, TAB, NUL and DEL', 'a\rb\nc\td\u0000e\u007f', 'a\\x0db\\x0ac\\x09d\\x00e\\x7f'],
    ['C1 controls (0x9b is a one-byte CSI)', '\u009b2J\u0085', '\\x9b2J\\x85'],
    ['bidi overrides and isolates', 'gpj.\u202eexe\u2066', 'gpj.\\u202eexe\\u2066'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(printable(input), expected));
  }
});
