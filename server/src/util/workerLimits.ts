/**
 * A small young generation for the parse, full-text and topics workers: they allocate in bursts (a
 * batch of files, a shard or a computation at a time), and at V8's default each grows a semi-space
 * pair of tens of MB that stays resident. For the two parse workers of a cold start at M this took
 * ~25 MB off the process's memory when its full text was ready (median of 5: 365 -> 341 MB), with
 * the scan as fast as before.
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };
