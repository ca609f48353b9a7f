/**
 * The clip output's public types: its settings and dependencies, a trigger's request, what it
 * answers, and the saved clip as the node emits it (docs/ARCHITECTURE.md "src/clip").
 */
import type { StreamSource } from '../media/source';
import type { Logger } from '../logger';
import type { ClipFs } from './clip-fs';

export type ClipRecorderState = 'idle' | 'arming' | 'armed' | 'recording' | 'disarming';

export interface ClipSettings {
  /** Seconds kept before a trigger, 0 to ClipDefaults.maxPreRollSeconds. */
  preRollSeconds: number;
  /** Longest clip after its first trigger; extensions stop there (default 300, at most 3600). */
  maxClipSeconds?: number;
  /** The camera's name in clip file names (a config node's name, the CLI's --host). */
  cameraName: string;
  /** Bounds; see ClipDefaults. */
  maxPreRollBytes?: number;
  maxGopSeconds?: number;
  maxWriteBacklogBytes?: number;
  maxClipBytes?: number;
  maxClipFrames?: number;
}

export interface ClipDeps {
  /** Holds the camera's shared preview (LivePreview.acquire, or a config node's wrapper of it). */
  acquirePreview(): Promise<StreamSource>;
  releasePreview(): Promise<void>;
  logger?: Logger;
  /** Wall clock in ms (default Date.now): a clip's start time and its end timer. */
  now?: () => number;
  /** File-system seam (default Node's fs.promises). */
  fs?: ClipFs;
}

export interface ClipRequest {
  /** Seconds to record after this trigger (> 0). */
  seconds: number;
  /** Folder to save into; it must exist. */
  dir: string;
  /** The clip's file name; default "<camera>-<YYYYMMDD-HHMMSS>.mp4" from its first frame. A taken name gets a number. */
  fileName?: string;
  /** Ends the clip this request starts early when it aborts (the clip is saved as far as it got). Ignored when the request extends a clip. */
  signal?: AbortSignal;
}

/** What a saved clip is: msg.payload of the actioncam-clip node; `actioncam clip --json` prints file, duration, frames and size. */
export interface ClipResult {
  /** Where it was saved (absolute path). */
  file: string;
  /** Wall-clock time of its first frame, ISO 8601 (UTC). */
  start: string;
  /** Seconds of video. */
  duration: number;
  frames: number;
  /** Bytes of the MP4 file. */
  size: number;
  /** Seconds of it recorded before the trigger. */
  preRoll: number;
}

export interface ClipTrigger {
  /** True when this trigger extended the clip in progress; `clip` is then that clip. */
  extended: boolean;
  /** Settles once the clip is saved, or with the error that stopped it. */
  clip: Promise<ClipResult>;
}

export interface DisarmOptions {
  /** Save the clip in progress (true, default) or abandon it. */
  finish?: boolean;
  /** Longest wait for clips being saved; then they are abandoned (default ClipDefaults.finishBoundMs). */
  boundMs?: number;
}
