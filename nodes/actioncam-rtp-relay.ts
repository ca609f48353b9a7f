/**
 * actioncam-rtp-relay: the camera's live preview as an RTSP URL for many players (mode "rtsp") or
 * as plain RTP to one host:port with its SDP (mode "rtp").
 *
 * Input msg.payload "start" | "stop" | "stats" (or true / false): msg.payload = the relay event
 * {event, mode, url | sdp, clients, stats}. A start answers "waiting" until the camera's video flows,
 * then the node sends "started" by itself (and "waiting" again if the video stops). By itself it also
 * sends the event of an automatic start, "clients" when a player comes or goes, and "sdp" when the
 * stream's parameter sets change. Status: "3 viewers · 15 fps", "waiting for the camera" (or the
 * link's own failure), "stopped" after a stop. The engine is src/relay/runner.ts, which
 * `actioncam relay` / `actioncam rtsp` run as well.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { BadInputError } from '../src/errors';
import { setupCameraNode } from './lib/camera-node';
import { describeValue } from './lib/describe-value';
import { MissingCameraError } from './lib/errors';
import { failOutside } from './lib/failure';
import { numberOr, portOr } from './lib/numbers';
import { DEFAULT_RELAY_SETTINGS, RelayRunner } from '../src/relay/runner';
import type { RelayEvent, RelaySettings } from '../src/relay/runner';
import type { CameraNodeDef } from './lib/types';

interface RelayDef extends CameraNodeDef, NodeDef {
  mode: string;
  host: string;
  port: number | string;
  sdpFile: string;
  bind: string;
  rtspPort: number | string;
  path: string;
  autoStart: boolean;
  maxPayload: number | string;
}

interface RelayCredentials {
  rtspUser?: string;
  rtspPassword?: string;
}

/** docs/NODES.md defaults: an empty field means the relay's and the RTSP server's own default. */
const DEFAULTS = DEFAULT_RELAY_SETTINGS;
/** The status is refreshed this often while running (viewers and frame rate change by themselves). */
const STATUS_REFRESH_MS = 1000;
/** Stopping closes sockets and gives the preview back; bounded well inside Node-RED's 15 s close. */
const STOP_BOUND_MS = 5000;

type Command = 'start' | 'stop' | 'stats';

export = function (RED: NodeAPI): void {
  function ActionCamRtpRelayNode(this: Node<RelayCredentials>, def: RelayDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const settings = readSettings(def, node.credentials ?? {});
    let refresh: NodeJS.Timeout | undefined;

    setupCameraNode(RED, node, def, ({ t, board, camera, closing }) => {
      const runner = new RelayRunner(settings, {
        acquirePreview: async () => {
          if (!camera.config) throw new MissingCameraError(t('errors.noCamera'));
          return camera.config.acquirePreview();
        },
        releasePreview: async () => camera.config?.releasePreview(),
        setRecording: async (on) => {
          const { session } = await camera.connect(closing);
          await session.setRecording(on, { signal: closing });
        },
        onEvent: (event) => node.send({ payload: event, topic: event.event } as NodeMessage),
        logger: { debug: (m) => node.debug(m), info: (m) => node.log(m), warn: (m) => node.warn(m) },
      });

      const showRunning = (): void => {
        const fps = Math.round(runner.fps);
        if (fps === 0) {
          // No video: while the link itself fails or reconnects, its status says why (nodes/lib/link-status.ts).
          const link = board.sessionStatus.fill;
          if (link === 'red' || link === 'yellow') board.clear();
          else board.show({ fill: 'yellow', shape: 'ring', text: t('status.waitingCamera') });
        } else if (settings.mode === 'rtp') board.show({ fill: 'green', shape: 'dot', text: t('status.streaming', { fps }) });
        else board.show({ fill: 'green', shape: 'dot', text: t(runner.clients === 1 ? 'status.viewer' : 'status.viewers', { count: runner.clients, fps }) });
      };
      const running = (): void => {
        clearInterval(refresh);
        showRunning();
        refresh = setInterval(showRunning, STATUS_REFRESH_MS);
      };
      const stopped = (shown: boolean): void => {
        clearInterval(refresh);
        refresh = undefined;
        if (shown) board.show({ fill: 'grey', shape: 'ring', text: t('status.stopped') });
        else board.clear();
      };

      const start = async (): Promise<RelayEvent> => {
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

      if (def.autoStart !== false) {
        // On deploy: no input to answer, so the failure goes the outside-an-input way (failure.ts).
        start().then(
          (event) => node.send({ payload: event, topic: event.event } as NodeMessage),
          (err: unknown) => {
            if (!closing.aborted) failOutside(node, board, err);
          },
        );
      }

      return {
        input: async (msg) => {
          const command = parseCommand(msg.payload, t);
          let event: RelayEvent;
          if (command === 'start') event = await start();
          else if (command === 'stop') {
            event = await runner.stop();
            stopped(true);
          } else event = runner.describe('stats');
          msg.payload = event;
          return msg;
        },
        close: async () => {
          clearInterval(refresh);
          refresh = undefined;
          let timer: NodeJS.Timeout | undefined;
          const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_BOUND_MS)));
          await Promise.race([runner.stop(), bound]);
          clearTimeout(timer);
        },
      };
    });
  }

  RED.nodes.registerType<Node<RelayCredentials>, RelayDef, unknown, RelayCredentials>('actioncam-rtp-relay', ActionCamRtpRelayNode, {
    credentials: { rtspUser: { type: 'text' }, rtspPassword: { type: 'password' } },
  });
};

function readSettings(def: RelayDef, credentials: RelayCredentials): RelaySettings {
  const path = (def.path || '').trim() || DEFAULTS.path;
  const user = (credentials.rtspUser || '').trim();
  return {
    mode: def.mode === 'rtp' ? 'rtp' : 'rtsp',
    host: (def.host || '').trim() || DEFAULTS.host,
    port: portOr(def.port, DEFAULTS.port),
    sdpFile: (def.sdpFile || '').trim() || undefined,
    bind: (def.bind || '').trim() || DEFAULTS.bind,
    // 0 = any free port (the "started" event carries the real URL)
    rtspPort: Number(def.rtspPort) === 0 && String(def.rtspPort).trim() !== '' ? 0 : portOr(def.rtspPort, DEFAULTS.rtspPort),
    path: path.startsWith('/') ? path : `/${path}`,
    maxPayload: numberOr(def.maxPayload, DEFAULTS.maxPayload, 100),
    auth: user ? { username: user, password: credentials.rtspPassword ?? '' } : undefined,
  };
}

function parseCommand(payload: unknown, t: (key: string, vars?: Record<string, string>) => string): Command {
  if (payload === true) return 'start';
  if (payload === false) return 'stop';
  if (typeof payload === 'string') {
    const word = payload.trim().toLowerCase();
    if (word === 'start' || word === 'stop' || word === 'stats') return word;
  }
  throw new BadInputError(t('errors.badRelayCommand', { value: describeValue(payload) }));
}
