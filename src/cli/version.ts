/** The package version for --version, read from the package.json above this file (src/ or dist/src/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = '@actioncam/node-red-actioncam';

export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (isPackage(pkg) && pkg.name === PACKAGE_NAME) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

function isPackage(value: unknown): value is { name: string; version: string } {
  return typeof value === 'object' && value !== null && 'name' in value && 'version' in value && typeof value.version === 'string';
}
