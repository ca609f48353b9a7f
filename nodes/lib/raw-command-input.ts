/**
 * The raw-command node's input (docs/PROTOCOL.md §2.7.6): src/protocol/raw-command.ts parses it, as it
 * does for the CLI's `cmd`; this only words a rejection from the node's message catalogue and turns
 * the editor's reply "auto" into the type it waits for.
 */
import { BadInputError } from '../../src/errors';
import { RawCommandError, parseRawCommand, parseReplyOption } from '../../src/protocol/raw-command';
import type { RawCommand, RawCommandPart } from '../../src/protocol/raw-command';
import { describeValue } from './describe-value';
import type { Translate } from './i18n';

const MESSAGE_KEYS: Record<RawCommandPart, string> = {
  command: 'errors.badCommand',
  type: 'errors.badType',
  payload: 'errors.badPayload',
  reply: 'errors.badReply',
};

function translated<T>(t: Translate, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof RawCommandError) throw new BadInputError(t(MESSAGE_KEYS[err.part], { value: describeValue(err.value) }));
    throw err;
  }
}

/** msg.payload or the configured command: a hex string, a Buffer or {type, payload}. */
export function parseCommand(value: unknown, t: Translate): RawCommand {
  return translated(t, () => parseRawCommand(value));
}

/** The editor's `reply`: "auto" (or empty) = type + 1, "none" = send only (null), or hex digits. */
export function parseReply(reply: string | undefined, type: number, t: Translate): number | null {
  const replyType = translated(t, () => parseReplyOption(reply));
  return replyType === undefined ? type + 1 : replyType;
}
