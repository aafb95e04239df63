import type { Library, Paper } from './library';
import { editDistance } from '../util/text';

/**
 * Ranks papers for what has been typed of a key: the key itself first, then title words, then
 * author names. Scans the in-memory list (no full-text index), so it answers during indexing.
 */
export function rankPapers(library: Library, typed: string, limit: number): { papers: Paper[]; total: number } {
  const q = typed.toLowerCase();
  const all = library.papers();
  if (q === '') {
    const sorted = sortedByKey(library);
    return { papers: sorted.slice(0, limit), total: sorted.length };
  }
  const scored: { paper: Paper; score: number }[] = [];
  for (const paper of all) {
    const score = matchScore(paper, q);
    if (score > 0) scored.push({ paper, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.paper.key < b.paper.key ? -1 : a.paper.key > b.paper.key ? 1 : 0));
  return { papers: scored.slice(0, limit).map((s) => s.paper), total: scored.length };
}

export function matchScore(paper: Paper, q: string): number {
  const m = paper.match;
  // One native substring test rejects most papers before any per-word work.
  if (!m.haystack.includes(q)) return 0;
  if (m.key === q) return 1000;
  if (m.key.startsWith(q)) return 900 - Math.min(99, m.key.length - q.length);
  for (const a of m.aliases) if (a.startsWith(q)) return 800 - Math.min(99, a.length - q.length);
  let best = 0;
  for (const w of m.titleWords) if (w.startsWith(q)) { best = Math.max(best, w === q ? 700 : 650); }
  if (best) return best;
  for (const w of m.authorWords) if (w.startsWith(q)) return w === q ? 600 : 550;
  if (q.length >= 3) {
    if (m.key.includes(q)) return 400;
    for (const w of m.titleWords) if (w.includes(q)) return 300;
  }
  return 0;
}

const sortedCache = new WeakMap<Library, { version: number; list: Paper[] }>();
function sortedByKey(library: Library): Paper[] {
  const cached = sortedCache.get(library);
  if (cached && cached.version === library.version) return cached.list;
  const list = [...library.papers()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  sortedCache.set(library, { version: library.version, list });
  return list;
}

/** The closest known keys to an unknown one: edit distance, then shared prefix. */
export function suggestKeys(library: Library, unknown: string, limit = 3): string[] {
  const q = unknown.toLowerCase();
  const max = Math.max(2, Math.floor(q.length / 3));
  const qParts = keyParts(q);
  const found: { key: string; d: number }[] = [];
  for (const key of library.keys()) {
    const k = key.toLowerCase();
    let d = editDistance(q, k, max);
    if (d > max && q.length >= 4 && (k.startsWith(q) || q.startsWith(k))) d = max;
    if (d > max && qParts.length > 1 && qParts.every((p) => k.includes(p))) {
      // The same words in another order (truthfulqa2022lin for lin2022truthfulqa) count as close.
      const shared = keyParts(k).filter((p) => qParts.includes(p)).length;
      if (shared === qParts.length) d = 1;
      else if (shared * 2 >= qParts.length + 1) d = max;
    }
    if (d <= max) found.push({ key, d });
  }
  found.sort((a, b) => a.d - b.d || a.key.length - b.key.length || (a.key < b.key ? -1 : 1));
  // Prefer a paper's primary key over its alias when both are equally close.
  const out: string[] = [];
  for (const f of found) {
    const primary = library.get(f.key)?.key ?? f.key;
    const pick = found.some((g) => g.key === primary && g.d <= f.d) ? primary : f.key;
    if (!out.includes(pick)) out.push(pick);
    if (out.length >= limit) break;
  }
  return out;
}

/** A key's words and numbers: lin2022truthfulqa -> lin, 2022, truthfulqa. */
function keyParts(key: string): string[] {
  return key.match(/[a-z]+|\d+/g)?.filter((p) => p.length > 1) ?? [];
}
