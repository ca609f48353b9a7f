/**
 * One camera preview shared by every relay node of a camera.
 *
 * The camera streams to one fixed UDP port of the host that logged in (PROTOCOL.md §1, §4.5), so
 * there can be only one receiver per camera: the config node owns it through this class and hands
 * it to each relay node that acquires it. The first acquire binds the port and asks the session to
 * start the preview (the session re-sends START_PREVIEW after every reconnect); the last release
 * forgets the wish and frees the port. Snapshot, record and list-files keep using the same session.
 */
import type { Logger } from '../../src/logger';
import type { CameraSession } from '../../src/session/camera-session';
import { PreviewReceiver } from '../../src/session/preview-receiver';

export interface PreviewShareOptions {
  /** UDP port the camera sends the preview to (the config node's previewPort). */
  port: number;
  /** Address to bind; every interface by default, since the camera sends to our address on its network. */
  bindHost?: string;
  /** Accept datagrams only from the camera (a name is resolved when the receiver starts). */
  cameraHost: string;
  /** The camera's session, created (and connecting) if there is none yet. */
  session: () => CameraSession;
  /** The session if one exists; stopping the preview must not open one. */
  currentSession: () => CameraSession | undefined;
  logger?: Logger;
}

export class PreviewShare {
  private users = 0;
  private receiver: PreviewReceiver | undefined;
  private starting: Promise<PreviewReceiver> | undefined;

  constructor(private readonly options: PreviewShareOptions) {}

  /** How many relay nodes hold the preview. */
  get holders(): number {
    return this.users;
  }

  /** The running receiver; binds the port and starts the camera's preview for the first holder. */
  async acquire(): Promise<PreviewReceiver> {
    this.users += 1;
    try {
      const receiver = await (this.starting ??= this.start());
      this.options.session().startPreview();
      return receiver;
    } catch (err) {
      this.users -= 1;
      if (this.users === 0) await this.stop();
      throw err;
    }
  }

  /** Gives the preview back; the last holder stops it and frees the port. Never rejects. */
  async release(): Promise<void> {
    if (this.users === 0) return;
    this.users -= 1;
    if (this.users === 0) await this.stop();
  }

  /** Stops regardless of holders (the config node is closing). */
  async close(): Promise<void> {
    this.users = 0;
    await this.stop();
  }

  private async start(): Promise<PreviewReceiver> {
    const { port, bindHost, cameraHost, logger } = this.options;
    const receiver = new PreviewReceiver({
      host: bindHost ?? '0.0.0.0',
      port,
      cameraHost,
      logger,
    });
    try {
      await receiver.start();
    } catch (err) {
      this.starting = undefined;
      await receiver.stop();
      throw err;
    }
    this.receiver = receiver;
    return receiver;
  }

  private async stop(): Promise<void> {
    const pending = this.starting;
    this.starting = undefined;
    const receiver = this.receiver ?? (pending ? await pending.catch(() => undefined) : undefined);
    this.receiver = undefined;
    this.options.currentSession()?.stopPreview();
    if (receiver) await receiver.stop();
  }
}
