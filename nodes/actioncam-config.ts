/**
 * actioncam-config: one camera (address, ports, credentials, timeouts). Owns the Camera (src/camera:
 * the single control session and the single live preview) every action node of that camera shares;
 * see nodes/lib/camera-link.ts for the Node-RED side (users, status, close).
 */
import type { Node, NodeAPI } from 'node-red';
import { SessionDefaults } from '../src/session/defaults';
import { Defaults } from '../src/protocol';
import { fileUrl } from '../src/http/download';
import { CameraLink } from './lib/camera-link';
import { registerDiscoverEndpoint } from './lib/discover-endpoint';
import { createTranslator } from './lib/i18n';
import { editorTimeout } from './lib/durations';
import { toError } from './lib/errors';
import { portOr } from './lib/numbers';
import type { CameraConfigDef, CameraConfigNode, CameraCredentials, SessionWaitOptions, StatusListener } from './lib/types';

/** docs/NODES.md default: what the camera gets to answer a connect, a login or a command (the session's own). */
const DEFAULT_TIMEOUT_MS = SessionDefaults.requestTimeoutMs;

export = function (RED: NodeAPI): void {
  // The Search button of this node's dialog (nodes/lib/discover-endpoint.ts).
  registerDiscoverEndpoint(RED);

  function ActionCamConfigNode(this: CameraConfigNode, def: CameraConfigDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const t = createTranslator(RED);
    const host = (def.host || '').trim() || Defaults.host;
    const port = portOr(def.port, Defaults.controlPort);
    // A timeout no timer can hold: logged now; every user shows it red and fails each action with it.
    let timeoutMs: number = DEFAULT_TIMEOUT_MS;
    let settingsError: Error | undefined;
    try {
      timeoutMs = editorTimeout(t, def.timeout, DEFAULT_TIMEOUT_MS, 'errors.badCameraTimeout', { camera: `${host}:${port}` });
    } catch (err) {
      settingsError = toError(err);
      node.error(settingsError);
    }
    const credentials: CameraCredentials = node.credentials ?? {};

    const previewPort = portOr(def.previewPort, Defaults.previewPort);
    const link = new CameraLink({
      t,
      preview: { port: previewPort },
      settingsError,
      // The wait the dialog shows is the wait a trigger gets for a logged-in camera (issue 9).
      readyTimeoutMs: timeoutMs,
      warn: (message) => node.warn(message),
      session: {
        host,
        port,
        username: credentials.username || Defaults.username,
        password: credentials.password || Defaults.password,
        connectTimeoutMs: timeoutMs,
        loginTimeoutMs: timeoutMs,
        requestTimeoutMs: timeoutMs,
        reconnect: def.reconnect !== false,
        setClockOnLogin: def.setClock === true, // experimental A011 (docs/PROTOCOL.md §10)
        logger: {
          debug: (message) => node.debug(message),
          info: (message) => node.log(message),
          warn: (message) => node.warn(message),
        },
      },
    });

    const httpPort = portOr(def.httpPort, Defaults.httpPort);
    Object.assign(node, {
      host,
      httpPort,
      previewPort,
      timeoutMs,
      users: link.users,
      register: (user: Node, onStatus?: StatusListener) => link.register(user, onStatus),
      deregister: (user: Node, done: () => void, removed?: boolean) => link.deregister(user, done, removed),
      session: (opts?: SessionWaitOptions) => link.session(opts),
      whenReady: (signal: AbortSignal) => link.whenReady(signal),
      fileUrl: (path: string) => fileUrl(host, httpPort, path),
      acquirePreview: () => link.camera.preview.acquire(),
      releasePreview: () => link.camera.preview.release(),
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      void link.close().then(done);
    });
  }

  RED.nodes.registerType<CameraConfigNode, CameraConfigDef, unknown, CameraCredentials>('actioncam-config', ActionCamConfigNode, {
    credentials: { username: { type: 'text' }, password: { type: 'password' } },
  });
};
