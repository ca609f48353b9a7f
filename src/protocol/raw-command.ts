/**
 * The raw command a user types (docs/PROTOCOL.md §2.7.6), one parser for the CLI's `cmd` and the
 * raw-command node: a hex string whose first two bytes are the message type and the rest the
 * payload, as the reference CLI takes it ("a038", "A03A 01 00 00 00", "0xa0:3a-01_00,00 00"); in a
 * flow also a Buffer of the same bytes or {type, payload}. A leading 0x and the separators space,
 * ':', ',', '-' and '_' are accepted so pasted dumps work. And the reply option: "auto" (or empty)
 * = wait for type + 1, "none" = send only, or the reply's type in hex.
 *
 * Every rejection is a RawCommandError (a BadInputError) naming the part that is wrong and the value
 * given, so the CLI can show its message as is and the node can word it from its message catalogue.
 */
import { BadInputError } from '../errors';

export interface RawCommand {
  type: number;
  payload: Buffer;
}

/** What a RawCommandError is about: the whole command, the type or payload of {type, payload}, the reply option. */
export type RawCommandPart = 'command' | 'type' | 'payload' | 'reply';

export class RawCommandError extends BadInputError {
  constructor(
    readonly part: RawCommandPart,
    /** The value that was rejected (the whole input for 'command'). */
    readonly value: unknown,
    message: string,
  ) {
    super(message);
  }
}

/** A message type: 1-8 hex digits, optional 0x (u32; the wire carries the low 16 bits). */
const TYPE_HEX = /^(0x)?[0-9a-f]{1,8}$/i;
const HEX_DIGITS = /^[0-9a-f]*$/i;

/** `text` without a leading 0x and separators. */
function hexDigits(text: string): string {
  return text.trim().replace(/^0x/i, '').replace(/[\s:,_-]/g, '');
}

/** The bytes of a hex string (0x and separators allowed; empty = no bytes); undefined unless whole bytes of hex. */
export function hexToBuffer(text: string): Buffer | undefined {
  const digits = hexDigits(text);
  if (digits.length % 2 !== 0 || !HEX_DIGITS.test(digits)) return undefined;
  return Buffer.from(digits, 'hex');
}

/** A command from a hex string, a Buffer (type in the first two bytes, as the string) or {type, payload}. */
export function parseRawCommand(value: unknown): RawCommand {
  if (typeof value === 'string') return splitCommand(hexCommand(value));
  if (Buffer.isBuffer(value)) {
    if (value.length < 2) throw new RawCommandError('command', value, `the command needs at least two bytes (the message type), got ${value.length}`);
    return splitCommand(value);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { type, payload } = value as { type?: unknown; payload?: unknown };
    return { type: parseType(type), payload: parsePayload(payload) };
  }
  throw new RawCommandError('command', value, 'the command must be a hex string, a Buffer or {type, payload}');
}

function hexCommand(text: string): Buffer {
  const digits = hexDigits(text);
  if (digits === '' || !HEX_DIGITS.test(digits)) throw new RawCommandError('command', text, `the command must be hex digits, got '${text}'`);
  if (digits.length % 2 !== 0) throw new RawCommandError('command', text, `the command must be whole bytes (an even number of hex digits), got '${text}'`);
  if (digits.length < 4) throw new RawCommandError('command', text, `the command needs at least two bytes (the message type), got '${text}'`);
  return Buffer.from(digits, 'hex');
}

function splitCommand(bytes: Buffer): RawCommand {
  return { type: bytes.readUInt16BE(0), payload: Buffer.from(bytes.subarray(2)) };
}

function parseType(value: unknown): number {
  let type = NaN;
  if (typeof value === 'number') type = value;
  else if (typeof value === 'string' && TYPE_HEX.test(value.trim())) type = parseInt(value.trim().replace(/^0x/i, ''), 16);
  if (!Number.isInteger(type) || type < 0 || type > 0xffffffff) {
    throw new RawCommandError('type', value, 'the command type must be a number 0-0xffffffff or 1-8 hex digits');
  }
  return type;
}

function parsePayload(value: unknown): Buffer {
  if (value === undefined || value === null || value === '') return Buffer.alloc(0);
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') {
    const bytes = hexToBuffer(value);
    if (bytes) return bytes;
  }
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return Buffer.from(value as number[]);
  }
  throw new RawCommandError('payload', value, 'the command payload must be a Buffer, hex digits or an array of bytes');
}

/**
 * The reply option: "auto" or empty -> undefined (wait for type + 1, the session's default),
 * "none" -> null (send only), else the reply type in hex. `label` names the option in the message.
 */
export function parseReplyOption(text: string | undefined, label = 'the reply type'): number | null | undefined {
  const option = (text ?? '').trim();
  const lower = option.toLowerCase();
  if (lower === '' || lower === 'auto') return undefined;
  if (lower === 'none') return null;
  if (TYPE_HEX.test(option)) return parseInt(option.replace(/^0x/i, ''), 16);
  throw new RawCommandError('reply', text, `${label} must be 'auto', 'none' or a message type in hex (e.g. a039), got '${text}'`);
}

/** 0xA039 -> "a039": at least four lower-case hex digits, as `cmd` takes them. */
export function typeHex(type: number): string {
  return type.toString(16).padStart(4, '0');
}
