/** Forgiving number parsing for editor properties (old flows store numbers as strings). */

/** `value` as a number when it is a finite number >= min, else `fallback`. */
export function numberOr(value: unknown, fallback: number, min = 0): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n >= min ? n : fallback;
}

/** A TCP/UDP port (1-65535), else `fallback`. */
export function portOr(value: unknown, fallback: number): number {
  const n = numberOr(value, NaN, 1);
  return Number.isInteger(n) && n <= 65535 ? n : fallback;
}
