/**
 * `npm run bench` (node dist/bench/run.js [options], see options.ts): measures the preview's UDP path
 * against a plain UDP forwarder (pipeline-bench.ts), the RTSP server with 1, 10 and 50 clients
 * against an idle one (rtsp-bench.ts), `actioncam relay` at camera rate (camera-rate-bench.ts), the
 * clip output's pre-roll ring and recording against the bare preview (clip-bench.ts) and the browser
 * live view with 0, 1 and 10 viewers against the preview intake alone (live-bench.ts), and prints
 * Markdown tables or JSON. Speed and memory targets
 * are read from these figures, never asserted in tests.
 *
 * Process layout: this process is the camera, the sink and the RTSP players; the code under
 * measurement runs in a forked subject process (with --expose-gc) per path and per RTSP row, so the
 * CPU and memory reported are that code's alone. Everything is on 127.0.0.1 with ephemeral ports;
 * every phase is bounded in frames and time, and a watchdog ends a run that hangs.
 */
import * as os from 'node:os';
import { runCameraRateBench } from './camera-rate-bench';
import { runClipBench } from './clip-bench';
import { runLiveBench } from './live-bench';
import { parseOptions, USAGE } from './options';
import { runPipelineBench } from './pipeline-bench';
import { machine, toJson, toMarkdown, type BenchReport } from './report';
import { runRtspBench } from './rtsp-bench';

/** Longest a run may take whatever the options: every phase has its own, smaller bound. */
const WATCHDOG_MS = 30 * 60 * 1000;

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: still running after ${WATCHDOG_MS / 60000} min; giving up\n`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();
  const progress = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const report: BenchReport = { machine: machine() };
  if (options.pipeline) report.pipeline = await runPipelineBench(options, progress);
  if (options.rtsp) report.rtsp = await runRtspBench(options, progress);
  if (options.camera) report.cameraRate = await runCameraRateBench(options, progress);
  if (options.clip) report.clip = await runClipBench(options, progress);
  if (options.live) report.live = await runLiveBench(options, progress);
  report.machine.loadAverage.end = os.loadavg()[0];
  process.stdout.write(options.json ? `${toJson(report)}\n` : toMarkdown(report));
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    process.exitCode = 1;
  },
);
