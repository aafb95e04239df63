import { ARXIV_DOI } from '../shared/rules';

/** Plain position types, structurally identical to LSP's, so pure modules need no LSP import. */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export function range(line: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line, character: startChar }, end: { line: endLine, character: endChar } };
}

export function lineRange(line: number, text: string): Range {
  return range(line, 0, line, text.length);
}

/** Maps offsets to positions for one text; built once per parse. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  positionAt(offset: number): Position {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

export function rangesOverlap(a: Range, b: Range): boolean {
  const before = (p: Position, q: Position) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function containsPosition(r: Range, p: Position): boolean {
  if (p.line < r.start.line || p.line > r.end.line) return false;
  if (p.line === r.start.line && p.character < r.start.character) return false;
  if (p.line === r.end.line && p.character > r.end.character) return false;
  return true;
}

/** Whitespace folded to single spaces, trimmed. */
export function foldSpace(text: string): string {
  // Only runs that are not already a single space are replaced: most of a text's spaces are, and
  // replacing each of them (a match and a copy per word) was a tenth of the scan.
  return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}

/** Title identity for merging: case, accents, punctuation and spacing do not matter. */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Levenshtein distance, giving up (returning max+1) once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  const m = a.length, n = b.length;
  if (Math.abs(m - n) > max) return max + 1;
  if (rowA.length <= n) { rowA = new Int32Array(n + 1); rowB = new Int32Array(n + 1); }
  // Only cells within `max` of the diagonal can lie on a path of cost <= max: the rest are "too far" (far).
  const far = max + 1;
  let prev = rowA, cur = rowB;
  for (let j = 0; j <= n; j++) prev[j] = j <= max ? j : far;
  for (let i = 1; i <= m; i++) {
    const from = Math.max(1, i - max), to = Math.min(n, i + max);
    cur[from - 1] = from === 1 && i <= max ? i : far;
    let rowMin = cur[from - 1];
    const c = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      let v = prev[j - 1] + (c === b.charCodeAt(j - 1) ? 0 : 1);
      if (prev[j] + 1 < v) v = prev[j] + 1;
      if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
      if (v > far) v = far;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (to < n) cur[to + 1] = far; // what the next row reads just past this row's band
    if (rowMin > max) return far;
    const t = prev; prev = cur; cur = t;
  }
  return prev[n];
}
/** editDistance's two rows, kept between calls (it runs once per key of a large library for one suggestion). */
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/**
 * editDistance from one string to many: for a pattern of up to 32 ASCII characters, Myers' bit-vector
 * algorithm (one column of the table per machine word: a few operations per character of the other
 * string), which is what makes checking every key of a large library for one unknown key quick.
 * Longer or non-ASCII patterns use editDistance.
 */
export class EditDistanceFrom {
  private readonly peq: Int32Array | undefined;

  constructor(private readonly pattern: string) {
    if (pattern.length === 0 || pattern.length > 32 || /[^\x00-\x7f]/.test(pattern)) return;
    this.peq = new Int32Array(128);
    for (let i = 0; i < pattern.length; i++) this.peq[pattern.charCodeAt(i)] |= 1 << i;
  }

  /** The distance to `text`, or max + 1 when it is more than `max`. */
  to(text: string, max: number): number {
    const peq = this.peq;
    const m = this.pattern.length, n = text.length;
    if (!peq) return editDistance(this.pattern, text, max);
    if (Math.abs(m - n) > max) return max + 1;
    const high = 1 << (m - 1);
    // Vertical deltas of the current column (+1 / -1 bits), and the bottom cell's value.
    let pv = -1, mv = 0, score = m;
    for (let j = 0; j < n; j++) {
      const c = text.charCodeAt(j);
      const eq = c < 128 ? peq[c] : 0;
      const xv = eq | mv;
      const xh = ((((eq & pv) + pv) | 0) ^ pv) | eq;
      let ph = mv | ~(xh | pv);
      let mh = pv & xh;
      if (ph & high) score++;
      else if (mh & high) score--;
      // The first row counts up (D[0][j] = j): a +1 comes in at the bottom of every shift.
      ph = (ph << 1) | 1;
      mh <<= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
      if (score - (n - 1 - j) > max) return max + 1; // each character left lowers the score by one at most
    }
    return score > max ? max + 1 : score;
  }
}

/** A URL from untrusted text, kept only if it is a plain http(s) URL; trailing sentence punctuation trimmed. */
export function cleanUrl(raw: string): string | undefined {
  let url = raw.replace(/^[<(\["']+/, '');
  for (;;) {
    const trimmed = url.replace(/[.,;:!?'"*]+$/, '');
    let next = trimmed;
    // A closing bracket at the end belongs to the sentence unless the URL opened one itself.
    if (/[)\]>]$/.test(next)) {
      const close = next[next.length - 1];
      const open = close === ')' ? '(' : close === ']' ? '[' : '<';
      if (count(next, open) < count(next, close)) next = next.slice(0, -1);
    }
    if (next === url) break;
    url = next;
  }
  if (!/^https?:\/\/[^\s<>"'`\\]+$/i.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  } catch {
    return undefined;
  }
  return url;
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

export function findUrls(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/https?:\/\/[^\s<>"'`]+/gi)) {
    const url = cleanUrl(m[0]);
    if (url && !out.includes(url)) out.push(url);
  }
  return out;
}

const ARXIV_NEW = /\b(\d{4}\.\d{4,5})(v\d+)?\b/;
const ARXIV_OLD = /\b([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(v\d+)?\b/;

/** An arXiv identifier without its version, or undefined. */
export function parseArxivId(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value);
  const m = ARXIV_NEW.exec(text) ?? ARXIV_OLD.exec(text);
  return m ? m[1] : undefined;
}

/** The arXiv id of an arXiv DOI (`10.48550/arXiv.2409.06543`: arXiv gives one to every paper, and Zotero keeps it). */
export function arxivOfDoi(doi: string | undefined): string | undefined {
  const m = doi ? ARXIV_DOI.exec(doi.trim()) : null;
  return m ? parseArxivId(m[1]) : undefined;
}

/** arXiv ids mentioned in a note body: abs/pdf links and `arXiv:ID`. */
export function findArxivInText(text: string): string | undefined {
  const link = /arxiv\.org\/(?:abs|pdf|html)\/([a-z.\-]+\/\d{7}|\d{4}\.\d{4,5})/i.exec(text);
  if (link) return parseArxivId(link[1]);
  const tag = /\barXiv:\s*([a-z.\-]+\/\d{7}|\d{4}\.\d{4,5})/i.exec(text);
  return tag ? parseArxivId(tag[1]) : undefined;
}
