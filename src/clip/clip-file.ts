/**
 * One clip being written, as docs/MP4.md "What the live and clip outputs must know" says a clip must
 * be written: the frames go to a hidden temporary payload file as they come, only their index
 * (ClipIndex: three numbers a frame) stays in memory, and at the end the header (ftyp + moov + mdat
 * header, progressiveHeader) and then the payload are written to a second temporary file, which
 * receives the clip's name last (clip-name.ts placeClip). Nothing ever exists under the final name
 * but a complete clip; every failure and every abort removes the temporary files.
 *
 *   frames ──append()──> backlog (bounded) ──writev per 64 KiB batch──> .actioncam-clip.<rand>.payload.part
 *   finish(): header ──> .actioncam-clip.<rand>.clip.part <── payload copied behind it ──> link/rename to <name>
 *
 * States: recording -> finishing -> saved | failed | aborted. append() outside 'recording' is refused.
 */
import { AbortedError, ActionCamError, InvalidStateError, StorageError } from '../errors';
import { ClipIndex } from '../media/mp4/clip-index';
import { progressiveHeader } from '../media/mp4/progressive';
import type { ClipSample } from '../media/mp4/sample-table';
import type { ParameterSets } from '../media/types';
import { nodeFs, removeQuietly, storageError, type ClipFileHandle, type ClipFs } from './clip-fs';
import { placeClip, temporaryName } from './clip-name';
import { ClipDefaults } from './defaults';
import type { ClipFrame } from './pre-roll';

export type ClipFileState = 'recording' | 'finishing' | 'saved' | 'failed' | 'aborted';

export interface ClipFileOptions {
  /** The folder the clip is written in (it must exist). */
  dir: string;
  fs?: ClipFs;
  /** Called once when writing fails while recording (the clip cannot be saved any more). */
  onFailure?: (err: StorageError) => void;
  /** See ClipDefaults. */
  maxWriteBacklogBytes?: number;
  writeBatchBytes?: number;
  maxClipBytes?: number;
  maxClipFrames?: number;
  copyChunkBytes?: number;
}

export interface SavedClip {
  /** Where the clip was saved. */
  file: string;
  /** Bytes of the MP4 file. */
  size: number;
}

/** Result of append(): taken, refused because a clip bound is reached (finish it), or refused because it is over. */
export type AppendResult = 'ok' | 'limit' | 'closed';

/** Buffers per writev: libuv splits larger batches itself, this keeps one call's array small. */
const MAX_BATCH = 256;

export class ClipFile {
  readonly dir: string;
  private current: ClipFileState = 'recording';
  private readonly fs: ClipFs;
  private readonly options: ClipFileOptions;
  private readonly index = new ClipIndex();
  private readonly payloadPath: string;
  private clipTemp: string | undefined;
  private handle: ClipFileHandle | undefined;
  private readonly opened: Promise<void>;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  /** Set while finishing or aborting: everything queued is written without waiting for a full batch. */
  private flushing = false;
  private appended = 0;
  private written = 0;
  private preRollBytes = 0;
  private writing: Promise<void> | undefined;
  private failure: StorageError | undefined;
  private ending: Promise<SavedClip> | undefined;

  constructor(options: ClipFileOptions) {
    this.options = options;
    this.dir = options.dir;
    this.fs = options.fs ?? nodeFs;
    this.payloadPath = temporaryName(this.dir, 'payload');
    this.opened = this.fs.open(this.payloadPath, 'wx+').then(
      (handle) => {
        this.handle = handle;
        this.pump();
      },
      (err: unknown) => this.fail(storageError(err, this.dir, 'starting the clip')),
    );
  }

  get state(): ClipFileState {
    return this.current;
  }

  /** Frames appended. */
  get frames(): number {
    return this.index.frames;
  }

  /** Clip length so far in 90 kHz ticks (the last frame's duration guessed as the step before it). */
  get durationTicks(): number {
    return this.index.duration;
  }

  /** Sample bytes appended (the mdat payload). */
  get payloadBytes(): number {
    return this.index.payloadSize;
  }

  /** The index (live array: do not modify). */
  samples(): readonly ClipSample[] {
    return this.index.samples();
  }

  /** Why the clip can no longer be saved, once that is so. */
  get error(): StorageError | undefined {
    return this.failure;
  }

  /** The temporary files that exist or may exist now (for a last-moment synchronous clean-up). */
  temporaryFiles(): string[] {
    if (this.current === 'saved' || this.current === 'aborted') return [];
    return this.clipTemp ? [this.payloadPath, this.clipTemp] : [this.payloadPath];
  }

  /**
   * Adds the next frame. `preRoll` marks frames handed over from the pre-roll ring: they are held in
   * memory by the ring already, so they do not count against the write backlog.
   */
  append(frame: ClipFrame, preRoll = false): AppendResult {
    if (this.current !== 'recording' || this.failure) return 'closed';
    const size = frame.sample.length;
    const { maxClipFrames = ClipDefaults.maxClipFrames, maxClipBytes = ClipDefaults.maxClipBytes } = this.options;
    if (this.index.frames >= maxClipFrames || this.index.payloadSize + size > maxClipBytes) return 'limit';
    if (preRoll) this.preRollBytes += size;
    else if (this.appended + size - Math.max(this.written, this.preRollBytes) > (this.options.maxWriteBacklogBytes ?? ClipDefaults.maxWriteBacklogBytes)) {
      const mib = Math.round((this.options.maxWriteBacklogBytes ?? ClipDefaults.maxWriteBacklogBytes) / 2 ** 20);
      this.fail(new StorageError('slow', this.dir, `recording the clip failed: the disk holding ${this.dir} cannot keep up with the camera (${mib} MiB waiting to be written)`));
      return 'closed';
    }
    this.index.add(frame.timestamp, size, frame.keyframe);
    this.queue.push(frame.sample);
    this.queuedBytes += size;
    this.appended += size;
    this.pump();
    return 'ok';
  }

  /**
   * Ends the clip and saves it as `file` (a path in `dir`; a numbered name when it is taken): waits
   * for the backlog, writes header + payload under a temporary name, then gives it its name. Rejects
   * with the StorageError that stopped it (temporary files removed), or AbortedError when abort()
   * came first. Call once.
   */
  finish(file: string, params: ParameterSets, opts: { creationTime?: Date } = {}): Promise<SavedClip> {
    if (this.current !== 'recording') return Promise.reject(new InvalidStateError(`the clip in ${this.dir} is ${this.current}`));
    this.current = 'finishing';
    this.ending = this.save(file, params, opts.creationTime).then(
      (saved) => {
        this.current = 'saved';
        return saved;
      },
      async (err: unknown) => {
        await this.removeTemporaryFiles();
        if (this.current !== 'aborted') this.current = 'failed';
        // A system error (ENOSPC, EACCES...) becomes a StorageError; the library's own typed errors stay as they are.
        throw err instanceof ActionCamError ? err : storageError(err, this.dir, 'saving the clip');
      },
    );
    return this.ending;
  }

  /** Abandons the clip (while recording or finishing): nothing is saved, the temporary files go. Never rejects. */
  async abort(): Promise<void> {
    if (this.current === 'saved' || this.current === 'aborted' || this.current === 'failed') return;
    const finishing = this.current === 'finishing';
    this.current = 'aborted';
    if (finishing) {
      await this.ending?.catch(() => undefined);
      return;
    }
    this.queue = [];
    this.queuedBytes = 0;
    await this.opened;
    await this.writing;
    await this.removeTemporaryFiles();
  }

  private async save(file: string, params: ParameterSets, creationTime: Date | undefined): Promise<SavedClip> {
    this.flushing = true;
    await this.opened;
    await this.drain();
    if (this.failure) throw this.failure;
    this.throwIfAborted();
    const payload = this.handle;
    if (!payload) throw new InvalidStateError(`clip ${file}: the payload file is not open`);
    const { header, payloadSize } = progressiveHeader(params, this.index.samples(), { creationTime });
    if (payloadSize !== this.written) throw new InvalidStateError(`clip ${file}: ${this.written} of ${payloadSize} payload bytes written`);
    const temp = temporaryName(this.dir, 'clip');
    this.clipTemp = temp;
    const out = await this.fs.open(temp, 'wx');
    try {
      await writeFully(out, [header], 0);
      await this.copyPayload(payload, out, header.length, payloadSize);
    } finally {
      await out.close();
    }
    this.throwIfAborted();
    const placed = await placeClip(this.fs, temp, file);
    this.clipTemp = undefined;
    await this.closePayload();
    await removeQuietly(this.fs, this.payloadPath);
    return { file: placed, size: header.length + payloadSize };
  }

  /** The payload behind the header, a chunk at a time (bounded memory), checking for an abort between chunks. */
  private async copyPayload(from: ClipFileHandle, to: ClipFileHandle, at: number, size: number): Promise<void> {
    const chunk = Buffer.allocUnsafeSlow(Math.min(size, this.options.copyChunkBytes ?? ClipDefaults.copyChunkBytes) || 1);
    for (let done = 0; done < size; ) {
      this.throwIfAborted();
      const want = Math.min(chunk.length, size - done);
      const { bytesRead } = await from.read(chunk, 0, want, done);
      if (bytesRead <= 0) throw new InvalidStateError(`clip in ${this.dir}: the payload file ended after ${done} of ${size} bytes`);
      await writeFully(to, [chunk.subarray(0, bytesRead)], at + done);
      done += bytesRead;
    }
  }

  private throwIfAborted(): void {
    if (this.current === 'aborted') throw new AbortedError(`the clip in ${this.dir} was abandoned`);
  }

  /**
   * Starts one writev of what is queued, once a batch has gathered (or when finishing), unless one is
   * running; chains the next when it ends.
   */
  private pump(): void {
    if (this.writing || !this.handle || this.queue.length === 0 || this.failure || this.current === 'aborted') return;
    const backlog = this.options.maxWriteBacklogBytes ?? ClipDefaults.maxWriteBacklogBytes;
    const batchBytes = Math.min(this.options.writeBatchBytes ?? ClipDefaults.writeBatchBytes, Math.floor(backlog / 2));
    if (!this.flushing && this.queuedBytes < batchBytes && this.queue.length < MAX_BATCH) return;
    const batch = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH);
    this.queue = batch === this.queue ? [] : this.queue.slice(MAX_BATCH);
    let bytes = 0;
    for (const b of batch) bytes += b.length;
    this.queuedBytes -= bytes;
    const handle = this.handle;
    this.writing = writeFully(handle, batch, this.written).then(
      () => {
        this.written += bytes;
      },
      (err: unknown) => this.fail(storageError(err, this.dir, 'recording the clip')),
    ).finally(() => {
      this.writing = undefined;
      this.pump();
    });
  }

  /** Resolves when no write is in flight and none can start (nothing queued, failed, or aborted). */
  private async drain(): Promise<void> {
    for (;;) {
      this.pump();
      if (!this.writing) return;
      await this.writing;
    }
  }

  private fail(err: StorageError): void {
    if (this.failure) return;
    this.failure = err;
    this.queue = [];
    this.queuedBytes = 0;
    if (this.current === 'recording') this.options.onFailure?.(err);
  }

  private async closePayload(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  private async removeTemporaryFiles(): Promise<void> {
    await this.closePayload();
    await removeQuietly(this.fs, this.payloadPath);
    if (this.clipTemp) await removeQuietly(this.fs, this.clipTemp);
    this.clipTemp = undefined;
  }
}

/** Writes every byte of `buffers` at `position`, going on after short writes; a write that makes no progress is an error. */
async function writeFully(handle: ClipFileHandle, buffers: Buffer[], position: number): Promise<void> {
  let pending = buffers;
  let at = position;
  while (pending.length > 0) {
    let want = 0;
    for (const b of pending) want += b.length;
    const { bytesWritten } = pending.length === 1 ? await handle.write(pending[0], 0, pending[0].length, at) : await handle.writev(pending, at);
    if (bytesWritten === want) return;
    if (!(bytesWritten > 0)) throw Object.assign(new Error(`no bytes written at offset ${at}`), { code: 'EIO' });
    at += bytesWritten;
    pending = skipBytes(pending, bytesWritten);
  }
}

/** `buffers` without their first `n` bytes. */
function skipBytes(buffers: Buffer[], n: number): Buffer[] {
  let left = n;
  let i = 0;
  while (i < buffers.length && left >= buffers[i].length) left -= buffers[i++].length;
  const rest = buffers.slice(i);
  if (left > 0 && rest.length > 0) rest[0] = rest[0].subarray(left);
  return rest;
}
