import * as fs from 'fs';
import * as path from 'path';
import { bodySum } from '../../server/src/runtime/cacheStore';

/**
 * A text cache file (header line, then body) with its body edited and its checksum made to match:
 * an entry that is whole but says something else, as tests use to see where a result came from.
 */
export function rewriteBody(text: string, edit: (body: string) => string): string {
  const newline = text.indexOf('\n');
  const body = edit(text.slice(newline + 1));
  return `${JSON.stringify({ ...JSON.parse(text.slice(0, newline)), sum: bodySum(body) })}\n${body}`;
}

/** The full-text workers' postings files at rest (`postings-<pid>-<thread>-<n>.bin`, in the text store) under a storage folder. */
export function postingFilesIn(storage: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file); else if (/^postings-.*\.bin$/.test(e.name)) found.push(file);
    }
  };
  walk(storage);
  return found;
}
