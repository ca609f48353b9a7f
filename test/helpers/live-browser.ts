/**
 * The live view in Debian's Chromium (playwright-core, never a downloaded browser), for the live
 * e2e tests: launching with the editor test's no-network flags, collecting page errors, and
 * measuring playback the way the issue states it — getVideoPlaybackQuality().totalVideoFrames over
 * a window against the frames the simulator sent in it, and how far the playback position is behind
 * the end of what is buffered.
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import type { CameraSimulator } from '../../src/simulator';
import { repoRoot } from './clip';

export const CHROMIUM = '/usr/bin/chromium';
/**
 * Root in a container needs --no-sandbox; the rest keep Chromium off the (closed) network. Playwright
 * adds --headless and a fresh temporary --user-data-dir itself.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60000 });
}

/** test-artifacts/<folder>/, created. */
export function artifactsDir(folder: string): string {
  const dir = path.join(repoRoot(), 'test-artifacts', folder);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Console errors and page errors of a page, for a "no error" assertion. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}${m.location().url ? ` (${m.location().url})` : ''}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return errors;
}

export interface PlaybackSample {
  totalVideoFrames: number;
  droppedVideoFrames: number;
  currentTime: number;
  bufferedEnd: number;
  paused: boolean;
  overlay: string;
  mode: string;
}

// The DOM globals used inside page callbacks (the project's tsconfig has no DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;

/** What the page's <video> says now. */
export function samplePlayback(frame: Page | Frame): Promise<PlaybackSample> {
  return frame.evaluate(() => {
    const video = document.querySelector('video');
    const q = video.getVideoPlaybackQuality();
    const b = video.buffered;
    const overlay = document.getElementById('overlay');
    return {
      totalVideoFrames: q.totalVideoFrames,
      droppedVideoFrames: q.droppedVideoFrames,
      currentTime: video.currentTime,
      bufferedEnd: b.length ? b.end(b.length - 1) : 0,
      paused: video.paused,
      overlay: overlay && !overlay.hidden ? overlay.textContent : '',
      mode: window.actioncamLive ? window.actioncamLive.mode : '',
    };
  });
}

/** Waits until the video has decoded `frames` frames (the stream reached the page and plays). */
export async function waitForPlaying(frame: Page | Frame, frames = 5, timeoutMs = 20000): Promise<void> {
  await frame.waitForFunction(
    (n) => {
      const video = document.querySelector('video');
      return !!video && video.getVideoPlaybackQuality().totalVideoFrames >= n && !video.paused;
    },
    frames,
    { timeout: timeoutMs, polling: 100 },
  );
}

export interface PlaybackWindow {
  before: PlaybackSample;
  after: PlaybackSample;
  /** Frames the camera (simulator) sent during the window. */
  sent: number;
  /** totalVideoFrames grew by this much. */
  played: number;
  /** Seconds the playback position was behind the end of the buffered media at the end. */
  behind: number;
}

/** Samples, waits `seconds`, samples again; counts the simulator's preview frames in between. */
export async function measurePlayback(frame: Page | Frame, sim: CameraSimulator, seconds = 10): Promise<PlaybackWindow> {
  const sent0 = sim.stats.previewFrames;
  const before = await samplePlayback(frame);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = await samplePlayback(frame);
  const sent = sim.stats.previewFrames - sent0;
  return { before, after, sent, played: after.totalVideoFrames - before.totalVideoFrames, behind: after.bufferedEnd - after.currentTime };
}

/** One line for a failure message or the log. */
export function describeWindow(w: PlaybackWindow): string {
  return `played ${w.played} of ${w.sent} frames sent (${w.after.droppedVideoFrames - w.before.droppedVideoFrames} dropped), ` +
    `${w.behind.toFixed(2)} s behind the buffered end, mode ${w.after.mode}, overlay "${w.after.overlay}"`;
}
