import type { Range } from '../util/text';
import { LineIndex, range } from '../util/text';

export type CitationSyntax = 'pandoc' | 'latex' | 'wikilink';
export type DocumentFlavor = 'markdown' | 'latex';

export interface Citation {
  key: string;
  range: Range;
  syntax: CitationSyntax;
}

export function flavorOf(pathOrLanguage: string): DocumentFlavor {
  return /(^latex$|^tex$|\.(tex|ltx|sty|cls)$)/i.test(pathOrLanguage) ? 'latex' : 'markdown';
}

/**
 * Every pattern here does bounded work per place it can start (keys, lists and arguments have a
 * longest length, and no repeated group can match the same text two ways), so scanning a line is
 * linear in its length whatever it holds: a line of 80,000 `[` or an unbalanced `\cite{a\cite{a…`
 * once took seconds to minutes.
 */
/** The longest key, wikilink target or label looked at; anything longer is not a citation (nor a note's key). */
export const MAX_KEY = 256;
/** The longest LaTeX key list `{a, b, …}` and optional argument `[…]`. */
const MAX_LIST = 4096;
const MAX_ARG = 256;

/** Characters pandoc allows inside a key; trailing ones of KEY_PUNCT belong to the sentence. */
const PANDOC = new RegExp(`(?<![\\p{L}\\p{N}_@.\\/:\\\\\`])(-?)@(?:\\{([^}\\s]{1,${MAX_KEY}})\\}|([\\p{L}\\p{N}_][\\p{L}\\p{N}_:.#$%&+?<>~\\/-]{0,${MAX_KEY - 1}}))`, 'gu');
const KEY_PUNCT = ':.#$%&+?<>~/-';
/** The command: any `\…cite…` (biblatex has dozens) or `\nocite`, then up to two optional arguments. */
const LATEX_COMMAND = `\\\\(?:[a-zA-Z]{0,24}cite[a-zA-Z]{0,24}|nocite)\\*?\\s*(?:\\[[^\\]\\n]{0,${MAX_ARG}}\\]\\s*){0,2}`;
const LATEX = new RegExp(`${LATEX_COMMAND}\\{([^}\\n\\\\]{0,${MAX_LIST}})\\}`, 'g');
const WIKILINK = new RegExp(`(?<!!)\\[\\[([^\\[\\]|#\\n]{1,${MAX_KEY}})(#[^\\[\\]|\\n]{0,${MAX_KEY}})?(\\|[^\\[\\]\\n]{0,${MAX_KEY}})?\\]\\]`, 'g');

/** A pandoc key without the sentence punctuation after it (a loop: a pattern anchored at the end rescans). */
function trimKeyPunctuation(key: string): string {
  let end = key.length;
  while (end > 0 && KEY_PUNCT.includes(key[end - 1])) end--;
  return key.slice(0, end);
}

/** Citations on one line; `line` is its number, used for ranges, and `offset` where `text` starts in it. */
export function findCitationsInLine(text: string, line: number, flavor: DocumentFlavor, offset = 0): Citation[] {
  const out: Citation[] = [];
  const push = (key: string, at: number, syntax: CitationSyntax) => out.push({ key, range: range(line, offset + at, line, offset + at + key.length), syntax });
  LATEX.lastIndex = 0;
  for (let m; (m = LATEX.exec(text)); ) {
    const listStart = m.index + m[0].length - 1 - m[1].length;
    let at = 0;
    for (const part of m[1].split(',')) {
      const key = part.trim();
      if (key) push(key, listStart + at + part.indexOf(key), 'latex');
      at += part.length + 1;
    }
  }
  if (flavor === 'latex') return out;
  WIKILINK.lastIndex = 0;
  for (let m; (m = WIKILINK.exec(text)); ) {
    const key = m[1].trim();
    if (key) push(key, m.index + 2 + m[1].indexOf(key), 'wikilink');
  }
  PANDOC.lastIndex = 0;
  for (let m; (m = PANDOC.exec(text)); ) {
    const braced = m[2];
    const key = braced ?? trimKeyPunctuation(m[3]);
    if (key) push(key, m.index + m[1].length + 1 + (braced ? 1 : 0), 'pandoc');
  }
  return out;
}

/**
 * Every citation in a document. Markdown: front matter, fenced code and inline code are skipped.
 * LaTeX: comments are skipped.
 */
export function findCitations(text: string, flavor: DocumentFlavor): Citation[] {
  const out: Citation[] = [];
  const lines = text.split('\n');
  let fence: string | undefined;
  let inFrontMatter = flavor === 'markdown' && /^---\s*$/.test(lines[0] ?? '');
  for (let i = inFrontMatter ? 1 : 0; i < lines.length; i++) {
    let line = lines[i].replace(/\r$/, '');
    if (inFrontMatter) {
      if (/^(---|\.\.\.)\s*$/.test(line)) inFrontMatter = false;
      continue;
    }
    if (flavor === 'markdown') {
      const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
      if (f) {
        if (!fence) fence = f[1];
        else if (f[1][0] === fence[0] && f[1].length >= fence.length) fence = undefined;
        continue;
      }
      if (fence) continue;
      if (line.length > 10000) continue; // a minified line is not prose
      line = blankInlineCode(line);
    } else {
      const c = /(?<!\\)%/.exec(line);
      if (c) line = line.slice(0, c.index);
    }
    if (!line.includes('@') && !line.includes('[[') && !line.includes('cite')) continue;
    out.push(...findCitationsInLine(line, i, flavor));
  }
  return out;
}

/**
 * Inline code spans (a run of backticks up to the next run of the same length) blanked out, in one
 * pass: the pattern this replaces, /(`+)(.*?)\1/, rescanned the rest of the line from every run.
 */
function blankInlineCode(line: string): string {
  if (!line.includes('`')) return line;
  const runs: { at: number; length: number }[] = [];
  for (let i = 0; i < line.length; ) {
    if (line.charCodeAt(i) !== 96) { i++; continue; }
    let j = i;
    while (j < line.length && line.charCodeAt(j) === 96) j++;
    runs.push({ at: i, length: j - i });
    i = j;
  }
  // For each run, the next run of the same length, which closes a span it opens.
  const closer = new Int32Array(runs.length).fill(-1);
  const laterOfLength = new Map<number, number>();
  for (let r = runs.length - 1; r >= 0; r--) {
    closer[r] = laterOfLength.get(runs[r].length) ?? -1;
    laterOfLength.set(runs[r].length, r);
  }
  let out = '';
  let from = 0;
  for (let r = 0; r < runs.length; r++) {
    if (closer[r] < 0) continue;
    const start = runs[r].at, end = runs[closer[r]].at + runs[closer[r]].length;
    out += line.slice(from, start) + ' '.repeat(end - start);
    from = end;
    r = closer[r];
  }
  return out + line.slice(from);
}

/**
 * How far from the cursor hover, definition and completion look: no citation is longer, and a
 * request on a line of megabytes then costs what one on a short line does.
 */
export const CURSOR_WINDOW = 2048;

/** The citation under the cursor, if any (the end of a key counts as on it). */
export function citationAt(lineText: string, line: number, character: number, flavor: DocumentFlavor): Citation | undefined {
  let from = Math.max(0, character - CURSOR_WINDOW);
  const to = Math.min(lineText.length, character + CURSOR_WINDOW);
  if (from > 0) {
    // Start at a space, so that the window does not begin in the middle of a key.
    const space = lineText.slice(from, character).search(/\s/);
    if (space >= 0) from += space;
  }
  return findCitationsInLine(lineText.slice(from, to), line, flavor, from)
    .find((c) => c.range.start.character <= character && character <= c.range.end.character);
}

export interface CompletionContext {
  syntax: CitationSyntax;
  /** What has been typed of the key so far. */
  prefix: string;
  /** Character where the key starts, for the replace range. */
  start: number;
}

const LATEX_OPEN = new RegExp(`${LATEX_COMMAND}\\{([^}\\n\\\\]*)$`);
const WIKI_OPEN = /(?<!!)\[\[([^\[\]|#\n]*)$/;
const PANDOC_OPEN = /(?:^|[\s\[;(])-?@\{?([\p{L}\p{N}_:.#$%&+?<>~\/-]*)$/u;

/** Is the cursor where a citation key is being typed? `before` is the line up to the cursor. */
export function completionContext(before: string, flavor: DocumentFlavor): CompletionContext | undefined {
  // Only the end of the line matters (see CURSOR_WINDOW); starts are given in the whole line.
  const cut = Math.max(0, before.length - CURSOR_WINDOW);
  const near = cut ? before.slice(cut) : before;
  const latex = LATEX_OPEN.exec(near);
  if (latex) {
    const list = latex[1];
    const lastPart = list.slice(list.lastIndexOf(',') + 1);
    const prefix = lastPart.trimStart();
    return { syntax: 'latex', prefix, start: before.length - prefix.length };
  }
  if (flavor === 'latex') return undefined;
  const wiki = WIKI_OPEN.exec(near);
  if (wiki) return { syntax: 'wikilink', prefix: wiki[1], start: before.length - wiki[1].length };
  const pandoc = PANDOC_OPEN.exec(near);
  if (pandoc && (cut === 0 || pandoc.index > 0)) return { syntax: 'pandoc', prefix: pandoc[1], start: before.length - pandoc[1].length };
  return undefined;
}

export { LineIndex };
