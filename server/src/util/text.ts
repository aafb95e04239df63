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
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
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

/** arXiv ids mentioned in a note body: abs/pdf links and `arXiv:ID`. */
export function findArxivInText(text: string): string | undefined {
  const link = /arxiv\.org\/(?:abs|pdf|html)\/([a-z.\-]+\/\d{7}|\d{4}\.\d{4,5})/i.exec(text);
  if (link) return parseArxivId(link[1]);
  const tag = /\barXiv:\s*([a-z.\-]+\/\d{7}|\d{4}\.\d{4,5})/i.exec(text);
  return tag ? parseArxivId(tag[1]) : undefined;
}
