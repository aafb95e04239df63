import { createHash } from 'crypto';
import * as fs from 'fs';

/**
 * What the parse, full-text and topics caches share. One rule for all three: every cache file
 * carries a checksum of what it holds (checksum), checked before anything in it is used, and is
 * also checked for the shape the code relies on; a file that fails either is not used, its
 * content is made again from the source files and written over it, and the output channel says
 * so once. Files are written whole (writeFileAtomically), so a reader never sees half of one.
 */

/** SHA-256 of a cache file's body, base64. */
export function checksum(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

/**
 * A text cache file: its header as JSON on the first line, with the body's checksum added as
 * `sum`, then the body.
 */
export function sealText(header: object, body: string): string {
  return `${JSON.stringify({ ...header, sum: checksum(body) })}\n${body}`;
}

/**
 * The header and body of a sealText file. A header without `expected`'s values is `stale` (written
 * by another version, or for another file: an ordinary miss, checked before the checksum); one that
 * cannot be read, or a body that does not match its checksum, is a `problem`.
 */
export function openSealed(text: string, expected: Record<string, unknown>): { header: Record<string, unknown>; body: string } | { stale: true } | { problem: string } {
  const newline = text.indexOf('\n');
  if (newline < 0) return { problem: 'truncated' };
  let header: unknown;
  try {
    header = JSON.parse(text.slice(0, newline));
  } catch {
    return { problem: 'unreadable header' };
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) return { problem: 'unreadable header' };
  for (const [k, v] of Object.entries(expected)) if ((header as Record<string, unknown>)[k] !== v) return { stale: true };
  const body = text.slice(newline + 1);
  if ((header as { sum?: unknown }).sum !== checksum(body)) return { problem: 'damaged: its checksum does not match' };
  return { header: header as Record<string, unknown>, body };
}

/**
 * Writes a cache file so that a reader sees the old file or the new one, never half of one: the
 * data goes to a temporary file beside it, renamed over it. Throws if it cannot, leaving no
 * temporary file behind.
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
