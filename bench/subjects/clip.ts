/**
 * The clip output's subjects for bench/clip-bench.ts: a Camera logged in to the simulator and holding
 * its live preview (src/camera/camera.ts), plus, depending on `mode`,
 *   0  nothing more: the preview intake every output pays (the baseline);
 *   1  a ClipRecorder armed with a `preRoll`-second ring filling (what a deployed clip node costs);
 *   2  the same recording one long clip into `dir` (ring + sample writes to the payload file).
 * The receiver's stall limit is a minute, because the benchmark mutes each camera while the others
 * are measured (a stall would empty the ring, as it should after a real outage).
 */
import { Camera } from '../../src/camera/camera';
import { ClipRecorder } from '../../src/clip/recorder';
import type { Subject } from './subject';

const STALL_AFTER_MS = 60_000;
/** Longer than any benchmark run: the clip records until the subject closes. */
const CLIP_SECONDS = 3600;

export interface ClipSubjectArgs {
  controlPort: number;
  previewPort: number;
  mode: 0 | 1 | 2;
  preRoll: number;
  dir?: string;
}

export async function startClipSubject(args: ClipSubjectArgs): Promise<Subject> {
  const camera = new Camera({
    session: { host: '127.0.0.1', port: args.controlPort, reconnect: false },
    preview: { port: args.previewPort, bindHost: '127.0.0.1', stallAfterMs: STALL_AFTER_MS },
  });
  let frames = 0;
  const count = (): void => {
    frames++;
  };
  await camera.open().connect();
  let recorder: ClipRecorder | undefined;
  if (args.mode === 0) {
    const preview = await camera.preview.acquire();
    preview.on('accessUnit', count);
  } else {
    recorder = new ClipRecorder(
      { preRollSeconds: args.preRoll, maxClipSeconds: CLIP_SECONDS, cameraName: 'bench' },
      { acquirePreview: () => camera.preview.acquire(), releasePreview: () => camera.preview.release() },
    );
    await recorder.arm();
    camera.preview.on('accessUnit', count);
    if (args.mode === 2) {
      if (!args.dir) throw new Error('the recording subject needs a folder');
      const { clip } = await recorder.trigger({ seconds: CLIP_SECONDS, dir: args.dir });
      clip.catch(() => undefined); // abandoned at close
    }
  }
  let closing: Promise<void> | undefined;
  return {
    info: {},
    stats: () => ({ frames, ring: recorder?.preRoll, clip: recorder?.progress }),
    close: () => {
      closing ??= (async () => {
        camera.preview.off('accessUnit', count);
        await recorder?.disarm({ finish: false });
        await camera.close();
      })();
      return closing;
    },
  };
}
