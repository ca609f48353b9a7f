/**
 * `actioncam clip [--seconds N] [--pre-roll S] [--out FILE.mp4]`: the camera's live preview as an MP4
 * clip on disk. The pipeline is the one the actioncam-clip node runs: a Camera (session + shared
 * live preview) feeding a ClipRecorder (src/clip/recorder.ts). With --pre-roll the recorder is armed
 * first and the command waits until the ring holds S seconds, then triggers: the clip is what a node
 * triggered at that moment would save.
 *
 * Ctrl+C while recording ends the clip early and saves it (as ffmpeg does); before the recording, or
 * a second Ctrl+C (main.ts exits at once), saves nothing, and the temporary files are removed on exit.
 */
import { unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { Camera } from '../../camera/camera';
import { ClipDefaults } from '../../clip/defaults';
import { ClipRecorder } from '../../clip/recorder';
import { AbortedError, TimeoutError } from '../../errors';
import type { LivePreview } from '../../preview/live-preview';
import { cameraTarget, noteCameraChanges, sessionOptions } from '../camera';
import type { CommandContext } from '../context';
import { formatBytes } from '../output';

export async function clipCommand(ctx: CommandContext): Promise<void> {
  const seconds = ctx.args.seconds ?? ClipDefaults.seconds;
  const preRoll = ctx.args.preRoll ?? 0;
  const target = cameraTarget(ctx);
  const out = ctx.args.out !== undefined ? path.resolve(ctx.args.out) : undefined;
  const dir = out ? path.dirname(out) : process.cwd();
  const camera = new Camera({ session: sessionOptions(ctx, true), preview: { port: target.previewPort } });
  const recorder = new ClipRecorder(
    { preRollSeconds: preRoll, maxClipSeconds: seconds, cameraName: target.host },
    { acquirePreview: () => camera.preview.acquire(), releasePreview: () => camera.preview.release(), logger: ctx.logger },
  );
  // A second Ctrl+C exits at once (main.ts): no half clip under its name, and no temporary file either.
  const removeTemporaryFiles = (): void => {
    for (const file of recorder.temporaryFiles()) {
      try {
        unlinkSync(file);
      } catch {
        // gone already
      }
    }
  };
  process.once('exit', removeTemporaryFiles);
  try {
    await camera.open().connect({ signal: ctx.signal });
    // A drop-out does not end the clip (docs/ARCHITECTURE.md "Decisions"), but the person should know.
    noteCameraChanges(ctx, camera, camera.preview, { whileLost: 'the clip goes on' });
    await recorder.arm();
    if (preRoll > 0) {
      if (!ctx.out.json) ctx.out.note(`filling the ${preRoll} s pre-roll...`);
      await fillPreRoll(ctx, camera.preview, recorder, preRoll);
    }
    // Ctrl+C (the signal) ends the clip early; it is saved as far as it got.
    const { clip } = await recorder.trigger({ seconds, dir, fileName: out ? path.basename(out) : undefined, signal: ctx.signal });
    if (!ctx.out.json) ctx.out.note(`recording ${seconds} s; Ctrl+C ends the clip early`);
    const result = await clip;
    if (ctx.signal.aborted && !ctx.out.json) ctx.out.note('interrupted: the clip ended early');
    const doc = { file: result.file, duration: result.duration, frames: result.frames, size: result.size };
    ctx.out.result(doc, () => `${doc.file}  ${doc.duration} s, ${doc.frames} frames, ${formatBytes(doc.size)}`);
  } finally {
    await recorder.disarm({ finish: false });
    await camera.close();
    process.off('exit', removeTemporaryFiles);
  }
}

/**
 * Waits until the ring holds `seconds` (checked after every frame), at most that long plus
 * ClipDefaults.videoWaitMs: then a shorter pre-roll does (with a note), and none at all is an error.
 */
async function fillPreRoll(ctx: CommandContext, preview: LivePreview, recorder: ClipRecorder, seconds: number): Promise<void> {
  const limitMs = seconds * 1000 + ClipDefaults.videoWaitMs;
  let frames = 0;
  let timer: NodeJS.Timeout | undefined;
  let onFrame: (() => void) | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onFrame = (): void => {
        frames++;
        if (recorder.preRoll.seconds >= seconds) resolve();
      };
      onAbort = (): void => reject(new AbortedError('interrupted while filling the pre-roll'));
      timer = setTimeout(resolve, limitMs);
      preview.on('accessUnit', onFrame);
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    clearTimeout(timer);
    if (onFrame) preview.off('accessUnit', onFrame);
    if (onAbort) ctx.signal.removeEventListener('abort', onAbort);
  }
  const held = recorder.preRoll.seconds;
  if (held >= seconds) return;
  if (frames === 0 || held === 0) {
    const { host, previewPort } = cameraTarget(ctx);
    throw new TimeoutError(`no video from camera ${host} on UDP port ${previewPort} within ${Math.round(limitMs / 1000)} s: check that its preview reaches this computer (a firewall, --preview-port)`);
  }
  if (!ctx.out.json) ctx.out.note(`the pre-roll holds ${held.toFixed(1)} s, not ${seconds} s: recording anyway`);
}
