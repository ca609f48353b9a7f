/**
 * The parent's handle on a subject process (bench/subject.ts): the code under measurement runs in a
 * child of its own so that its CPU time and memory are its own, not the traffic generator's or the
 * clients'. Requests are `{type:'call', id, cmd}`; the child answers `{type:'reply', id, ok, value|error}`
 * and announces itself once with `{type:'ready', info}`. Every wait is bounded; a child that does not
 * exit after 'stop' is killed (it is ours: this handle forked it).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export type SubjectKind = 'pipeline' | 'forwarder' | 'rtsp' | 'clip' | 'live';

export type ParentMessage = { type: 'call'; id: number; cmd: string };
export type ChildMessage =
  | { type: 'ready'; info: Record<string, unknown> }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };

const READY_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 5_000;

export class SubjectProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, readonly info: Record<string, unknown>) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'reply') return;
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(message.error));
    });
    child.once('exit', (code, signal) => {
      const err = new Error(`subject process exited (${signal ?? code})`);
      for (const waiter of this.waiting.values()) waiter.reject(err);
      this.waiting.clear();
    });
  }

  /** Forks bench/subject.js with --expose-gc; its stdout and stderr go to our stderr (stdout stays the report's). */
  static start(kind: SubjectKind, args: Record<string, unknown>): Promise<SubjectProcess> {
    const child = fork(path.join(__dirname, 'subject.js'), [kind, JSON.stringify(args)], {
      execArgv: [...process.execArgv.filter((a) => a !== '--expose-gc'), '--expose-gc'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout?.pipe(process.stderr);
    child.stderr?.pipe(process.stderr);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${kind} subject not ready after ${READY_TIMEOUT_MS} ms`));
      }, READY_TIMEOUT_MS);
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`${kind} subject exited (${code}) before it was ready`));
      };
      child.once('exit', onExit);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`${kind} subject could not be started: ${err.message}`));
      });
      child.on('message', function onMessage(message: ChildMessage) {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        child.removeListener('message', onMessage);
        resolve(new SubjectProcess(child, message.info));
      });
    });
  }

  /** The subject's process id (for readings from /proc). */
  get pid(): number {
    return this.child.pid ?? NaN;
  }

  call<T>(cmd: string, timeoutMs = 10_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`subject did not answer "${cmd}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const message: ParentMessage = { type: 'call', id, cmd };
      this.child.send(message);
    });
  }

  /** Asks the subject to close everything and exit; kills it if it has not exited in time. Idempotent. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.connected) {
      await this.call('stop', EXIT_TIMEOUT_MS).catch(() => undefined);
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), EXIT_TIMEOUT_MS);
    });
    const killed = await Promise.race([this.exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (killed) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
