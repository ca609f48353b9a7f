/**
 * `actioncam simulate`: a camera on this machine for trying the CLI and the nodes without hardware.
 * Prints one JSON line with the ports it really listens on (port 0 = the system's choice), then runs
 * until SIGINT/SIGTERM.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BadInputError } from '../../errors';
import { Defaults } from '../../protocol/constants';
import { CameraSimulator } from '../../simulator';
import type { SimulatorOptions } from '../../simulator';
import type { CommandContext } from '../context';
import { untilAborted } from '../interrupt';

/** The camera's own ports, except HTTP: 80 needs root, so the simulator serves files on 8080. */
export const SIMULATOR_DEFAULTS = {
  host: '127.0.0.1',
  controlPort: Defaults.controlPort,
  httpPort: 8080,
  discoveryPorts: [...Defaults.discoveryPorts],
  previewPort: Defaults.previewPort,
} as const;

export async function simulateCommand(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  const options: SimulatorOptions = {
    host: args.host ?? SIMULATOR_DEFAULTS.host,
    controlPort: args.port ?? SIMULATOR_DEFAULTS.controlPort,
    httpPort: args.httpPort ?? SIMULATOR_DEFAULTS.httpPort,
    discoveryPorts: args.discoveryPorts ?? [...SIMULATOR_DEFAULTS.discoveryPorts],
    previewPort: args.previewPort ?? SIMULATOR_DEFAULTS.previewPort,
    logger: ctx.logger,
  };
  if (args.user !== undefined) options.username = args.user;
  if (args.password !== undefined) options.password = args.password;
  if (args.clip !== undefined) {
    const clipPath = resolve(args.clip);
    await access(clipPath).catch(() => {
      throw new BadInputError(`clip file ${clipPath} cannot be read`);
    });
    options.clipPath = clipPath;
  }
  const simulator = new CameraSimulator(options);
  try {
    const listening = await simulator.start();
    ctx.out.jsonLine({ ...listening, previewPort: options.previewPort });
    if (!ctx.out.json) {
      ctx.out.note(`simulating a camera on ${listening.host}:${listening.controlPort} (files on port ${listening.httpPort}); Ctrl+C stops it`);
    }
    await untilAborted(ctx.signal);
  } finally {
    await simulator.stop();
  }
}
