/**
 * Small formatting helpers for log lines and error messages of the session.
 */
import { messageName } from '../protocol';
import { HEX_LOG_LIMIT } from './defaults';

/** 5000 -> "5", 1500 -> "1.5", 250 -> "0.25": durations in messages read in seconds. */
export function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/** Hex of at most HEX_LOG_LIMIT bytes, with the full length when cut. */
export function hexPreview(bytes: Buffer): string {
  if (bytes.length <= HEX_LOG_LIMIT) return bytes.toString('hex');
  return `${bytes.subarray(0, HEX_LOG_LIMIT).toString('hex')}... (${bytes.length} bytes)`;
}

/** "TAKE_PICTURE (0xA038)" for a known type, "0xA0FF" for an unknown one. */
export function typeLabel(type: number): string {
  const name = messageName(type);
  return name.startsWith('0x') ? name : `${name} (0x${type.toString(16).toUpperCase().padStart(4, '0')})`;
}
