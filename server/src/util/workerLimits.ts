/**
 * A small young generation for the full-text and topics workers: they allocate in bursts (a shard
 * or a computation at a time), and at V8's default each grows a semi-space pair of tens of MB that
 * stays resident.
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };
