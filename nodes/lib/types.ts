/**
 * Types shared by the Node-RED layer. Node files use `export =`, which cannot sit beside exported
 * types, so every type another file needs lives here.
 */
import type { Node, NodeDef, NodeStatus } from 'node-red';
import type { CameraSession } from '../../src/session/camera-session';
import type { LivePreview } from '../../src/preview/live-preview';

/** Credentials of the config node, stored by Node-RED outside flows.json. */
export interface CameraCredentials {
  username?: string;
  password?: string;
}

/** The editor properties of `actioncam-config` (docs/NODES.md). Numbers arrive as strings from old flows. */
export interface CameraConfigDef extends NodeDef {
  host: string;
  port: number | string;
  httpPort: number | string;
  previewPort: number | string;
  timeout: number | string;
  reconnect: boolean;
  /** Send the (experimental) SET_CLOCK after every login; missing in flows from before it existed. */
  setClock?: boolean;
}

/** Receives the status that follows the shared session's state (a user node shows it or overlays it). */
export type StatusListener = (status: NodeStatus) => void;

export interface SessionWaitOptions {
  signal?: AbortSignal;
  /** Upper bound on waiting for the session to be ready; default: connect plus login timeout. */
  timeoutMs?: number;
}

/** The runtime face of an `actioncam-config` node, as the action nodes see it. */
export interface CameraConfigNode extends Node<CameraCredentials> {
  readonly host: string;
  readonly httpPort: number;
  readonly previewPort: number;
  /** Request/connect timeout in ms. */
  readonly timeoutMs: number;
  /** Nodes using this camera, keyed by id. The name is what Node-RED looks for to route status and errors. */
  readonly users: Record<string, Node>;
  register(node: Node, onStatus?: StatusListener): void;
  deregister(node: Node, done: () => void, removed?: boolean): void;
  /** The shared session once it is ready; rejects when it does not get ready within the bound. */
  session(opts?: SessionWaitOptions): Promise<CameraSession>;
  /** The session once it is logged in, however long that takes (reconnects included); for listeners, not commands. */
  whenReady(signal: AbortSignal): Promise<CameraSession>;
  /** HTTP URL of a file on the camera's SD card. */
  fileUrl(path: string): string;
  /** The camera's live preview (one per camera, shared by every output); starts it for the first holder. */
  acquirePreview(): Promise<LivePreview>;
  /** Gives the preview back; the last holder stops it. Never rejects. */
  releasePreview(): Promise<void>;
}

/** Properties every action node that talks to a camera has. */
export interface CameraNodeDef extends NodeDef {
  camera: string;
}

/** A file on the camera as the nodes emit it. */
export interface CameraFile {
  path: string;
  name: string;
  size: number;
  url: string;
}
