/**
 * CPU time of another process, read from Linux's /proc: the sum over its threads (JavaScript, GC,
 * libuv) of the nanoseconds each spent on a CPU (`/proc/PID/task/TID/schedstat`, first field). A
 * process measured this way needs no cooperation, so the real `actioncam` command can be the subject.
 * Falls back to utime + stime of `/proc/PID/stat` (clock ticks, 10 ms) when schedstat is missing.
 */
import * as fs from 'node:fs';

/** Clock ticks per second of /proc/PID/stat on Linux (sysconf(_SC_CLK_TCK), 100 on every common kernel). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Milliseconds of CPU the process `pid` has used so far (every live thread). */
export function processCpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
      ns += Number(text.split(' ')[0]);
    }
    return ns / 1e6;
  } catch {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  }
}

/** Resident set size of `pid` in bytes (VmRSS of /proc/PID/status). */
export function processRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}
