/** Runs the compiled `actioncam` CLI as a child process, for the cli*.test.ts integration tests. */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';

/** dist/test/cli/ -> dist/src/cli/main.js */
export const CLI = path.resolve(__dirname, '..', '..', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI, ...args], { stdio: 'pipe' });
}

/** Runs to completion; kills the child after `timeoutMs` so a hang fails the test instead of mocha. */
export function runCli(args: readonly string[], timeoutMs = 20000): Promise<CliResult> {
  const child = spawnCli(args);
  return collect(child, timeoutMs);
}

export function collect(child: ChildProcessWithoutNullStreams, timeoutMs = 20000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`actioncam did not exit within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Resolves with the first stdout line of a long-running command (or rejects when it exits first). */
export function firstLine(child: ChildProcessWithoutNullStreams, timeoutMs = 15000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const done = (err?: Error, line?: string): void => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onErr);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(line ?? '');
    };
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const nl = buffered.indexOf('\n');
      if (nl !== -1) done(undefined, buffered.slice(0, nl));
    };
    const onErr = (chunk: Buffer): void => {
      stderr += chunk.toString('utf8');
    };
    const onExit = (code: number | null): void => done(new Error(`actioncam exited (${code}) before printing a line; stderr: ${stderr}`));
    const timer = setTimeout(() => done(new Error(`no output within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    child.stdout.on('data', onData);
    child.stderr.on('data', onErr);
    child.on('exit', onExit);
  });
}

/** Waits for the child to exit, killing it hard after `timeoutMs`. */
export function exited(child: ChildProcessWithoutNullStreams, timeoutMs = 10000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

export { closedTcpPort, freeUdpPort, reserveUdpPort } from '../helpers/ports';
/** A TCP port on 127.0.0.1 that is free right now. */
export { closedTcpPort as freeTcpPort } from '../helpers/ports';
