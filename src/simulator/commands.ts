/**
 * What the simulated camera does with each command of a logged-in client (docs/PROTOCOL.md §2.2, §2.7).
 * Unknown types are hex-logged and get no reply, which is what the protocol notes expect of a real
 * camera for anything outside its catalogue.
 */
import type { Logger } from '../logger';
import { MessageType, dateOfClock, decodeClockPayload, decodeRecordPayload, encodeFileListPart, encodeFirmware, formatClock, formatFileList, messageName, toHex } from '../protocol';
import type { ControlMessage } from '../protocol';
import type { CameraClock } from './camera-clock';
import type { ControlClient } from './control-client';
import type { FileStore } from './file-store';
import { XPRO2_FIRMWARE_WORDS } from './options';

export interface CommandDeps {
  files: FileStore;
  clock: CameraClock;
  firmwareVersion: string;
  fileListPartSize: number;
  logger: Logger;
  /** Starts streaming the preview to this client (idempotent per client). */
  startPreview(client: ControlClient): void;
}

export class CommandHandler {
  private recordingValue = false;

  constructor(private readonly deps: CommandDeps) {}

  get recording(): boolean {
    return this.recordingValue;
  }

  handle(client: ControlClient, msg: ControlMessage): void {
    const { files, logger } = this.deps;
    switch (msg.type) {
      case MessageType.REQUEST_FIRMWARE_INFO:
        client.reply(MessageType.FIRMWARE_INFORMATION, encodeFirmware(this.deps.firmwareVersion, XPRO2_FIRMWARE_WORDS));
        return;
      case MessageType.REQUEST_FILE_LIST:
        for (const part of this.fileListParts()) client.reply(MessageType.FILE_LIST_CONTENT, part);
        return;
      case MessageType.TAKE_PICTURE: {
        const file = files.addPhoto();
        logger.debug(`sim: took picture ${file.path}`);
        client.reply(MessageType.PICTURE_SAVED);
        return;
      }
      case MessageType.CONTROL_RECORDING:
        this.record(msg.payload);
        client.reply(MessageType.RECORD_COMMAND_ACCEPT);
        return;
      case MessageType.SET_CLOCK:
        this.setClock(msg.payload);
        return;
      case MessageType.START_PREVIEW:
        // Either form works (vendor: 8 zero bytes; S1: empty); no TCP reply (docs/PROTOCOL.md §4.5).
        this.deps.startPreview(client);
        return;
      default:
        logger.info(`sim: unknown command ${messageName(msg.type)} from ${client.label}, no reply: ${toHex(msg.payload)}`);
    }
  }

  private record(payload: Buffer): void {
    const start = decodeRecordPayload(payload);
    if (start === undefined) {
      this.deps.logger.info(`sim: record command with unexpected payload ${toHex(payload)}; state unchanged`);
      return;
    }
    // A stop while recording writes the video; repeated starts/stops are harmless (real behaviour unknown, §2.7.4).
    if (!start && this.recordingValue) {
      const file = this.deps.files.addVideo();
      this.deps.logger.debug(`sim: recorded ${file.path}`);
    }
    this.recordingValue = start;
  }

  /** A011: keep the time; no reply, as none was recorded from a real camera (docs/PROTOCOL.md §10). */
  private setClock(payload: Buffer): void {
    try {
      const clock = decodeClockPayload(payload);
      this.deps.clock.set(dateOfClock(clock));
      this.deps.logger.debug(`sim: clock set to ${formatClock(clock)}`);
    } catch (err) {
      this.deps.logger.info(`sim: SET_CLOCK with an unusable payload ${toHex(payload)} (${err instanceof Error ? err.message : String(err)}); clock unchanged`);
    }
  }

  /** The list as FILE_LIST_CONTENT payloads of at most fileListPartSize text bytes each. */
  private fileListParts(): Buffer[] {
    const text = Buffer.from(formatFileList(this.deps.files.list()), 'latin1');
    const size = this.deps.fileListPartSize;
    const total = Math.max(1, Math.ceil(text.length / size));
    const parts: Buffer[] = [];
    for (let index = 0; index < total; index++) {
      parts.push(encodeFileListPart({ total, index, text: text.subarray(index * size, (index + 1) * size).toString('latin1') }));
    }
    return parts;
  }
}
