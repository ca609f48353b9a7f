/**
 * Parsing for the raw-command node (PROTOCOL.md §2.7.6): a hex string whose first two bytes are the
 * message type and the rest the payload, as the reference CLI takes it, or {type, payload}.
 * Separators (spaces, ':', '-', ',') and a leading 0x are accepted; anything else is a clear error.
 */
import { BadInputError } from '../../src/errors';
import { describeValue } from './describe-value';
import type { Translate } from './i18n';

export interface RawCommand {
  type: number;
  payload: Buffer;
}

/** undefined: not hex. */
export function hexToBuffer(text: string): Buffer | undefined {
  const digits = text.trim().replace(/^0x/i, '').replace(/[\s:,-]/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(digits)) return undefined;
  return Buffer.from(digits, 'hex');
}

export function parseCommand(value: unknown, t: Translate): RawCommand {
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const bytes = typeof value === 'string' ? hexToBuffer(value) : value;
    if (!bytes || bytes.length < 2) throw new BadInputError(t('errors.badCommand', { value: describeValue(value) }));
    return { type: bytes.readUInt16BE(0), payload: Buffer.from(bytes.subarray(2)) };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { type, payload } = value as { type?: unknown; payload?: unknown };
    return { type: parseType(type, t), payload: parsePayload(payload, t) };
  }
  throw new BadInputError(t('errors.badCommand', { value: describeValue(value) }));
}

function parseType(value: unknown, t: Translate): number {
  let type = NaN;
  if (typeof value === 'number') type = value;
  else if (typeof value === 'string' && /^(0x)?[0-9a-f]{1,8}$/i.test(value.trim())) type = parseInt(value.trim().replace(/^0x/i, ''), 16);
  if (!Number.isInteger(type) || type < 0 || type > 0xffffffff) {
    throw new BadInputError(t('errors.badType', { value: describeValue(value) }));
  }
  return type;
}

function parsePayload(value: unknown, t: Translate): Buffer {
  if (value === undefined || value === null || value === '') return Buffer.alloc(0);
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') {
    const bytes = hexToBuffer(value);
    if (bytes) return bytes;
  }
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return Buffer.from(value as number[]);
  }
  throw new BadInputError(t('errors.badPayload', { value: describeValue(value) }));
}

/** The editor's `reply`: "auto" = type + 1, "none" = send only (null), or 4 hex digits. */
export function parseReply(reply: string | undefined, type: number, t: Translate): number | null {
  const text = (reply ?? '').trim().toLowerCase();
  if (text === '' || text === 'auto') return type + 1;
  if (text === 'none') return null;
  if (/^(0x)?[0-9a-f]{1,8}$/.test(text)) return parseInt(text.replace(/^0x/, ''), 16);
  throw new BadInputError(t('errors.badReply', { value: describeValue(reply) }));
}

/** "a035": the type as at least four lower-case hex digits. */
export function typeHex(type: number): string {
  return type.toString(16).padStart(4, '0');
}
