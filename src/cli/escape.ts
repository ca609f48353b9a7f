/**
 * Text from a camera (file names, paths) printed on a terminal: control characters are escaped, so
 * a name cannot move the cursor, clear the screen, set the window title or hide itself (issue 10).
 * JSON output needs none of this: JSON.stringify escapes C0 controls itself.
 */

/** C0 controls, DEL, C1 controls (0x9b is a one-byte CSI on some terminals), bidi overrides and isolates. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `IMG\x1b[2J.JPG` for a name holding ESC [ 2 J; `\u202e` for a right-to-left override. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
