/**
 * The start / stop / stats control the streaming nodes share (actioncam-rtp-relay, actioncam-live):
 * the input command, the automatic start on deploy, a status refreshed while running ("waiting for
 * the camera" until video flows, or the link's own failure while it fails or reconnects), and a stop
 * bounded on close. Each node brings its runner (src/relay/runner.ts, src/live/runner.ts) and the
 * green status it shows while video flows.
 */
import type { Node, NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import { BadInputError } from '../../src/errors';
import type { CameraNodeKit, CameraNodeParts } from './camera-node';
import { describeValue } from './describe-value';
import { failOutside } from './failure';

/** What a streaming engine offers the node (RelayRunner and LiveRunner both do). */
export interface StreamRunner<E> {
  start(): Promise<E>;
  stop(): Promise<E>;
  describe(kind: 'stats'): E;
  /** Frames per second from the camera right now (0 = no video). */
  readonly fps: number;
}

export interface StreamControlOptions<E> {
  runner: StreamRunner<E>;
  /** The green status while video flows at `fps`. */
  flowing: (fps: number) => NodeStatus;
  /** The msg.payload for an event (the live node adds its stream and path). */
  payload?: (event: E) => unknown;
  /** Checked before every start and input: a node that cannot work at all (e.g. a taken stream name). */
  problem?: Error;
  /** Start when deployed (the node's "Start on deploy" box). */
  autoStart: boolean;
  /** More clean-up on close, before the runner stops (e.g. taking a route off the router). */
  onClose?: () => void;
}

/** The status is refreshed this often while running (viewers and frame rate change by themselves). */
export const STATUS_REFRESH_MS = 1000;
/** Stopping closes sockets and gives the preview back; bounded well inside Node-RED's 15 s close. */
export const STOP_BOUND_MS = 5000;

export type StreamCommand = 'start' | 'stop' | 'stats';

/** The input and close parts of a streaming node (setupCameraNode's `build` returns them). */
export function streamControl<E extends { event: string }>(RED: NodeAPI, node: Node, kit: CameraNodeKit, options: StreamControlOptions<E>): CameraNodeParts {
  const { t, board, closing } = kit;
  const { runner, problem } = options;
  const payload = options.payload ?? ((event: E) => event);
  let refresh: NodeJS.Timeout | undefined;

  const showRunning = (): void => {
    const fps = Math.round(runner.fps);
    if (fps > 0) return board.show(options.flowing(fps));
    // No video: while the link itself fails or reconnects, its status says why (nodes/lib/link-status.ts).
    const link = board.sessionStatus.fill;
    if (link === 'red' || link === 'yellow') board.clear();
    else board.show({ fill: 'yellow', shape: 'ring', text: t('status.waitingCamera') });
  };
  const running = (): void => {
    clearInterval(refresh);
    if (closing.aborted) return; // a start that finished after close: no timer for a closed node
    showRunning();
    refresh = setInterval(showRunning, STATUS_REFRESH_MS);
  };
  const stopped = (shown: boolean): void => {
    clearInterval(refresh);
    refresh = undefined;
    if (shown) board.show({ fill: 'grey', shape: 'ring', text: t('status.stopped') });
    else board.clear();
  };
  const start = async (): Promise<E> => {
    if (problem) throw problem;
    board.show({ fill: 'yellow', shape: 'ring', text: t('status.starting') });
    try {
      const event = await runner.start();
      running();
      return event;
    } catch (err) {
      stopped(false);
      throw err;
    }
  };

  let reportProblem: (() => void) | undefined;
  if (problem) {
    // Reported once the whole flow has started, so the Catch nodes of the tab are there to hear it.
    reportProblem = () => failOutside(node, board, problem);
    RED.events.once('flows:started', reportProblem);
    board.fail(problem);
  } else if (options.autoStart) {
    // On deploy: no input to answer, so the failure goes the outside-an-input way (failure.ts).
    start().then(
      (event) => {
        if (!closing.aborted) node.send({ payload: payload(event), topic: event.event } as NodeMessage);
      },
      (err: unknown) => {
        if (!closing.aborted) failOutside(node, board, err);
      },
    );
  }

  return {
    input: async (msg) => {
      const command = parseStreamCommand(msg.payload, t);
      if (problem) throw problem;
      let event: E;
      if (command === 'start') event = await start();
      else if (command === 'stop') {
        event = await runner.stop();
        stopped(true);
      } else event = runner.describe('stats');
      msg.payload = payload(event);
      return msg;
    },
    close: async () => {
      if (reportProblem) RED.events.removeListener('flows:started', reportProblem);
      clearInterval(refresh);
      refresh = undefined;
      options.onClose?.();
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_BOUND_MS)));
      await Promise.race([runner.stop(), bound]);
      clearTimeout(timer);
    },
  };
}

/** msg.payload "start" | "stop" | "stats" (any case, trimmed) or true / false. */
export function parseStreamCommand(payload: unknown, t: (key: string, vars?: Record<string, string>) => string): StreamCommand {
  if (payload === true) return 'start';
  if (payload === false) return 'stop';
  if (typeof payload === 'string') {
    const word = payload.trim().toLowerCase();
    if (word === 'start' || word === 'stop' || word === 'stats') return word;
  }
  throw new BadInputError(t('errors.badRelayCommand', { value: describeValue(payload) }));
}
