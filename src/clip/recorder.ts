/**
 * ClipRecorder: the clip output of one camera's preview, shared by the actioncam-clip node and
 * `actioncam clip`. While armed it holds the camera's live preview (LivePreview.acquire) and keeps a
 * pre-roll ring (pre-roll.ts); a trigger writes an MP4 clip to a folder: the pre-roll, then the next
 * `seconds` (clip-file.ts). A trigger while a clip records extends it, up to maxClipSeconds after its
 * first trigger.
 *
 * States (one field, docs/DESIGN.md rule 3): idle -> arming -> armed <-> recording -> disarming -> idle.
 * A clip that has ended is saved in the background while the recorder is armed again, so the next
 * trigger can start the next clip at once.
 *
 * The camera dropping mid-clip (docs/ARCHITECTURE.md "Decisions"): the clip goes on to its end time.
 * When the preview stalls the ring is emptied (what came before an outage is not what came before
 * an event) and the clip skips frames until the next keyframe, so what the camera sends after it
 * reconnects joins the clip decodable; the outage shows as a pause (its real length up to 10 s, one
 * frame beyond: src/media/mp4/timestamps.ts). A clip that got no frame at all fails (TimeoutError).
 * When the camera's SPS/PPS change (a new resolution), the clip ends before the first frame of the
 * new stream: one MP4 track has one set.
 *
 * Events (never 'error'): 'state' (state, previous), 'preRoll' (seconds held, whole, at most the
 * setting: emitted when it changes and when the ring empties or starts to fill), 'saved' (ClipResult),
 * 'failed' (Error).
 */
import { EventEmitter } from 'events';
import * as path from 'path';
import { AbortedError, BadInputError, InvalidStateError, ProtocolError, TimeoutError } from '../errors';
import { sameParameterSets, type StreamSource } from '../media/source';
import type { AccessUnit, ParameterSets } from '../media/types';
import { ClipFile } from './clip-file';
import { clipFileName, clipPath } from './clip-name';
import { ClipDefaults } from './defaults';
import { sweepClipLeftovers } from './leftovers';
import { clipFrame, PreRollRing, type ClipFrame } from './pre-roll';
import type { ClipDeps, ClipRecorderState, ClipRequest, ClipResult, ClipSettings, ClipTrigger, DisarmOptions } from './types';

export type { ClipDeps, ClipRecorderState, ClipRequest, ClipResult, ClipSettings, ClipTrigger, DisarmOptions } from './types';

interface Recording {
  file: ClipFile;
  request: ClipRequest;
  triggeredAt: number;
  endsAt: number;
  limitAt: number;
  timer: NodeJS.Timeout | undefined;
  preRollFrames: number;
  preRollSeconds: number;
  params: ParameterSets | undefined;
  firstReceivedAt: number | undefined;
  /** After a stall (or with nothing in the ring): frames wait for a keyframe. */
  needKeyframe: boolean;
  /** Removes the request signal's listener. */
  unlisten: () => void;
  result: Promise<ClipResult>;
  resolve(result: ClipResult): void;
  reject(err: Error): void;
}

const TICKS_PER_SECOND = 90000;
/** Folders remembered as swept: a flow uses one or a few; past this the memory starts over. */
const MAX_SWEPT_FOLDERS = 64;

export class ClipRecorder extends EventEmitter {
  readonly settings: Readonly<ClipSettings>;
  private readonly deps: ClipDeps;
  private readonly now: () => number;
  private readonly ring: PreRollRing;
  private readonly maxClipMs: number;
  private current: ClipRecorderState = 'idle';
  private source: StreamSource | undefined;
  private arming: Promise<void> | undefined;
  private disarming: Promise<void> | undefined;
  private recording: Recording | undefined;
  /** Clips that have ended and are being saved. */
  private readonly saving = new Set<Recording>();
  /** Folders this recorder has swept for leftovers (bounded by MAX_SWEPT_FOLDERS). */
  private readonly swept = new Set<string>();
  private shownPreRoll = -1;
  private readonly onAccessUnit = (au: AccessUnit): void => this.take(au);
  private readonly onStalled = (): void => this.stalled();

  constructor(settings: ClipSettings, deps: ClipDeps) {
    super();
    const maxClipSeconds = settings.maxClipSeconds ?? ClipDefaults.maxClipSeconds;
    if (!(Number.isFinite(maxClipSeconds) && maxClipSeconds > 0 && maxClipSeconds <= ClipDefaults.longestClipSeconds)) {
      throw new BadInputError(`clip: the longest clip must be above 0 and at most ${ClipDefaults.longestClipSeconds} s, got ${maxClipSeconds}`);
    }
    this.settings = { ...settings, maxClipSeconds };
    this.deps = deps;
    this.now = deps.now ?? (() => Date.now());
    this.maxClipMs = maxClipSeconds * 1000;
    this.ring = new PreRollRing({ seconds: settings.preRollSeconds, maxBytes: settings.maxPreRollBytes, maxGopSeconds: settings.maxGopSeconds });
  }

  get state(): ClipRecorderState {
    return this.current;
  }

  /** What the pre-roll ring holds now. */
  get preRoll(): { seconds: number; frames: number; bytes: number } {
    return { seconds: this.ring.seconds, frames: this.ring.length, bytes: this.ring.bytes };
  }

  /** The clip in progress: its length so far (pre-roll included, by the wall clock) and when it ends. */
  get progress(): { seconds: number; frames: number; endsInSeconds: number } | undefined {
    const rec = this.recording;
    if (!rec) return undefined;
    const now = this.now();
    return {
      seconds: rec.preRollSeconds + Math.max(0, now - rec.triggeredAt) / 1000,
      frames: rec.file.frames,
      endsInSeconds: Math.max(0, rec.endsAt - now) / 1000,
    };
  }

  /** Temporary files of clips not yet saved (for a synchronous clean-up when the process is killed). */
  temporaryFiles(): string[] {
    const clips = [...this.saving].map((r) => r.file);
    if (this.recording) clips.push(this.recording.file);
    return clips.flatMap((f) => f.temporaryFiles());
  }

  /** Holds the preview and starts filling the pre-roll. Idempotent; rejects (and stays idle) when the preview cannot be had. */
  arm(): Promise<void> {
    if (this.current === 'armed' || this.current === 'recording') return Promise.resolve();
    if (this.arming) return this.arming;
    const after = this.disarming ?? Promise.resolve();
    this.arming = after
      .then(async () => {
        this.setState('arming');
        const source = await this.deps.acquirePreview();
        this.source = source;
        source.on('accessUnit', this.onAccessUnit);
        source.on('stalled', this.onStalled);
        this.setState('armed');
      })
      .catch((err: unknown) => {
        this.setState('idle');
        throw err;
      })
      .finally(() => {
        this.arming = undefined;
      });
    return this.arming;
  }

  /**
   * Starts a clip, or extends the one in progress to `seconds` from now (never shorter, never past
   * maxClipSeconds after its first trigger). Arms first when needed. Rejects at once for a bad
   * request; the returned `clip` settles when the clip is saved.
   */
  async trigger(request: ClipRequest): Promise<ClipTrigger> {
    checkRequest(request);
    if (this.current !== 'armed' && this.current !== 'recording') await this.arm();
    const rec = this.recording;
    if (rec) {
      const now = this.now();
      const endsAt = Math.min(rec.limitAt, Math.max(rec.endsAt, now + request.seconds * 1000));
      if (endsAt !== rec.endsAt) {
        rec.endsAt = endsAt;
        this.armEndTimer(rec, now);
      }
      return { extended: true, clip: rec.result };
    }
    if (this.current !== 'armed') throw new InvalidStateError(`clip: the recorder is ${this.current}`);
    return { extended: false, clip: this.begin(request) };
  }

  /** Ends the clip in progress now (it is saved as far as it got); resolves when it is saved or has failed. Never rejects. */
  async finishNow(): Promise<void> {
    const rec = this.recording;
    if (!rec) return;
    this.end(rec);
    await rec.result.catch(() => undefined);
  }

  /**
   * Stops: ends the clip in progress (saved, or abandoned with `finish: false`), waits for clips being
   * saved up to the bound (then abandons them), empties the ring and gives the preview back. Never rejects.
   */
  disarm(opts: DisarmOptions = {}): Promise<void> {
    if (this.disarming) return this.disarming;
    if (this.current === 'idle' && !this.arming) return Promise.resolve();
    this.disarming = (async () => {
      await this.arming?.catch(() => undefined);
      if (this.current === 'idle') return;
      this.setState('disarming');
      const source = this.source;
      this.source = undefined;
      source?.off('accessUnit', this.onAccessUnit);
      source?.off('stalled', this.onStalled);
      const rec = this.recording;
      if (rec) {
        if (opts.finish === false) this.abandon(rec);
        else this.end(rec);
      }
      await this.settleSaving(opts.boundMs ?? ClipDefaults.finishBoundMs);
      this.ring.clear();
      this.showPreRoll();
      if (source) await this.deps.releasePreview().catch(() => undefined);
      this.setState('idle');
    })().finally(() => {
      this.disarming = undefined;
    });
    return this.disarming;
  }

  private begin(request: ClipRequest): Promise<ClipResult> {
    const now = this.now();
    let resolve!: (r: ClipResult) => void;
    let reject!: (e: Error) => void;
    const result = new Promise<ClipResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const rec: Recording = {
      file: undefined as unknown as ClipFile,
      request,
      triggeredAt: now,
      endsAt: now + Math.min(request.seconds * 1000, this.maxClipMs),
      limitAt: now + this.maxClipMs,
      timer: undefined,
      preRollFrames: 0,
      preRollSeconds: 0,
      params: undefined,
      firstReceivedAt: undefined,
      needKeyframe: true,
      unlisten: () => undefined,
      result,
      resolve,
      reject,
    };
    const dir = path.resolve(request.dir);
    this.sweepOnce(dir);
    rec.file = new ClipFile({
      dir,
      fs: this.deps.fs,
      maxWriteBacklogBytes: this.settings.maxWriteBacklogBytes,
      maxClipBytes: this.settings.maxClipBytes,
      maxClipFrames: this.settings.maxClipFrames,
      onFailure: (err) => this.end(rec, err),
    });
    this.recording = rec;
    const { signal } = request;
    if (signal) {
      const onAbort = (): void => this.end(rec);
      signal.addEventListener('abort', onAbort, { once: true });
      rec.unlisten = () => signal.removeEventListener('abort', onAbort);
    }
    for (const frame of this.ring.frames()) this.feed(rec, frame, true);
    rec.preRollFrames = rec.file.frames;
    rec.preRollSeconds = rec.preRollFrames > 0 ? this.ring.seconds : 0;
    this.armEndTimer(rec, now);
    this.setState('recording');
    if (signal?.aborted) this.end(rec);
    return result;
  }

  /**
   * The first clip into a folder removes what a killed process left there (leftovers.ts), in the
   * background: it never delays or fails the clip.
   */
  private sweepOnce(dir: string): void {
    if (this.swept.has(dir)) return;
    if (this.swept.size >= MAX_SWEPT_FOLDERS) this.swept.clear(); // sweeping a folder again is harmless
    this.swept.add(dir);
    void sweepClipLeftovers(dir).then((removed) => {
      if (removed.length === 0) return;
      const names = removed.map((file) => path.basename(file)).join(', ');
      this.deps.logger?.info(`clip: removed ${removed.length} temporary file(s) that a clip cut short by a crash left in ${dir}: ${names}`);
    });
  }

  /** One access unit from the preview: into the ring, and into the clip in progress. */
  private take(au: AccessUnit): void {
    try {
      const frame = clipFrame(au, this.now(), au.keyframe ? this.source?.parameterSets() : undefined);
      this.ring.push(frame);
      this.showPreRoll();
      if (this.recording) this.feed(this.recording, frame, false);
    } catch (err) {
      // A frame the muxer refuses (an empty access unit) must not stop the preview for everyone.
      this.deps.logger?.warn(`clip: frame dropped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private feed(rec: Recording, frame: ClipFrame, preRoll: boolean): void {
    if (rec.needKeyframe) {
      if (!frame.keyframe) return;
      rec.needKeyframe = false;
    }
    if (frame.keyframe && frame.params) {
      if (rec.params && !sameParameterSets(rec.params, frame.params)) {
        this.deps.logger?.info('clip: the camera changed its stream parameters (SPS/PPS); the clip ends here');
        this.end(rec);
        return;
      }
      rec.params ??= frame.params;
    }
    rec.firstReceivedAt ??= frame.receivedAt;
    const taken = rec.file.append(frame, preRoll);
    if (taken === 'limit') this.end(rec);
  }

  private stalled(): void {
    this.ring.clear();
    this.showPreRoll();
    if (this.recording) this.recording.needKeyframe = true;
  }

  private armEndTimer(rec: Recording, now: number): void {
    clearTimeout(rec.timer);
    rec.timer = setTimeout(() => this.end(rec), Math.max(0, rec.endsAt - now));
  }

  /** The clip stops taking frames and is saved in the background (or fails with `failure`). */
  private end(rec: Recording, failure?: Error): void {
    if (this.recording !== rec) return;
    this.recording = undefined;
    clearTimeout(rec.timer);
    rec.timer = undefined;
    rec.unlisten();
    if (this.current === 'recording') this.setState('armed');
    this.saving.add(rec);
    this.save(rec, failure).then(
      (result) => {
        this.saving.delete(rec);
        rec.resolve(result);
        this.emit('saved', result);
      },
      (err: Error) => {
        this.saving.delete(rec);
        rec.reject(err);
        this.emit('failed', err);
      },
    );
  }

  /** Abandons the clip in progress: nothing is saved. */
  private abandon(rec: Recording): void {
    this.end(rec, new AbortedError('the clip was abandoned: its recorder was stopped'));
  }

  private async save(rec: Recording, failure: Error | undefined): Promise<ClipResult> {
    const { file } = rec;
    if (failure) {
      await file.abort();
      throw failure;
    }
    const params = rec.params ?? this.source?.parameterSets();
    if (file.frames === 0 || rec.firstReceivedAt === undefined) {
      await file.abort();
      throw new TimeoutError(
        `no video from camera ${this.settings.cameraName} during the clip (${Math.round((this.now() - rec.triggeredAt) / 100) / 10} s): ` +
          'check that its preview reaches this computer (the preview port, a firewall)',
      );
    }
    if (!params) {
      await file.abort();
      throw new ProtocolError(`camera ${this.settings.cameraName} sent no SPS/PPS before the clip's first keyframe; the clip cannot be saved`);
    }
    const start = new Date(rec.firstReceivedAt);
    const name = rec.request.fileName ?? clipFileName(this.settings.cameraName, start);
    const saved = await file.finish(clipPath(file.dir, name), params, { creationTime: start });
    const samples = file.samples();
    let preRollTicks = 0;
    for (let i = 0; i < rec.preRollFrames && i < samples.length; i++) preRollTicks += samples[i].duration;
    return {
      file: saved.file,
      start: start.toISOString(),
      duration: seconds(file.durationTicks),
      frames: file.frames,
      size: saved.size,
      preRoll: seconds(preRollTicks),
    };
  }

  /** Waits for the clips being saved, up to `boundMs`; abandons those still going then. */
  private async settleSaving(boundMs: number): Promise<void> {
    if (this.saving.size === 0) return;
    const pending = [...this.saving].map((r) => r.result.catch(() => undefined));
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      Promise.all(pending).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), boundMs);
      }),
    ]);
    clearTimeout(timer);
    if (!late) return;
    this.deps.logger?.warn(`clip: saving took longer than ${boundMs} ms; the clip is abandoned and its temporary files removed`);
    await Promise.all([...this.saving].map((r) => r.file.abort()));
    await Promise.all(pending);
  }

  /** Emits 'preRoll' when the whole seconds shown change, or the ring empties or starts to fill. */
  private showPreRoll(): void {
    const whole = Math.floor(Math.min(this.ring.seconds, this.settings.preRollSeconds) + 1e-9);
    const key = this.ring.length === 0 ? -1 : whole;
    if (key === this.shownPreRoll) return;
    this.shownPreRoll = key;
    this.emit('preRoll', whole);
  }

  private setState(next: ClipRecorderState): void {
    const previous = this.current;
    if (next === previous) return;
    this.current = next;
    this.emit('state', next, previous);
  }
}

function checkRequest(request: ClipRequest): void {
  if (!(typeof request.seconds === 'number' && Number.isFinite(request.seconds) && request.seconds > 0)) {
    throw new BadInputError(`clip: the duration must be a number of seconds above 0, got ${String(request.seconds)}`);
  }
  if (typeof request.dir !== 'string' || request.dir.trim() === '') throw new BadInputError('clip: a folder to save clips in is required');
  if (request.fileName !== undefined) clipPath(request.dir, request.fileName); // throws BadInputError for a name that leaves the folder
}

/** 90 kHz ticks as seconds, to the millisecond. */
function seconds(ticks: number): number {
  return Math.round((ticks / TICKS_PER_SECOND) * 1000) / 1000;
}
