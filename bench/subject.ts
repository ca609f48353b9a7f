/**
 * Entry of a subject process (forked by ipc.ts): `node subject.js <kind> <json args>`. It starts the
 * code under measurement, says 'ready', and answers the parent: 'mark' starts a measurement, 'end'
 * returns it (probe.ts) with the subject's counters, 'stop' closes everything; the process then exits
 * by itself (nothing left open) or is killed by the parent.
 */
import type { ChildMessage, ParentMessage, SubjectKind } from './ipc';
import { Probe } from './probe';
import { startClipSubject, type ClipSubjectArgs } from './subjects/clip';
import { startForwarder } from './subjects/forwarder';
import { startLive } from './subjects/live';
import { startPipeline } from './subjects/pipeline';
import { startRtsp } from './subjects/rtsp';
import type { Subject } from './subjects/subject';

function start(kind: SubjectKind, args: Record<string, number>): Promise<Subject> {
  switch (kind) {
    case 'forwarder':
      return startForwarder(args.sinkPort);
    case 'pipeline':
      return startPipeline(args.sinkPort);
    case 'rtsp':
      return startRtsp(args.fps);
    case 'clip':
      return startClipSubject(args as unknown as ClipSubjectArgs);
    case 'live':
      return startLive(args.controlPort, args.previewPort);
  }
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const kind = process.argv[2] as SubjectKind;
  const args = JSON.parse(process.argv[3] ?? '{}') as Record<string, number>;
  const subject = await start(kind, args);
  const probe = new Probe();
  process.on('message', (message: ParentMessage) => {
    if (message.type !== 'call') return;
    void answer(message.cmd).then(
      (value) => send({ type: 'reply', id: message.id, ok: true, value }),
      (err: Error) => send({ type: 'reply', id: message.id, ok: false, error: err.message }),
    ).then(() => {
      if (message.cmd === 'stop') process.disconnect();
    });
  });
  // The parent going away (crash, Ctrl-C) must not leave this process behind.
  process.on('disconnect', () => void subject.close());

  async function answer(cmd: string): Promise<unknown> {
    switch (cmd) {
      case 'mark':
        subject.stats(); // resets per-phase counters where a subject keeps them
        probe.mark();
        return null;
      case 'end':
        return { probe: probe.end(), stats: subject.stats() };
      case 'stop':
        await subject.close();
        return null;
      default:
        if (subject.command) return subject.command(cmd);
        throw new Error(`unknown command ${cmd}`);
    }
  }
  send({ type: 'ready', info: subject.info });
}

main().catch((err: Error) => {
  process.stderr.write(`bench subject: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
