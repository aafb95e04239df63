/**
 * Two 32-bit FNV-1a hashes with different primes and starting values, fed the same values one at a
 * time and joined into one 53-bit number (a double holds it exactly): a paper's stamp
 * (topicBatch.ts: stampOf) and its key's hash (keyHash). Plain functions, so that the loops that
 * call them keep both halves in locals.
 */
export const HASH53_A = 0x811c9dc5;
export const HASH53_B = 0x2f1b6c33;

export const stepA = (a: number, value: number): number => Math.imul(a ^ value, 0x01000193);
export const stepB = (b: number, value: number): number => Math.imul(b ^ value, 0x5bd1e995);

/** The two halves as one number below 2^53. */
export const joined53 = (a: number, b: number): number => (a >>> 0) * 0x200000 + ((b >>> 0) >>> 11);

/**
 * A paper's key as a 53-bit number, from its characters. It tells a paper from the others
 * (treeMemo.ts), and decides whether it is sampled (derivedTopics.ts: sampleOf).
 */
export function keyHash(key: string): number {
  let a = HASH53_A, b = HASH53_B;
  for (let j = 0; j < key.length; j++) {
    const c = key.charCodeAt(j);
    a = stepA(a, c);
    b = stepB(b, c);
  }
  return joined53(a, b);
}
