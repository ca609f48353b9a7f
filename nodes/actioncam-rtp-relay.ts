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
import { setupCameraNode } from './lib/camera-node';
import { MissingCameraError } from './lib/errors';
import { numberOr, portOr } from './lib/numbers';
import { streamControl } from './lib/stream-control';
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

export = function (RED: NodeAPI): void {
  function ActionCamRtpRelayNode(this: Node<RelayCredentials>, def: RelayDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const settings = readSettings(def, node.credentials ?? {});

    setupCameraNode(RED, node, def, (kit) => {
      const { t, camera, closing } = kit;
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
      return streamControl<RelayEvent>(RED, node, kit, {
        runner,
        autoStart: def.autoStart !== false,
        flowing: (fps) =>
          settings.mode === 'rtp'
            ? { fill: 'green', shape: 'dot', text: t('status.streaming', { fps }) }
            : { fill: 'green', shape: 'dot', text: t(runner.clients === 1 ? 'status.viewer' : 'status.viewers', { count: runner.clients, fps }) },
      });
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
