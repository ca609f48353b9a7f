/** What bench/subject.ts needs from the code under measurement. */
export interface Subject {
  /** Sent to the parent with 'ready' (ports, URL). */
  readonly info: Record<string, unknown>;
  /** The subject's own counters, sent with the end-of-phase measurement. */
  stats(): Record<string, unknown>;
  /** A command of this subject's own (beyond mark, end and stop). */
  command?(cmd: string): Promise<unknown>;
  /** Closes every socket and timer, so the process can exit by itself. */
  close(): Promise<void>;
}
