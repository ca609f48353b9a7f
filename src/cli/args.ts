/**
 * Command-line parsing for `actioncam`: node:util parseArgs over one option table, then per-command
 * checks (which options a command takes, how many arguments) and value validation (ports 1-65535,
 * HOST:PORT, positive timeouts). Everything wrong with the command line is a UsageError (exit 2).
 */
import { parseArgs } from 'node:util';
import { ClipDefaults } from '../clip/defaults';
import { BadInputError } from '../errors';
import { Defaults } from '../protocol/constants';

/** A mistake on the command line; the CLI exits with status 2 and points at --help. */
export class UsageError extends BadInputError {}

/** Runs a library parser over command-line text: what it rejects (BadInputError) is a UsageError. */
export function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof BadInputError && !(err instanceof UsageError)) throw new UsageError(err.message);
    throw err;
  }
}

export const COMMANDS = ['discover', 'firmware', 'ls', 'still', 'record', 'stop', 'fetch', 'sync', 'clock', 'watch', 'cmd', 'simulate', 'relay', 'rtsp', 'clip', 'live', 'help'] as const;
export type CommandName = (typeof COMMANDS)[number];

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  'http-port': { type: 'string' },
  'preview-port': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  address: { type: 'string' },
  ports: { type: 'string' },
  out: { type: 'string', short: 'o' },
  reply: { type: 'string' },
  to: { type: 'string' },
  sdp: { type: 'string' },
  listen: { type: 'string' },
  path: { type: 'string' },
  'rtsp-user': { type: 'string' },
  'rtsp-password': { type: 'string' },
  'discovery-ports': { type: 'string' },
  clip: { type: 'string' },
  overwrite: { type: 'boolean' },
  'max-size': { type: 'string' },
  type: { type: 'string' },
  time: { type: 'string' },
  seconds: { type: 'string' },
  'pre-roll': { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;

const GENERAL: readonly OptionName[] = ['json', 'verbose', 'help', 'version', 'timeout'];
const CAMERA: readonly OptionName[] = [...GENERAL, 'host', 'port', 'user', 'password', 'http-port', 'preview-port'];

/** Options each command accepts, and how many arguments follow the command name. */
const COMMAND_SPEC: Record<CommandName, { options: readonly OptionName[]; args: [min: number, max: number] }> = {
  discover: { options: [...GENERAL, 'address', 'ports'], args: [0, 0] },
  firmware: { options: CAMERA, args: [0, 0] },
  ls: { options: CAMERA, args: [0, 0] },
  still: { options: CAMERA, args: [0, 0] },
  record: { options: CAMERA, args: [0, 0] },
  stop: { options: CAMERA, args: [0, 0] },
  fetch: { options: [...CAMERA, 'out', 'overwrite', 'max-size'], args: [0, 1] },
  sync: { options: [...CAMERA, 'out', 'type', 'max-size'], args: [0, 0] },
  clock: { options: [...CAMERA, 'time'], args: [0, 0] },
  watch: { options: CAMERA, args: [0, 0] },
  cmd: { options: [...CAMERA, 'reply'], args: [1, 1] },
  simulate: {
    options: [...GENERAL, 'host', 'port', 'user', 'password', 'http-port', 'preview-port', 'discovery-ports', 'clip'],
    args: [0, 0],
  },
  relay: { options: [...CAMERA, 'to', 'sdp'], args: [0, 0] },
  rtsp: { options: [...CAMERA, 'listen', 'path', 'rtsp-user', 'rtsp-password'], args: [0, 0] },
  clip: { options: [...CAMERA, 'seconds', 'pre-roll', 'out'], args: [0, 0] },
  live: { options: [...CAMERA, 'listen'], args: [0, 0] },
  help: { options: GENERAL, args: [0, 1] },
};

export interface Endpoint {
  host: string;
  port: number;
}

/** The parsed, validated command line. Unset options stay undefined so each command picks its default. */
export interface CliArgs {
  /** undefined when only --help or --version was given. */
  command?: CommandName;
  args: string[];
  help: boolean;
  version: boolean;
  json: boolean;
  verbose: boolean;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  httpPort?: number;
  previewPort?: number;
  timeoutMs?: number;
  address?: string;
  ports?: number[];
  out?: string;
  reply?: string;
  to?: Endpoint;
  sdp?: string;
  listen?: Endpoint;
  path?: string;
  /** --rtsp-user and --rtsp-password: Digest credentials the RTSP server asks players for. */
  rtspAuth?: { username: string; password: string };
  discoveryPorts?: number[];
  clip?: string;
  overwrite: boolean;
  /** --max-size in bytes. */
  maxBytes?: number;
  /** --type of `sync`. */
  fileType?: 'video' | 'photo' | 'all';
  /** --time of `clock`. */
  time?: Date;
  /** `clip`: seconds to record after the trigger, and the pre-roll before it. */
  seconds?: number;
  preRoll?: number;
}

/** Defaults of the camera-facing options, shown by --help (the camera's own values, docs/PROTOCOL.md §1). */
export const CAMERA_DEFAULTS = {
  host: Defaults.host,
  port: Defaults.controlPort,
  user: Defaults.username,
  password: Defaults.password,
  httpPort: Defaults.httpPort,
  previewPort: Defaults.previewPort,
} as const;

export function parseCommandLine(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(parseArgsMessage(err));
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  let command: CommandName | undefined;
  if (name !== undefined) {
    if (!isCommand(name)) throw new UsageError(`unknown command '${name}'`);
    command = name;
    const spec = COMMAND_SPEC[command];
    for (const option of Object.keys(values) as OptionName[]) {
      if (!spec.options.includes(option)) throw new UsageError(`option --${option} is not valid for '${command}'`);
    }
    const [min, max] = spec.args;
    if (args.length > max) throw new UsageError(`unexpected argument '${args[max]}' for '${command}'`);
    if (args.length < min) throw new UsageError(`'${command}' needs ${min === 1 ? 'an argument' : `${min} arguments`} (see actioncam ${command} --help)`);
  } else if (!values.help && !values.version) {
    throw new UsageError('no command given');
  }
  const zeroPortOk = command === 'simulate';
  return {
    command,
    args,
    help: values.help === true,
    version: values.version === true,
    json: values.json === true,
    verbose: values.verbose === true,
    host: optional(values.host, (v) => nonEmpty('--host', v)),
    port: optional(values.port, (v) => parsePort('--port', v, zeroPortOk)),
    user: values.user,
    password: values.password,
    httpPort: optional(values['http-port'], (v) => parsePort('--http-port', v, zeroPortOk)),
    // A destination for the simulator, a fixed camera-side port for the others: never 0.
    previewPort: optional(values['preview-port'], (v) => parsePort('--preview-port', v)),
    timeoutMs: optional(values.timeout, (v) => parseTimeout(v)),
    address: optional(values.address, (v) => nonEmpty('--address', v)),
    ports: optional(values.ports, (v) => parsePortList('--ports', v, false)),
    out: optional(values.out, (v) => nonEmpty('--out', v)),
    reply: values.reply,
    to: optional(values.to, (v) => parseEndpoint('--to', v)),
    sdp: optional(values.sdp, (v) => nonEmpty('--sdp', v)),
    // `live` takes port 0 (any free port; it prints the URL it got).
    listen: optional(values.listen, (v) => parseEndpoint('--listen', v, command === 'live')),
    path: optional(values.path, (v) => parseRtspPath(v)),
    rtspAuth: parseRtspAuth(values['rtsp-user'], values['rtsp-password']),
    discoveryPorts: optional(values['discovery-ports'], (v) => parsePortList('--discovery-ports', v, true)),
    clip: optional(values.clip, (v) => nonEmpty('--clip', v)),
    overwrite: values.overwrite === true,
    maxBytes: optional(values['max-size'], (v) => parseSize('--max-size', v)),
    fileType: optional(values.type, (v) => parseFileType(v)),
    time: optional(values.time, (v) => parseTime(v)),
    seconds: optional(values.seconds, (v) => parseSeconds('--seconds', v, Number.MIN_VALUE, ClipDefaults.longestClipSeconds)),
    preRoll: optional(values['pre-roll'], (v) => parseSeconds('--pre-roll', v, 0, ClipDefaults.maxPreRollSeconds)),
  };
}

export function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}

function optional<T>(value: string | undefined, parse: (v: string) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

function nonEmpty(option: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`${option} must not be empty`);
  return value;
}

/** A decimal port number 1-65535 (0 too when the OS may choose, as for the simulator). */
export function parsePort(option: string, value: string, allowZero = false): number {
  const min = allowZero ? 0 : 1;
  if (!/^\d{1,5}$/.test(value.trim()) || Number(value) < min || Number(value) > 65535) {
    throw new UsageError(`${option} must be a port number ${min}-65535, got '${value}'`);
  }
  return Number(value);
}

/** "22600,21600": at least one port, duplicates dropped. */
export function parsePortList(option: string, value: string, allowZero: boolean): number[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`${option} must be a comma-separated list of ports, got '${value}'`);
  return [...new Set(items.map((s) => parsePort(option, s, allowZero)))];
}

/** HOST:PORT, or [IPv6]:PORT (port 0 only where the OS may choose). */
export function parseEndpoint(option: string, value: string, allowZero = false): Endpoint {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:[\]]+):(\d+)$/.exec(value);
  if (!match) throw new UsageError(`${option} must be HOST:PORT, got '${value}'`);
  return { host: match[1], port: parsePort(option, match[2], allowZero) };
}

/** Seconds as a decimal number from `min` (0, or above 0 with Number.MIN_VALUE) to `max`. */
function parseSeconds(option: string, value: string, min: number, max: number): number {
  const n = Number(value.trim());
  if (!/^\s*(?:\d+(?:\.\d+)?|\.\d+)\s*$/.test(value) || !(n >= min && n <= max)) {
    const range = min > 0 ? `above 0 and at most ${max}` : `from ${min} to ${max}`;
    throw new UsageError(`${option} must be a number of seconds ${range}, got '${value}'`);
  }
  return n;
}

function parseTimeout(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 2_147_483_647) {
    throw new UsageError(`--timeout must be a whole number of milliseconds from 1 to 2147483647 (the longest a timer can wait), got '${value}'`);
  }
  return Number(value);
}

/** Bytes, or a number with K, M, G or T (powers of 1024): "500M", "4G". */
export function parseSize(option: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(value);
  const bytes = match ? Math.floor(Number(match[1]) * 1024 ** ' KMGT'.indexOf(match[2].toUpperCase() || ' ')) : NaN;
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes)) throw new UsageError(`${option} must be a size such as 500M or 4G (bytes when no unit), got '${value}'`);
  return bytes;
}

function parseFileType(value: string): 'video' | 'photo' | 'all' {
  if (value !== 'video' && value !== 'photo' && value !== 'all') throw new UsageError(`--type must be video, photo or all, got '${value}'`);
  return value;
}

/** An ISO 8601 date and time; without an offset it is local time, as the camera's clock is. */
function parseTime(value: string): Date {
  const text = value.trim();
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text);
  // A bare date would be UTC midnight to Date; the camera's clock has no zone, so it means local midnight.
  const date = iso ? new Date(text.length === 10 ? `${text}T00:00` : text) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new UsageError(`--time must be an ISO 8601 date and time such as 2024-05-01T12:30:00, got '${value}'`);
  return date;
}

function parseRtspPath(value: string): string {
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(value)) {
    throw new UsageError(`--path must start with '/' and use only letters, digits and . _ ~ - /, got '${value}'`);
  }
  return value;
}

/** Both or neither: a user without a password (or the reverse) is surely a mistake. */
function parseRtspAuth(username: string | undefined, password: string | undefined): CliArgs['rtspAuth'] {
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined || password === undefined) throw new UsageError('--rtsp-user and --rtsp-password go together');
  return { username: nonEmpty('--rtsp-user', username), password: nonEmpty('--rtsp-password', password) };
}

/** parseArgs errors read "Unknown option '--x'. To specify a positional ..."; keep the first sentence. */
function parseArgsMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split(/\.\s|\n/)[0].trim();
  return first.charAt(0).toLowerCase() + first.slice(1);
}
