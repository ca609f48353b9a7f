/**
 * SET_CLOCK (A011) payload, docs/PROTOCOL.md §10. Inferred, not confirmed on hardware: the vendor
 * app's replayed traffic (nonzod/XproHacks, first commit 582b620, main.py start_video()) sends it
 * right after START_PREVIEW with the values of a date two days before that commit; no reply was
 * recorded. Pure functions over bytes.
 *
 * 36 bytes, nine u32 little-endian words (payload integers are LE, docs/PROTOCOL.md §2.1):
 *
 *   offset  0      4      8      12     16     20     24     28     32
 *          +------+------+------+------+------+------+------+------+------+
 *          |second|minute| hour | day  |month | year |  0   |  0   |  0   |
 *          +------+------+------+------+------+------+------+------+------+
 *   month is 1-based (3 = March), year is the full year (0x07E1 = 2017). The camera has no time
 *   zone: the fields are the wall-clock time it should show.
 */
import { BadInputError, ProtocolError } from '../errors';

export interface CameraClock {
  year: number;
  /** 1-12. */
  month: number;
  /** 1-31. */
  day: number;
  /** 0-23. */
  hour: number;
  /** 0-59. */
  minute: number;
  /** 0-59. */
  second: number;
}

/** Nine u32 words. */
export const CLOCK_PAYLOAD_SIZE = 36;
/** The six words that carry the time; a shorter payload cannot be a clock. */
const CLOCK_FIELDS_SIZE = 24;

/** Word order on the wire, with each field's valid range. */
const FIELDS: ReadonlyArray<[keyof CameraClock, number, number]> = [
  ['second', 0, 59],
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day', 1, 31],
  ['month', 1, 12],
  // The u32 could hold more; a four-digit year is what a camera's file names and menus can show.
  ['year', 1970, 9999],
];

/** The A011 payload for `clock`; throws BadInputError for a field out of range or not an integer. */
export function encodeClockPayload(clock: CameraClock): Buffer {
  const out = Buffer.alloc(CLOCK_PAYLOAD_SIZE);
  FIELDS.forEach(([name, min, max], i) => {
    const value = clock[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new BadInputError(`camera clock ${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
    }
    out.writeUInt32LE(value, i * 4);
  });
  return out;
}

/**
 * Reads an A011 payload back (the simulator's side). Throws ProtocolError for fewer than 24 bytes
 * or a field out of range; the three trailing words are not checked (their meaning is unknown).
 */
export function decodeClockPayload(payload: Buffer): CameraClock {
  if (payload.length < CLOCK_FIELDS_SIZE) {
    throw new ProtocolError(`clock payload too short: ${payload.length} bytes, need at least ${CLOCK_FIELDS_SIZE}`);
  }
  const clock = {} as CameraClock;
  FIELDS.forEach(([name, min, max], i) => {
    const value = payload.readUInt32LE(i * 4);
    if (value < min || value > max) throw new ProtocolError(`clock ${name} ${value} is out of range (${min}..${max})`);
    clock[name] = value;
  });
  return clock;
}

/** The wall-clock fields of `date` in this computer's local time zone. */
export function clockOf(date: Date): CameraClock {
  if (Number.isNaN(date.getTime())) throw new BadInputError('the time to set on the camera is not a valid date');
  return {
    year: date.getFullYear(),
    month: date.getMonth() + 1,
    day: date.getDate(),
    hour: date.getHours(),
    minute: date.getMinutes(),
    second: date.getSeconds(),
  };
}

/** The local Date that shows `clock` (a day past the month's end rolls over, as Date does). */
export function dateOfClock(clock: CameraClock): Date {
  return new Date(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

/** "2017-03-18 19:03:40": how the camera shows its clock. */
export function formatClock(clock: CameraClock): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${clock.year}-${two(clock.month)}-${two(clock.day)} ${two(clock.hour)}:${two(clock.minute)}:${two(clock.second)}`;
}
