/**
 * ffprobe in tests: is it there, and what it reads of a media file's first video stream (codec,
 * size, frames counted by decoding) under a deadline. Skip-with-a-message is the caller's.
 */
import { execFile, spawnSync } from 'node:child_process';

export const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';

let available: boolean | undefined;

/** True when `ffprobe -version` runs. */
export function ffprobeAvailable(): boolean {
  if (available === undefined) available = spawnSync(FFPROBE, ['-version'], { stdio: 'ignore', timeout: 10000 }).status === 0;
  return available;
}

export interface ProbedVideo {
  codec: string;
  width: number;
  height: number;
  /** Frames counted by decoding the whole stream (-count_frames). */
  frames: number;
  /** Container format names ffprobe reports, e.g. 'mov,mp4,m4a,3gp,3g2,mj2'. */
  format: string;
  /** Seconds, as ffprobe reports them (undefined when it reports none). */
  duration?: number;
  startTime?: number;
}

/** `ffprobe -count_frames` of the first video stream of `file`. */
export function probeVideo(file: string, timeoutMs = 30000): Promise<ProbedVideo> {
  const args = ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries',
    'stream=codec_name,width,height,nb_read_frames:format=format_name,duration,start_time', '-of', 'json', file];
  return new Promise((resolve, reject) => {
    execFile(FFPROBE, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`ffprobe ${file} failed: ${err.message} ${stderr}`));
      const info = JSON.parse(stdout) as { streams?: Array<Record<string, unknown>>; format?: Record<string, unknown> };
      const s = info.streams?.[0];
      if (!s) return reject(new Error(`ffprobe found no video stream in ${file}`));
      const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));
      resolve({
        codec: String(s.codec_name),
        width: Number(s.width),
        height: Number(s.height),
        frames: Number(s.nb_read_frames),
        format: String(info.format?.format_name),
        duration: num(info.format?.duration),
        startTime: num(info.format?.start_time),
      });
    });
  });
}
