/**
 * The committed preview clip (src/simulator/assets/preview.h264) as every test suite needs it:
 * 320x240 Constrained Baseline, 15 fps, 60 frames, one slice per frame, SPS/PPS/SEI once at the
 * start, IDRs at frames 0, 15, 30 and 45, 4-byte start codes.
 *
 * Paths are found by walking up to the package root, so the helper works from dist/test/helpers/
 * and from a build placed elsewhere with ACTIONCAM_DIST alike.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitAccessUnits } from '../../src/media/h264/access-units';
import { splitAnnexB } from '../../src/media/h264/annexb';
import { NalType, containsIdr, nalType } from '../../src/media/h264/nal';
import type { AccessUnit, ParameterSets } from '../../src/media/types';

const PACKAGE_NAME = '@actioncam/node-red-actioncam';

/** 90 kHz ticks per frame at the clip's 15 fps. */
export const CLIP_FRAME_TICKS = 90000 / 15;
export const CLIP_FPS = 15;
export const CLIP_FRAMES = 60;
export const CLIP_IDR_FRAMES: readonly number[] = [0, 15, 30, 45];

let root: string | undefined;

/**
 * The package root: the nearest ancestor of this file holding our package.json, else of the
 * working directory (a build placed outside the tree with ACTIONCAM_DIST, run from the repo).
 */
export function repoRoot(): string {
  if (root === undefined) root = findPackageRoot(__dirname) ?? findPackageRoot(process.cwd());
  if (root === undefined) throw new Error(`no ${PACKAGE_NAME} package.json above ${__dirname} or ${process.cwd()}`);
  return root;
}

function findPackageRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Absolute path of the clip: the committed file in the source tree, or the copy the build places
 * in <dist>/src/simulator/assets/ when the tests run from a build outside the tree.
 */
export const CLIP_PATH: string = findClip();

function findClip(): string {
  const relative = path.join('src', 'simulator', 'assets', 'preview.h264');
  const besideBuild = path.resolve(__dirname, '..', '..', relative); // <dist>/test/helpers -> <dist>
  const inSource = findPackageRoot(__dirname) ?? findPackageRoot(process.cwd());
  if (inSource !== undefined && fs.existsSync(path.join(inSource, relative))) return path.join(inSource, relative);
  if (fs.existsSync(besideBuild)) return besideBuild;
  throw new Error(`preview clip not found (looked in the package root and at ${besideBuild})`);
}

export interface Clip {
  /** The whole Annex-B file. */
  bytes: Buffer;
  /** Its NAL units without start codes, in file order. */
  nalus: Buffer[];
  /** One per frame; timestamps CLIP_FRAME_TICKS apart from 0; keyframe set on IDR frames. */
  accessUnits: AccessUnit[];
  /** The SPS and PPS at the start of the clip. */
  parameterSets: ParameterSets;
}

let cached: Clip | undefined;

/** Loads and splits the clip once; callers must not modify the returned buffers. */
export function loadClip(): Clip {
  if (cached) return cached;
  const bytes = fs.readFileSync(CLIP_PATH);
  const nalus = splitAnnexB(bytes);
  const accessUnits = splitAccessUnits(nalus).map(
    (group, i): AccessUnit => ({ nalus: group, timestamp: i * CLIP_FRAME_TICKS, keyframe: containsIdr(group) }),
  );
  const sps = nalus.find((nal) => nalType(nal) === NalType.SPS);
  const pps = nalus.find((nal) => nalType(nal) === NalType.PPS);
  if (!sps || !pps) throw new Error(`${CLIP_PATH} holds no SPS/PPS`);
  cached = { bytes, nalus, accessUnits, parameterSets: { sps, pps } };
  return cached;
}
