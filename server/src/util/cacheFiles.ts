import { createHash } from 'crypto';
import * as fs from 'fs';

/**
 * Writes a cache file so that a reader sees the old file or the new one, never half of one: the
 * data goes to a temporary file beside it, renamed over it. Throws if it cannot, leaving no
 * temporary file behind. (The parse, full-text and topics caches all write this way.)
 */
export function writeFileAtomically(file: string, data: string | Uint8Array): void {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, file);
  } catch (err) {
    try { fs.rmSync(temp, { force: true }); } catch { /* nothing more to do */ }
    throw err;
  }
}

/** A hash of a bundle's code: what a cache was written by, so that any other build ignores it. */
export function codeIdOf(bundle: string): string {
  return createHash('sha256').update(fs.readFileSync(bundle)).digest('hex');
}
