/**
 * Small fixed payloads of control requests (docs/PROTOCOL.md §2.2-2.4, test vectors in §8).
 */
import { BadInputError } from '../errors';

/** Username and password each occupy a 64-byte NUL-padded ASCII field (docs/PROTOCOL.md §2.4). */
export const LOGIN_FIELD_SIZE = 64;

/** The 128-byte LOGIN payload: username in bytes 0-63, password in bytes 64-127. */
export function encodeLoginPayload(username: string, password: string): Buffer {
  const out = Buffer.alloc(LOGIN_FIELD_SIZE * 2);
  writeField(out, 0, username, 'username');
  writeField(out, LOGIN_FIELD_SIZE, password, 'password');
  return out;
}

function writeField(out: Buffer, offset: number, value: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x20-\x7e]*$/.test(value)) throw new BadInputError(`${what} must be printable ASCII`);
  if (value.length > LOGIN_FIELD_SIZE) throw new BadInputError(`${what} is longer than ${LOGIN_FIELD_SIZE} characters`);
  out.write(value, offset, 'ascii');
}

/** CONTROL_RECORDING payload: u32 LE 1 = start, 0 = stop (docs/PROTOCOL.md §2.7.4). */
export function encodeRecordPayload(start: boolean): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(start ? 1 : 0, 0);
  return out;
}

/** Reads a CONTROL_RECORDING payload back (simulator side); undefined if it is not 4 bytes of 0/1. */
export function decodeRecordPayload(payload: Buffer): boolean | undefined {
  if (payload.length < 4) return undefined;
  const v = payload.readUInt32LE(0);
  return v === 1 ? true : v === 0 ? false : undefined;
}

/** REQUEST_FILE_LIST payload: u32 LE 1; the meaning of the 1 is unknown (docs/PROTOCOL.md §2.2). */
export function encodeFileListRequestPayload(): Buffer {
  return Buffer.from([1, 0, 0, 0]);
}

/** START_PREVIEW in the vendor-app form: 8 zero bytes (docs/PROTOCOL.md §2.2, §7 item 11). */
export function encodeStartPreviewPayload(): Buffer {
  return Buffer.alloc(8);
}
