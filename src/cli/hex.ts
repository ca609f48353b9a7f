/**
 * Parsing of `cmd` input, as the reference tool takes it (PROTOCOL.md §2.7.6): HEX is the message
 * type's two bytes followed by the payload bytes. Separators (space, ':', '-', '_') and a leading 0x
 * are tolerated so pasted dumps work.
 */
import { UsageError } from './args';

export interface RawCommand {
  type: number;
  payload: Buffer;
}

/** Strips separators and 0x; throws UsageError unless what remains is whole bytes of hex. */
export function parseHexBytes(what: string, text: string): Buffer {
  const digits = text.trim().replace(/^0x/i, '').replace(/[\s:_-]/g, '');
  if (digits === '' || !/^[0-9a-f]*$/i.test(digits)) throw new UsageError(`${what} must be hex digits, got '${text}'`);
  if (digits.length % 2 !== 0) throw new UsageError(`${what} must be whole bytes (an even number of hex digits), got '${text}'`);
  return Buffer.from(digits, 'hex');
}

export function parseRawCommand(text: string): RawCommand {
  const bytes = parseHexBytes('the command', text);
  if (bytes.length < 2) throw new UsageError(`the command needs at least two bytes (the message type), got '${text}'`);
  return { type: bytes.readUInt16BE(0), payload: bytes.subarray(2) };
}

/** --reply: "none" -> null (send only), else a message type of 1-8 hex digits. */
export function parseReplyType(text: string): number | null {
  if (text.trim().toLowerCase() === 'none') return null;
  const digits = text.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,8}$/i.test(digits)) throw new UsageError(`--reply must be a message type in hex (e.g. a039) or 'none', got '${text}'`);
  return parseInt(digits, 16);
}
