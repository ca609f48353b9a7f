/**
 * Seeded pseudo-random numbers for fuzz-style tests, so a failure reproduces: the same seed gives the
 * same bytes on every run and machine.
 */

/** mulberry32: a small seeded generator returning numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** 0 to maxLength random bytes (the length is random too). */
export function randomBytes(random: () => number, maxLength: number): Buffer {
  const out = Buffer.alloc(Math.floor(random() * (maxLength + 1)));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(random() * 256);
  return out;
}

/** A source of exactly n random bytes per call, from one seed. */
export function seededBytes(seed: number): (n: number) => Buffer {
  const random = seeded(seed);
  return (n: number) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
    return out;
  };
}
