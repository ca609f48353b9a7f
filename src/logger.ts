/**
 * The logging seam. The library never writes to the console itself: Node-RED nodes pass their own
 * node.debug/log/warn, the CLI passes stderr when --verbose, tests pass a recorder.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
};
