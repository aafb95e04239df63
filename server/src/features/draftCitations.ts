import type { Library, Paper } from '../model/library';
import type { Citation } from '../parse/citations';
import type { Position } from '../util/text';

/** The most papers and places per paper a draft's list holds (a generated draft may cite a million times). */
export const MAX_CITED_PAPERS = 2000;
export const MAX_PLACES = 100;

/** One paper a draft cites (or a key no paper has), with the keys it is cited by there and where. */
export interface CitedEntry {
  /** The paper's own key, or the key as written when no paper has it. */
  key: string;
  paper?: Paper;
  /** The keys the draft writes for it (two when it cites one paper under two keys). */
  written: string[];
  places: Position[];
  /** How many times the draft cites it (places holds the first MAX_PLACES). */
  count: number;
  /** Only wikilinks name it: links, which pandoc and LaTeX do not cite. */
  linkOnly: boolean;
}

/**
 * What a draft cites, each paper once, in the order the draft first cites it (a reader's order,
 * which is also the order of a numbered reference list): a paper cited under two keys is one entry,
 * an unknown key is an entry without a paper, and a wikilink to no paper is left out (it may link
 * any note, as diagnostics treat it).
 */
export function draftCitations(library: Library, citations: readonly Citation[]): { entries: CitedEntry[]; citations: number } {
  const byKey = new Map<string, CitedEntry>();
  const entries: CitedEntry[] = [];
  let counted = 0;
  for (const c of inTextOrder(citations)) {
    const paper = c.syntax === 'wikilink' ? library.linked(c.key) : library.get(c.key);
    if (!paper && c.syntax === 'wikilink') continue;
    counted++;
    const key = paper ? paper.key : c.key;
    let entry = byKey.get(key);
    if (!entry) {
      if (entries.length >= MAX_CITED_PAPERS) continue;
      entry = { key, paper, written: [], places: [], count: 0, linkOnly: true };
      byKey.set(key, entry);
      entries.push(entry);
    }
    entry.count++;
    if (c.syntax !== 'wikilink') entry.linkOnly = false;
    if (!entry.written.includes(c.key) && entry.written.length < 10) entry.written.push(c.key);
    if (entry.places.length < MAX_PLACES) entry.places.push(c.range.start);
  }
  return { entries, citations: counted };
}

/** Citations as the text has them (a line's are found syntax by syntax); sorted only when they are not already. */
function inTextOrder(citations: readonly Citation[]): readonly Citation[] {
  const before = (a: Citation, b: Citation) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
  for (let i = 1; i < citations.length; i++) if (before(citations[i - 1], citations[i]) > 0) return [...citations].sort(before);
  return citations;
}
