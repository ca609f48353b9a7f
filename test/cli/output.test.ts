/**
 * What the CLI prints (src/cli/output.ts), issue 10 finding 9: a table of any length, and no control
 * character from a camera reaching the terminal.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Output, printable, printableText, table } from '../../src/cli/output';

/** Every raw control character a terminal might act on (C0, DEL, C1, separators, bidi). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

function output(json: boolean): { out: Output; stdout: Sink; stderr: Sink } {
  const stdout = new Sink();
  const stderr = new Sink();
  return { out: new Output({ stdout, stderr }, json), stdout, stderr };
}

/** A file name that sets the window title, clears the screen, moves the cursor and reverses the text. */
const HOSTILE = '/DCIM/\u001b]0;owned\u0007\u001b[2J\u009b31m\r\nfake line\u202eGPJ.exe';

describe('cli: output', () => {
  it('tables 300,000 rows (the widths no longer spread into Math.max, which ran out of stack)', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [String(i), 'photo', `/DCIM/PHOTO/IMG_${i}.JPG`]);
    const text = table(['SIZE', 'TYPE', 'PATH'], rows, [0]);
    const lines = text.split('\n');
    assert.equal(lines.length, 300_001);
    assert.equal(lines[0], '  SIZE  TYPE   PATH');
    assert.equal(lines[300_000], '299999  photo  /DCIM/PHOTO/IMG_299999.JPG');
  });

  it('printable() escapes every control character of a camera string, as \\xHH or \\uHHHH', () => {
    assert.equal(printable(HOSTILE), '/DCIM/\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\x0d\\x0afake line\\u202eGPJ.exe');
    assert.equal(printable('/DCIM/MOVIE/VID_0001.MP4 é'), '/DCIM/MOVIE/VID_0001.MP4 é');
  });

  it('printableText() keeps the line breaks of a text (LF and CRLF) and escapes the rest', () => {
    assert.equal(printableText('v=0\r\ns=x\r\n'), 'v=0\r\ns=x\r\n');
    assert.equal(printableText('a\rb\u001b[Kc\n'), 'a\\x0db\\x1b[Kc\n');
  });

  it('escapes camera strings in table cells, so a name can neither act on the terminal nor add a line', () => {
    const text = table(['SIZE', 'PATH'], [['1', HOSTILE]]);
    assert.doesNotMatch(text, RAW_CONTROL);
    assert.equal(text.split('\n').length, 2);
  });

  it('lets no raw control character but line breaks out of line(), note() or error()', () => {
    const { out, stdout, stderr } = output(false);
    out.line(`saved ${HOSTILE}`);
    out.note(`note ${HOSTILE}`);
    out.error(`failed ${HOSTILE}`);
    assert.doesNotMatch(stdout.text.replace(/\r?\n/g, ''), RAW_CONTROL);
    assert.doesNotMatch(stderr.text.replace(/\r?\n/g, ''), RAW_CONTROL);
    assert.match(stderr.text, /^actioncam: failed \/DCIM\/\\x1b\]0;owned\\x07\\x1b\[2J\\x9b31m fake line\\u202eGPJ\.exe\n$/m);
  });

  it('JSON escapes what JSON.stringify leaves raw (DEL, C1, separators, bidi) and still parses to the same value', () => {
    const { out, stdout } = output(true);
    const doc = [{ path: HOSTILE, name: 'a\u007fb\u2028c' }];
    out.result(doc, () => 'unused');
    assert.doesNotMatch(stdout.text.replace(/\n$/, ''), RAW_CONTROL);
    assert.deepEqual(JSON.parse(stdout.text), doc);
  });
});
