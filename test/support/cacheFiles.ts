import * as fs from 'fs';
import * as path from 'path';
import { bodySum, cacheFileName } from '../../server/src/runtime/cacheStore';
import { shardSetKey } from '../../server/src/search/shardFile';

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

/** The names the full-text workers' files of their whole shard sets could have (for up to 8 workers). */
export function setFileNames(): string[] {
  const names: string[] = [];
  for (let workers = 1; workers <= 8; workers++) for (let slot = 0; slot < workers; slot++) names.push(cacheFileName(shardSetKey(slot, workers), '.shard'));
  return names;
}

/** The full-text workers' sets' files in `storage`, by name, sorted. */
export function setFilesIn(storage: string): string[] {
  const names = new Set(setFileNames());
  return fs.readdirSync(storage).filter((n) => names.has(n)).sort();
}

/**
 * How many sets' files in `storage` the process `pid` holds open (Linux): a full-text worker whose
 * postings are at rest in its set's file reads them through a descriptor of it.
 */
export function setFilesOpenBy(pid: number, storage: string): number {
  const names = new Set(setFileNames());
  const dir = fs.realpathSync(storage);
  const fds = `/proc/${pid}/fd`;
  const links = fs.readdirSync(fds).map((fd) => { try { return fs.readlinkSync(path.join(fds, fd)); } catch { return ''; } });
  return links.filter((l) => path.dirname(l) === dir && names.has(path.basename(l))).length;
}
