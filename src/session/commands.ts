/**
 * The camera's request/reply commands as data (docs/PROTOCOL.md §2.2, §2.7): what to send, which reply
 * type answers it, how multi-part replies are collected, and how the result is parsed. The session
 * runs them; keeping the codec knowledge here keeps the session about connections and state.
 */
import {
  FileListCollector,
  MessageType,
  clockOf,
  encodeClockPayload,
  formatClock,
  decodeFileListPart,
  encodeFileListRequestPayload,
  encodeRecordPayload,
  parseFirmware,
  type ControlMessage,
  type FileEntry,
  type FileListLimits,
  type FirmwareInfo,
} from '../protocol';

export interface Command<T> {
  type: number;
  payload?: Buffer;
  replyType: number;
  /** Takes each reply; true when complete (multi-part replies). Default: the first reply completes. */
  accept?: (reply: ControlMessage) => boolean;
  /** Turns the final reply into the result. */
  result: (reply: ControlMessage) => T;
}

/** A034 -> A035 (§2.7.2). */
export function firmwareCommand(): Command<FirmwareInfo> {
  return {
    type: MessageType.REQUEST_FIRMWARE_INFO,
    replyType: MessageType.FIRMWARE_INFORMATION,
    result: (reply) => parseFirmware(reply.payload),
  };
}

/**
 * A025 (payload u32 LE 1) -> A026 parts in any order until every index arrived (§2.7.1), parsed
 * part by part within `limits`; `source` names the camera in the error past a cap.
 */
export function fileListCommand(limits: FileListLimits, source: string): Command<FileEntry[]> {
  const collector = new FileListCollector(limits, source);
  return {
    type: MessageType.REQUEST_FILE_LIST,
    payload: encodeFileListRequestPayload(),
    replyType: MessageType.FILE_LIST_CONTENT,
    accept: (part) => collector.add(decodeFileListPart(part.payload)),
    result: () => collector.entries(),
  };
}

/** A038 -> A039 once the photo is on the card (§2.7.3). */
export function takePictureCommand(): Command<void> {
  return { type: MessageType.TAKE_PICTURE, replyType: MessageType.PICTURE_SAVED, result: () => undefined };
}

/** A03A (u32 LE 1 start / 0 stop) -> A03B, the same reply for both (§2.7.4). */
export function recordCommand(on: boolean): Command<void> {
  return {
    type: MessageType.CONTROL_RECORDING,
    payload: encodeRecordPayload(on),
    replyType: MessageType.RECORD_COMMAND_ACCEPT,
    result: () => undefined,
  };
}

/**
 * The A011 payload for the local wall-clock time of `date`, and that time as text. Sent only: no
 * reply was ever recorded (docs/PROTOCOL.md §10). Throws BadInputError for an invalid date.
 */
export function clockCommand(date: Date): { payload: Buffer; text: string } {
  const clock = clockOf(date);
  return { payload: encodeClockPayload(clock), text: formatClock(clock) };
}
