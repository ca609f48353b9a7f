/**
 * Mounting a handler on Node-RED's own HTTP server for the HTTP nodes (RED.httpNode, the express
 * app under `httpNodeRoot`), so `httpNodeAuth`, `httpNodeMiddleware`, `httpNodeCors` and TLS apply
 * as they do to an http-in node, and taking it off again on close: a redeploy must leave no stale
 * route behind (the core http-in node removes its routes from the router stack the same way,
 * @node-red/nodes/core/network/21-httpin.js).
 *
 * `app.use(path, fn)` is used because it means the same in Express 4 (Node-RED 3 and 4) and
 * Express 5 (Node-RED 5): everything under `path`, with `path` stripped from req.url. The router's
 * stack is `app._router.stack` in Express 4 and `app.router.stack` in Express 5.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { NodeAPI } from 'node-red';

/** An express request as far as this package reads it. */
export interface MountedRequest extends IncomingMessage {
  /** The mount path as matched, httpNodeRoot included ('/root/actioncam/cam'). */
  baseUrl?: string;
  originalUrl?: string;
}

export type MountedHandler = (req: MountedRequest, res: ServerResponse, next: (err?: unknown) => void) => void;

interface Layer {
  handle?: unknown;
}
interface ExpressApp {
  use(path: string, fn: MountedHandler): unknown;
  _router?: { stack?: Layer[] };
  router?: { stack?: Layer[] };
}

/** RED.httpNode, or undefined when the HTTP nodes are disabled (httpNodeRoot: false). */
function httpNodeApp(RED: NodeAPI): ExpressApp | undefined {
  const app = (RED as unknown as { httpNode?: ExpressApp }).httpNode;
  return app && typeof app.use === 'function' ? app : undefined;
}

/** The stack of the app's router (Express 4 or 5); undefined before the first route. */
export function routerStack(RED: NodeAPI): Layer[] | undefined {
  const app = httpNodeApp(RED);
  if (!app) return undefined;
  let router: { stack?: Layer[] } | undefined;
  try {
    router = app._router ?? app.router;
  } catch {
    router = undefined; // Express 5 throws on the removed app._router getter in some versions
  }
  return router?.stack;
}

/**
 * Mounts `handler` at `path` on RED.httpNode. Returns the function that takes it off again, or
 * undefined when Node-RED serves no HTTP nodes.
 */
export function mountOnHttpNode(RED: NodeAPI, path: string, handler: MountedHandler): (() => void) | undefined {
  const app = httpNodeApp(RED);
  if (!app) return undefined;
  app.use(path, handler);
  return () => {
    const stack = routerStack(RED);
    if (!stack) return;
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i].handle === handler) stack.splice(i, 1);
    }
  };
}

/** Counts the layers of RED.httpNode whose handler is `handler` (tests: no stale route after a redeploy). */
export function mountedCount(RED: NodeAPI, handler: unknown): number {
  return (routerStack(RED) ?? []).filter((layer) => layer.handle === handler).length;
}

/** The path a browser uses for `path` under httpNodeRoot ('/' by default). */
export function httpNodePath(RED: NodeAPI, path: string): string {
  const root = String((RED.settings as unknown as { httpNodeRoot?: string | false }).httpNodeRoot || '/');
  return `${root.replace(/\/+$/, '')}${path}`;
}
