/**
 * `actioncam clip` against a camera simulator on 127.0.0.1 (a fresh one per test), checked with the
 * real ffprobe and ffmpeg (skipped with the reason when they are missing): the clip has the frames
 * of the seconds asked for (pre-roll included) within one GOP, EVERY frame decodes bit-identical to
 * the clip the simulator sent (framemd5, the pre-roll frames included), moov comes before mdat, an
 * existing file is never replaced, the camera dropping mid-clip leaves a clip that goes on after the
 * reconnect, and a missing folder, a full disk (a 64 KiB tmpfs in a mount namespace of its own, when
 * this machine allows one), Ctrl+C and SIGKILL never leave a half file under the clip's name.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { TEMPORARY_PREFIX } from '../../src/clip/clip-name';
import { CameraSimulator } from '../../src/simulator';
import { CLIP_FPS, CLIP_FRAMES, CLIP_IDR_FRAMES, CLIP_PATH } from '../helpers/clip';
import { listDir, tempFolder, temporaryLeftovers } from '../helpers/clip-fs';
import { alignWithReference, ffmpegAvailable, killSpawnedFfmpeg, parseFramemd5, referenceFramemd5, runFfmpeg } from '../helpers/ffmpeg';
import { ffprobeAvailable, probeVideo } from '../helpers/ffprobe';
import { topLevelBoxes } from '../helpers/mp4-boxes';
import { CLI, collect, exited, reserveUdpPort, runCli, spawnCli } from './helpers';

/** The committed clip's keyframe interval: "within one GOP". */
const GOP = 15;

interface ClipDoc {
  file: string;
  duration: number;
  frames: number;
  size: number;
}

/** Resolves once `child` has written a stderr line matching `re` (the notes a person sees). */
function stderrLine(child: ChildProcessWithoutNullStreams, re: RegExp, timeoutMs = 15000): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no stderr line like ${re} within ${timeoutMs} ms: ${text}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (re.test(text)) {
        clearTimeout(timer);
        child.stderr.off('data', onData);
        resolve();
      }
    };
    child.stderr.on('data', onData);
  });
}

/** Whether this machine lets an unprivileged `unshare -Urm` mount a tmpfs (containers often do not). */
function tmpfsNamespaceAvailable(): boolean {
  const probe = spawnSync('unshare', ['-Urm', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s'], {
    stdio: 'ignore',
    timeout: 10000,
  });
  return probe.status === 0;
}

describe('actioncam clip (integration, ffprobe and ffmpeg)', function () {
  this.timeout(60000);
  let sim: CameraSimulator;
  let camera: string[];
  let dir: string;
  let reference: string[];
  const children: ChildProcessWithoutNullStreams[] = [];

  before(async function () {
    if (!ffmpegAvailable() || !ffprobeAvailable()) {
      console.log('      (skipped: ffmpeg and ffprobe are needed to check the clips with a real player)');
      this.skip();
    }
    reference = (await referenceFramemd5(CLIP_PATH)).map((f) => f.md5);
    assert.equal(reference.length, CLIP_FRAMES);
  });

  beforeEach(async () => {
    const preview = await reserveUdpPort();
    sim = new CameraSimulator({ host: '127.0.0.1', previewPort: preview.port });
    const addr = await sim.start().finally(() => preview.release());
    camera = ['--host', '127.0.0.1', '--port', String(addr.controlPort), '--preview-port', String(preview.port)];
    dir = await tempFolder('actioncam-cli-clip-');
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    }
    await sim.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  after(() => killSpawnedFfmpeg());

  function start(args: string[]): ChildProcessWithoutNullStreams {
    const child = spawnCli(args);
    children.push(child);
    return child;
  }

  /** ffprobe reads it; every decoded frame is the simulator's clip, in order from one of its keyframes. */
  async function assertBitExact(file: string, frames: number): Promise<void> {
    const probed = await probeVideo(file);
    assert.deepEqual([probed.codec, probed.width, probed.height, probed.frames], ['h264', 320, 240, frames]);
    assert.match(probed.format, /mp4/);
    assert.equal(probed.startTime, 0);
    const decoded = (await referenceFramemd5(file)).map((f) => f.md5);
    assert.equal(decoded.length, frames);
    const aligned = alignWithReference(decoded, reference, CLIP_IDR_FRAMES);
    assert.notEqual(aligned.start, undefined, `every frame bit-identical to the simulator's clip from a keyframe; ${JSON.stringify(aligned)}`);
    const bytes = await fsp.readFile(file);
    assert.deepEqual(topLevelBoxes(bytes).map((b) => b.type), ['ftyp', 'moov', 'mdat'], 'moov before mdat');
  }

  it('--seconds 3 --pre-roll 2 --out FILE --json: {file, duration, frames, size}, every frame bit-identical, the pre-roll included', async () => {
    const out = path.join(dir, 'event.mp4');
    const r = await runCli(['clip', ...camera, '--seconds', '3', '--pre-roll', '2', '--out', out, '--json'], 30000);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as ClipDoc;
    assert.deepEqual(Object.keys(doc), ['file', 'duration', 'frames', 'size']);
    assert.equal(doc.file, out);
    assert.equal(doc.size, (await fsp.stat(out)).size);
    // 2 s of pre-roll (from the keyframe at or before: up to one GOP more) and 3 s after
    assert.ok(Math.abs(doc.frames - 5 * CLIP_FPS) <= GOP, `${doc.frames} frames for 5 s at ${CLIP_FPS} fps`);
    assert.ok(doc.duration >= 4.5, `duration ${doc.duration} s covers the pre-roll and the 3 s`);
    assert.ok(Math.abs(doc.frames - doc.duration * CLIP_FPS) <= GOP, `frames ${doc.frames} against duration ${doc.duration} s`);
    await assertBitExact(out, doc.frames);
    assert.deepEqual(await listDir(dir), ['event.mp4']);
  });

  it('defaults: a name from the camera and the start time in the current folder; text output', async () => {
    const child = spawn(process.execPath, [CLI, 'clip', ...camera, '--seconds', '1'], { cwd: dir, stdio: 'pipe' });
    children.push(child);
    const r = await collect(child, 30000);
    assert.equal(r.code, 0, r.stderr);
    const file = r.stdout.split('  ')[0];
    assert.match(path.basename(file), /^127\.0\.0\.1-\d{8}-\d{6}\.mp4$/);
    assert.match(r.stdout, / s, \d+ frames, [\d.]+ KiB\n$/);
    assert.equal(path.dirname(file), await fsp.realpath(dir));
    assert.ok((await probeVideo(file)).frames > 0);
    assert.deepEqual(await listDir(dir), [path.basename(file)]);
  });

  it('the camera dropping mid-clip: the clip goes on after the reconnect, and every frame still decodes to one of the clip\'s pictures', async () => {
    const out = path.join(dir, 'event.mp4');
    const child = start(['clip', ...camera, '--seconds', '6', '--out', out]);
    const result = collect(child, 40000);
    await stderrLine(child, /recording 6 s/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sentBefore = sim.stats.previewFrames;
    sim.dropConnections(); // the preview ends with the control connection; the session logs in again and asks for it
    const r = await result;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /camera 127\.0\.0\.1:\d+ lost; reconnecting \(the clip goes on\)/);
    const doc = { frames: Number(/, (\d+) frames, /.exec(r.stdout)?.[1]) };
    assert.ok(sim.stats.previewFrames > sentBefore + GOP, 'the simulator streamed again after the drop');
    assert.ok(doc.frames > 1.5 * CLIP_FPS + GOP, `${doc.frames} frames: the clip took frames after the reconnect`);
    const probed = await probeVideo(out);
    assert.equal(probed.frames, doc.frames);
    const known = new Set(reference);
    const decoded = await runFfmpeg(['-loglevel', 'error', '-i', out, '-an', '-fps_mode', 'passthrough', '-f', 'framemd5', '-'], { timeoutMs: 30000 }).result;
    assert.equal(decoded.stderr.trim(), '', 'no decoder error');
    const md5s = parseFramemd5(decoded.stdout.toString('utf8')).map((f) => f.md5);
    assert.equal(md5s.length, doc.frames);
    assert.ok(md5s.every((m) => known.has(m)), 'every frame is one of the simulator\'s pictures');
  });

  it('never replaces an existing file: the clip gets a numbered name', async () => {
    const out = path.join(dir, 'event.mp4');
    await fsp.writeFile(out, 'an older clip');
    const r = await runCli(['clip', ...camera, '--seconds', '1', '--out', out, '--json'], 30000);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as ClipDoc;
    assert.equal(doc.file, path.join(dir, 'event (1).mp4'));
    assert.equal(await fsp.readFile(out, 'utf8'), 'an older clip');
    assert.ok((await probeVideo(doc.file)).frames > 0);
  });

  it('a missing folder: exit 1, one clear line, nothing created', async () => {
    const out = path.join(dir, 'missing', 'event.mp4');
    const r = await runCli(['clip', ...camera, '--seconds', '2', '--out', out], 30000);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^actioncam: starting the clip failed: the folder ${path.dirname(out).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist; create it or choose another folder\\n$`, 'm'));
    assert.deepEqual(await listDir(dir), []);
  });

  it('Ctrl+C while recording ends the clip early and saves it complete; exit 0', async () => {
    const out = path.join(dir, 'event.mp4');
    const child = start(['clip', ...camera, '--seconds', '30', '--out', out]);
    const result = collect(child, 30000);
    await stderrLine(child, /recording 30 s/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGINT');
    const r = await result;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /interrupted: the clip ended early/);
    const probed = await probeVideo(out);
    assert.ok(probed.frames > 0 && probed.frames < 30 * CLIP_FPS, `${probed.frames} frames`);
    await assertBitExact(out, probed.frames);
    assert.deepEqual(await listDir(dir), ['event.mp4']);
  });

  it('SIGKILL mid-clip leaves nothing under the clip\'s name (only hidden temporary files), and the next clip there sweeps them once old', async () => {
    const out = path.join(dir, 'event.mp4');
    const child = start(['clip', ...camera, '--seconds', '30', '--out', out]);
    await stderrLine(child, /recording 30 s/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill('SIGKILL');
    await exited(child);
    const names = await listDir(dir);
    assert.ok(!names.includes('event.mp4'), names.join(', '));
    assert.ok(names.every((n) => n.startsWith(TEMPORARY_PREFIX)), names.join(', '));
    assert.ok(names.length > 0, 'the killed clip left its temporary file');

    // Once they are old, the next clip into the folder removes them and says so.
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const name of names) await fsp.utimes(path.join(dir, name), old, old);
    const r = await runCli(['clip', ...camera, '--seconds', '1', '--out', path.join(dir, 'next.mp4'), '--verbose'], 30000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`removed ${names.length} temporary file\\(s\\) that a clip cut short by a crash left`));
    assert.deepEqual(await listDir(dir), ['next.mp4']);
  });

  it('a full disk (64 KiB tmpfs): exit 1 naming ENOSPC, nothing left on it', async function () {
    if (!tmpfsNamespaceAvailable()) {
      console.log('      (skipped: this machine does not allow a tmpfs in a user and mount namespace)');
      this.skip();
    }
    const mount = path.join(dir, 'small');
    await fsp.mkdir(mount);
    const script = [
      `mount -t tmpfs -o size=64k tmpfs '${mount}' || exit 99`,
      `'${process.execPath}' '${CLI}' clip ${camera.join(' ')} --seconds 10 --out '${mount}/event.mp4'`,
      'echo "exit=$?"',
      `ls -A '${mount}'`,
    ].join('\n');
    // not spawnSync: the simulator answering the CLI runs in this process
    const child = spawn('unshare', ['-Urm', 'sh', '-c', script], { stdio: 'pipe' });
    children.push(child);
    const r = await collect(child, 40000);
    assert.equal(r.code, 0, r.stderr);
    const [exitLine, ...left] = r.stdout.trim().split('\n');
    assert.equal(exitLine, 'exit=1', r.stderr);
    assert.deepEqual(left, [], 'nothing left on the full disk');
    assert.match(r.stderr, /^actioncam: recording the clip failed: the disk holding .*small is full \(ENOSPC\); free some space or choose another folder$/m);
    assert.deepEqual(await temporaryLeftovers(mount), [], 'outside the namespace the folder was never written');
  });
});
