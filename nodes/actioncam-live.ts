/**
 * actioncam-live: the camera's live preview in any web browser, served by Node-RED's own HTTP server
 * (the one of the HTTP nodes: httpNodeRoot, httpNodeAuth, httpNodeMiddleware and TLS apply) at
 * `<httpNodeRoot>/actioncam/<stream>/`: the page at `/`, the live fMP4 at `stream.mp4`, HLS at
 * `index.m3u8`. A Dashboard 2 `ui-template` shows it with an iframe (examples/).
 *
 * Input msg.payload "start" | "stop" | "stats" (or true / false): msg.payload = the live event
 * {event, stream, path, viewers, stats}. By itself the node sends the "started" event of an
 * automatic start and a "viewers" event when a stream.mp4 viewer comes or goes. Status:
 * "2 viewers · 15 fps", "waiting for the camera" (nodes/lib/stream-control.ts). The engine is src/live/runner.ts, which `actioncam live` runs as well.
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
import { httpNodePath, mountOnHttpNode, type MountedHandler } from './lib/http-mount';
import { numberOr } from './lib/numbers';
import { streamControl } from './lib/stream-control';
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
export = function (RED: NodeAPI): void {
  /** Stream names in use in this runtime, to the id of the node that serves each. */
  const streams = new Map<string, string>();

  function ActionCamLiveNode(this: Node, def: LiveDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const stream = String(def.stream ?? '').trim() || DEFAULT_STREAM;
    const maxViewers = Math.min(MAX_VIEWERS_LIMIT, Math.floor(numberOr(def.maxViewers, LiveDefaults.maxViewers, 1)));
    const path = `/actioncam/${stream}`;
    let unmount: (() => void) | undefined;

    setupCameraNode(RED, node, def, (kit) => {
      const { t, camera } = kit;
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

      return streamControl<LiveEvent>(RED, node, kit, {
        runner,
        problem,
        autoStart: def.autoStart !== false,
        payload: withPath,
        flowing: (fps) => ({ fill: 'green', shape: 'dot', text: t(runner.viewers === 1 ? 'status.viewer' : 'status.viewers', { count: runner.viewers, fps }) }),
        onClose: () => {
          unmount?.();
          unmount = undefined;
          if (streams.get(stream) === node.id) streams.delete(stream);
        },
      });
    });
  }

  RED.nodes.registerType('actioncam-live', ActionCamLiveNode);
};
