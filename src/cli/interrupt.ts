/**
 * SIGINT/SIGTERM handling. The first signal aborts the command's AbortSignal, so long-running
 * commands stop their work and close their sessions once; a second signal exits at once for a
 * user who does not want to wait.
 */

export interface Interrupt {
  signal: AbortSignal;
  /** Removes the process signal handlers (when the command is over). */
  dispose(): void;
}

export function installInterrupt(onForce: (signal: NodeJS.Signals) => void): Interrupt {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) onForce(name);
    else controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Resolves when the signal fires (at once if it already has): the body of "run until interrupted". */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
