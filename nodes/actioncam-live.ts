/**
 * actioncam-live: the camera's live preview in any web browser, served by Node-RED's own HTTP server
 * (the one of the HTTP nodes: httpNodeRoot, httpNodeAuth, httpNodeMiddleware and TLS apply) at
 * `<httpNodeRoot>/actioncam/<stream>/`: the page at `/`, the live fMP4 at `stream.mp4`, HLS at
 * `index.m3u8`. A Dashboard 2 `ui-template` shows it with an iframe (examples/).
 *
 * Input msg.payload "start" | "stop" | "stats" (or true / false): msg.payload = the live event
 * {event, stream, path, viewers, stats}. By itself the node sends the "started" event of an
 * automatic start and a "viewers" event when a stream.mp4 viewer comes or goes. Status:
 * "2 viewers · 15 fps". The engine is src/live/runner.ts, which `actioncam live` runs as well.
 *
 * Routes: mounted once when the node is created and taken off the router when it closes (no
 * stale route after a redeploy); while stopped they answer 503. Stream names are unique in the
 * runtime: a second node with the same name fails with a clear error and serves nothing.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { BadInputError } from '../src/errors';
import { LiveDefaults } from '../src/live/defaults';
import { LiveRunner, type LiveEvent } from '../src/live/runner';
import { setupCameraNode } from './lib/camera-node';
import { describeValue } from './lib/describe-value';
import { MissingCameraError } from './lib/errors';
import { failOutside } from './lib/failure';
import { httpNodePath, mountOnHttpNode, type MountedHandler } from './lib/http-mount';
import { numberOr } from './lib/numbers';
import type { CameraNodeDef } from './lib/types';

interface LiveDef extends CameraNodeDef, NodeDef {
  stream: string;
  autoStart: boolean;
  maxViewers: number | string;
}

/** What a stream name may be: one URL path segment that needs no escaping (docs/NODES.md). */
const STREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** docs/NODES.md default. */
const DEFAULT_STREAM = 'camera';
/** Most viewers a user may allow: each costs a socket and up to LiveDefaults.viewerQueueBytes. */
const MAX_VIEWERS_LIMIT = 64;
/** The status is refreshed this often while running (viewers and frame rate change by themselves). */
const STATUS_REFRESH_MS = 1000;
/** Stopping closes the viewers and gives the preview back; bounded well inside Node-RED's 15 s close. */
const STOP_BOUND_MS = 5000;

type Command = 'start' | 'stop' | 'stats';

export = function (RED: NodeAPI): void {
  /** Stream names in use in this runtime, to the id of the node that serves each. */
  const streams = new Map<string, string>();

  function ActionCamLiveNode(this: Node, def: LiveDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const stream = String(def.stream ?? '').trim() || DEFAULT_STREAM;
    const maxViewers = Math.min(MAX_VIEWERS_LIMIT, Math.floor(numberOr(def.maxViewers, LiveDefaults.maxViewers, 1)));
    const path = `/actioncam/${stream}`;
    let refresh: NodeJS.Timeout | undefined;
    let unmount: (() => void) | undefined;

    setupCameraNode(RED, node, def, ({ t, board, camera, closing }) => {
      const runner = new LiveRunner(
        { title: def.name || stream, maxViewers },
        {
          acquirePreview: async () => {
            if (!camera.config) throw new MissingCameraError(t('errors.noCamera'));
            return camera.config.acquirePreview();
          },
          releasePreview: async () => camera.config?.releasePreview(),
          onEvent: (event) => node.send({ payload: withPath(event), topic: event.event } as NodeMessage),
          logger: { debug: (m) => node.debug(m), info: (m) => node.log(m), warn: (m) => node.warn(m) },
        },
      );
      const publicPath = `${httpNodePath(RED, path)}/`;
      const withPath = (event: LiveEvent): LiveEvent & { stream: string; path: string } => ({ ...event, stream, path: publicPath });

      // Claim the name and the route; a problem here is the node's state, reported on deploy and on every input.
      let problem: Error | undefined;
      if (!STREAM_NAME.test(stream)) problem = new BadInputError(t('errors.badStreamName', { value: describeValue(def.stream) }));
      else if (streams.has(stream)) problem = new BadInputError(t('errors.streamTaken', { stream }));
      else {
        const handler: MountedHandler = (req, res) => {
          const url = req.url ?? '/';
          // `/actioncam/cam` without the slash: the page's relative URLs need it.
          if ((url === '/' || url.startsWith('/?')) && !String(req.originalUrl ?? '').split('?')[0].endsWith('/')) {
            res.writeHead(301, { Location: `${req.baseUrl ?? publicPath.slice(0, -1)}/${url.slice(1)}`, 'Content-Length': 0 });
            res.end();
            return;
          }
          runner.handle(req, res, url);
        };
        unmount = mountOnHttpNode(RED, path, handler);
        if (unmount) streams.set(stream, node.id);
        else problem = new BadInputError(t('errors.httpNodeDisabled'));
      }

      const showRunning = (): void => {
        const fps = Math.round(runner.fps);
        if (fps === 0) board.show({ fill: 'yellow', shape: 'ring', text: t('status.waitingVideo') });
        else board.show({ fill: 'green', shape: 'dot', text: t(runner.viewers === 1 ? 'status.viewer' : 'status.viewers', { count: runner.viewers, fps }) });
      };
      const running = (): void => {
        clearInterval(refresh);
        if (closing.aborted) return; // a start that finished after close: no timer for a closed node
        showRunning();
        refresh = setInterval(showRunning, STATUS_REFRESH_MS);
      };
      const stopped = (): void => {
        clearInterval(refresh);
        refresh = undefined;
        board.clear();
      };
      const start = async (): Promise<LiveEvent> => {
        if (problem) throw problem;
        board.show({ fill: 'yellow', shape: 'ring', text: t('status.starting') });
        try {
          const event = await runner.start();
          running();
          return event;
        } catch (err) {
          stopped();
          throw err;
        }
      };

      let reportProblem: (() => void) | undefined;
      if (problem) {
        // After the whole flow has started, so the Catch nodes of the tab are there to hear it.
        const failure = problem;
        reportProblem = () => failOutside(node, board, failure);
        RED.events.once('flows:started', reportProblem);
        board.fail(failure);
      } else if (def.autoStart !== false) {
        // On deploy: no input to answer, so the failure goes the outside-an-input way (failure.ts).
        start().then(
          (event) => node.send({ payload: withPath(event), topic: event.event } as NodeMessage),
          (err: unknown) => {
            if (!closing.aborted) failOutside(node, board, err);
          },
        );
      }

      return {
        input: async (msg) => {
          const command = parseCommand(msg.payload, t);
          if (problem) throw problem;
          let event: LiveEvent;
          if (command === 'start') event = await start();
          else if (command === 'stop') {
            event = await runner.stop();
            stopped();
          } else event = runner.describe('stats');
          msg.payload = withPath(event);
          return msg;
        },
        close: async () => {
          if (reportProblem) RED.events.removeListener('flows:started', reportProblem);
          clearInterval(refresh);
          refresh = undefined;
          unmount?.();
          unmount = undefined;
          if (streams.get(stream) === node.id) streams.delete(stream);
          let timer: NodeJS.Timeout | undefined;
          const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_BOUND_MS)));
          await Promise.race([runner.stop(), bound]);
          clearTimeout(timer);
        },
      };
    });
  }

  RED.nodes.registerType('actioncam-live', ActionCamLiveNode);
};

function parseCommand(payload: unknown, t: (key: string, vars?: Record<string, string>) => string): Command {
  if (payload === true) return 'start';
  if (payload === false) return 'stop';
  if (typeof payload === 'string') {
    const word = payload.trim().toLowerCase();
    if (word === 'start' || word === 'stop' || word === 'stats') return word;
  }
  throw new BadInputError(t('errors.badRelayCommand', { value: describeValue(payload) }));
}
