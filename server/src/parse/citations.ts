import type { Range } from '../util/text';
import { LineIndex, range } from '../util/text';

export type CitationSyntax = 'pandoc' | 'latex' | 'wikilink' | 'org';
export type DocumentFlavor = 'markdown' | 'latex' | 'org';

export interface Citation {
  key: string;
  range: Range;
  syntax: CitationSyntax;
}

export function flavorOf(pathOrLanguage: string): DocumentFlavor {
  if (/(^org$|\.org$)/i.test(pathOrLanguage)) return 'org';
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
/**
 * An optional argument, `[…]`, which may hold a braced group with brackets in it (`[{[}a{]}]`), as
 * one level of braces. No two of its alternatives start alike, so it is matched in linear time.
 */
const OPTIONAL = `\\[(?:[^\\]\\n{]|\\{[^}\\n]{0,${MAX_ARG}}\\}){0,${MAX_ARG}}\\]\\s*`;
/**
 * The command: any `\…cite…` or `\…Cite…` (biblatex has dozens) or `\nocite`, then biblatex's
 * multicite notes `(…)(…)`, apacite's prenote `<…>`, and up to two optional arguments. A command
 * ending in `cites` (`\cites`, `\autocites`, `\parencites`) takes several key lists, each with its
 * own optional arguments.
 */
const LATEX_COMMAND = `\\\\((?:[a-zA-Z]{0,24}[cC]ite[a-zA-Z]{0,24}|nocite))\\*?\\s*(?:\\([^)\\n]{0,${MAX_ARG}}\\)\\s*){0,2}(?:<[^>\\n]{0,${MAX_ARG}}>\\s*)?(?:${OPTIONAL}){0,2}`;
const LATEX = new RegExp(`${LATEX_COMMAND}\\{([^}\\n\\\\]{0,${MAX_LIST}})\\}`, 'g');
/** One more key list of a `…cites` command, right where the last one ended. */
const LATEX_NEXT_LIST = new RegExp(`\\s*(?:${OPTIONAL}){0,2}\\{([^}\\n\\\\]{0,${MAX_LIST}})\\}`, 'y');
/**
 * Cross-references, which pandoc-crossref and Quarto write like citations (`@fig-a`, `[@tbl:b]`), and
 * `\nocite{*}`: not citations.
 */
const NOT_A_CITATION = /^(?:(?:fig|tbl|sec|eq|lst)[-:].|\*$)/;
/** `[[key]]`, `[[key#heading]]`, `[[key|label]]`, and embeds `![[key]]`; `[[@key]]` is the pandoc citation inside it. */
/** Links to pictures, PDFs and other attachments, which name files, not papers. */
const ATTACHMENT = /\.(png|jpe?g|gif|svg|webp|bmp|pdf|mp[34]|webm|wav|canvas|excalidraw)$/i;
const WIKILINK = new RegExp(`\\[\\[([^\\[\\]|#\\n]{1,${MAX_KEY}})(#[^\\[\\]|\\n]{0,${MAX_KEY}})?(\\|[^\\[\\]\\n]{0,${MAX_KEY}})?\\]\\]`, 'g');

/**
 * Org mode. org-cite (Org 9.5+, and what pandoc reads): `[cite:@a]`, `[cite/t:see @a p. 3; @b]`;
 * a citation may go on over lines (Emacs fills paragraphs). Keys as Org's parser takes them.
 */
const ORG_KEY = `[\\p{L}\\p{N}_\\-.:?!\`'/*@+|(){}<>&^$#%~]{1,${MAX_KEY}}`;
const ORG_CITE_OPEN = /\[cite(?:\/[\w/-]{0,64})?:/g;
/** A reference's key in an org-cite: at the start of the citation, or after a space or `;`. */
const ORG_CITE_KEY = new RegExp(`(?:^|[\\s;])@(${ORG_KEY})`, 'gu');
/**
 * org-ref's links: `cite:a,b` (version 2, which pandoc reads too) and `cite:&a;&b` (version 3), for
 * its link types (`citep`, `citeauthor`, `parencite`, `Textcite`, `citet*`, …; not `excite:`), bare
 * or in brackets (`[[citep:see &a p. 3;&b][desc]]`, which may hold spaces).
 */
const ORG_REF_TYPE = '(?:[nN]o|[pP]aren|[tT]ext|[fF]oot|[fF]oottext|[aA]uto|[sS]mart|[fF]ull|[sS]uper)?[cC]ite[a-zA-Z]{0,16}\\*?:';
const ORG_REF = new RegExp(`(?<![\\p{L}\\p{N}_\\\\\\[-])(${ORG_REF_TYPE})([^\\s\\]\\[]{1,${MAX_LIST}})`, 'gu');
const ORG_REF_LINK = new RegExp(`\\[\\[(${ORG_REF_TYPE})([^\\]\\n]{1,${MAX_LIST}})\\]`, 'g');
const ORG_REF_V3_KEY = new RegExp(`&(${ORG_KEY.replace('&', '')})`, 'gu');
/** A whole org-ref version 2 key. */
const ORG_REF_V2_KEY_WHOLE = /^[\p{L}\p{N}_][\p{L}\p{N}_:.\/+-]{0,255}$/u;

/**
 * A pandoc key without the sentence punctuation after it (a loop: a pattern anchored at the end
 * rescans), nor an HTML tag right after it (`@key</span>`, `@key<br>`: pandoc reads the tag as
 * HTML, though `<` may be inside a key).
 */
function trimKeyPunctuation(key: string): string {
  const tag = key.search(/<[/a-zA-Z]/);
  let end = tag < 0 ? key.length : tag;
  while (end > 0 && KEY_PUNCT.includes(key[end - 1])) end--;
  return key.slice(0, end);
}

/**
 * Citations on one line; `line` is its number, used for ranges, and `offset` where `text` starts in
 * it. `continued`: the line starts inside an org-cite citation opened on a line before.
 */
export function findCitationsInLine(text: string, line: number, flavor: DocumentFlavor, offset = 0, continued = false): Citation[] {
  return citationsInLine(text, line, flavor, offset, continued).citations;
}

/** findCitationsInLine, and whether an org line ends inside an org-cite citation (its `]` on a line after). */
function citationsInLine(text: string, line: number, flavor: DocumentFlavor, offset: number, continued: boolean): { citations: Citation[]; open: boolean } {
  const out: Citation[] = [];
  const push = (key: string, at: number, syntax: CitationSyntax): void => {
    if (!NOT_A_CITATION.test(key)) out.push({ key, range: range(line, offset + at, line, offset + at + key.length), syntax });
  };
  const pushList = (list: string, listStart: number) => {
    let at = 0;
    for (const part of list.split(',')) {
      const key = part.trim();
      if (key) push(key, listStart + at + part.indexOf(key), 'latex');
      at += part.length + 1;
    }
  };
  LATEX.lastIndex = 0;
  for (let m; (m = LATEX.exec(text)); ) {
    pushList(m[2], m.index + m[0].length - 1 - m[2].length);
    if (!/cites$/i.test(m[1])) continue;
    LATEX_NEXT_LIST.lastIndex = LATEX.lastIndex;
    for (let n; (n = LATEX_NEXT_LIST.exec(text)); LATEX.lastIndex = LATEX_NEXT_LIST.lastIndex) pushList(n[1], n.index + n[0].length - 1 - n[1].length);
  }
  if (flavor === 'latex') return { citations: out, open: false };
  if (flavor === 'org') {
    const open = orgCitations(text, continued, push);
    return { citations: out.sort((a, b) => a.range.start.character - b.range.start.character), open };
  }
  WIKILINK.lastIndex = 0;
  for (let m; (m = WIKILINK.exec(text)); ) {
    const key = m[1].trim();
    if (key && !key.startsWith('@') && !ATTACHMENT.test(key)) push(key, m.index + 2 + m[1].indexOf(key), 'wikilink');
  }
  PANDOC.lastIndex = 0;
  for (let m; (m = PANDOC.exec(text)); ) {
    const braced = m[2];
    const key = braced ?? trimKeyPunctuation(m[3]);
    if (key) push(key, m.index + m[1].length + 1 + (braced ? 1 : 0), 'pandoc');
  }
  return { citations: out, open: false };
}

/**
 * The org-cite and org-ref citations of an org line, given to `push`; returns whether the line ends
 * inside an org-cite citation (its `]` is on a line after). `continued`: it starts inside one.
 */
function orgCitations(text: string, continued: boolean, push: (key: string, at: number, syntax: CitationSyntax) => void): boolean {
  const spans: [number, number][] = [];
  let from = 0;
  let open = false;
  if (continued) {
    const close = text.indexOf(']');
    spans.push([0, close < 0 ? text.length : close]);
    if (close < 0) {
      orgKeys(text, spans, push);
      return true;
    }
    from = close + 1;
  }
  ORG_CITE_OPEN.lastIndex = from;
  for (let m; (m = ORG_CITE_OPEN.exec(text)); ) {
    const start = m.index + m[0].length;
    const close = text.indexOf(']', start);
    if (close < 0 || close - start > MAX_LIST) { spans.push([start, Math.min(text.length, start + MAX_LIST)]); open = close < 0; break; }
    spans.push([start, close]);
    ORG_CITE_OPEN.lastIndex = close + 1;
  }
  orgKeys(text, spans, push);
  const inCite = (at: number) => spans.some(([a, b]) => at >= a && at < b); // `cite:` in an org-cite's prefix
  for (const pattern of [ORG_REF_LINK, ORG_REF]) {
    pattern.lastIndex = 0;
    for (let m; (m = pattern.exec(text)); ) if (!inCite(m.index)) orgRefKeys(m[2], m.index + m[0].indexOf(m[1]) + m[1].length, push);
  }
  return open;
}

/** The keys of an org-ref link's path `list` (at `at`): `&a;&b` (version 3; prefixes and suffixes around them) or `a,b` (version 2). */
function orgRefKeys(list: string, at: number, push: (key: string, at: number, syntax: CitationSyntax) => void): void {
  if (list.includes('&')) {
    ORG_REF_V3_KEY.lastIndex = 0;
    // A bare link ends before the sentence's punctuation, as Org's plain links do.
    for (let k; (k = ORG_REF_V3_KEY.exec(list)); ) {
      const key = k[1].replace(/[.,:;?!]+$/, '');
      if (key) push(key, at + k.index + 1, 'org');
    }
    return;
  }
  let offset = 0;
  for (const part of list.split(',')) {
    const key = part.trim().replace(/[.:/+-]+$/, '');
    if (key && !ORG_REF_V2_KEY_WHOLE.test(key)) break; // prose after the link (`cite:a, and`): the list ended
    if (key) push(key, at + offset + part.indexOf(key), 'org');
    offset += part.length + 1;
  }
}

function orgKeys(text: string, spans: [number, number][], push: (key: string, at: number, syntax: CitationSyntax) => void): void {
  for (const [a, b] of spans) {
    const inside = text.slice(a, b);
    ORG_CITE_KEY.lastIndex = 0;
    for (let m; (m = ORG_CITE_KEY.exec(inside)); ) push(m[1], a + m.index + m[0].length - m[1].length, 'org');
  }
}

/** A front matter field's first line, and pandoc's `nocite:` (references listed though not cited in the text). */
const FIELD_START = /^[^\s#-][^:]*:/;
const NOCITE = /^nocite\s*:/;
/** A pandoc example list item's label, `(@good)` at the start of a list item: `(@good)` elsewhere refers to the example, not to a paper. */
const EXAMPLE_LABEL = /^\s{0,3}\(@([\w-]{1,64})\)(?:\s|$)/;

/**
 * Every citation in a document. Markdown: front matter (but for pandoc's `nocite:` field, whose
 * keys a rendered draft lists too), fenced code and inline code are skipped, and so are pandoc's
 * example list labels. LaTeX: comments are skipped.
 */
export function findCitations(text: string, flavor: DocumentFlavor): Citation[] {
  const lines = text.split('\n');
  if (flavor === 'org') return findOrgCitations(lines);
  const out: Citation[] = [];
  let fence: string | undefined;
  let inFrontMatter = flavor === 'markdown' && /^---\s*$/.test(lines[0] ?? '');
  let inNocite = false;
  const examples = new Set<string>();
  for (let i = inFrontMatter ? 1 : 0; i < lines.length; i++) {
    let line = lines[i].replace(/\r$/, '');
    if (inFrontMatter) {
      if (/^(---|\.\.\.)\s*$/.test(line)) inFrontMatter = false;
      else if (FIELD_START.test(line)) inNocite = NOCITE.test(line);
      if (inNocite && line.includes('@') && line.length <= 10000) out.push(...findCitationsInLine(line, i, flavor).filter((c) => c.syntax === 'pandoc'));
      continue;
    }
    if (flavor === 'markdown') {
      const label = EXAMPLE_LABEL.exec(line);
      if (label) examples.add(label[1]);
      const after = fenceAfter(line, fence);
      if (after !== null) { fence = after; continue; }
      if (fence) continue;
      if (line.length > 10000) continue; // a minified line is not prose
      line = blankInlineCode(line);
    } else {
      const c = /(?<!\\)%/.exec(line);
      if (c) line = line.slice(0, c.index);
    }
    if (!line.includes('@') && !line.includes('[[') && !/cite/i.test(line)) continue;
    out.push(...findCitationsInLine(line, i, flavor));
    const open = LATEX_OPEN_LIST.exec(line);
    if (open) out.push(...continuedList(lines, i, open[2], line.length - open[2].length));
  }
  return examples.size ? out.filter((c) => c.syntax !== 'pandoc' || !examples.has(c.key)) : out;
}

/** An org block whose lines are not prose: source code, examples, exports, comments. */
const ORG_BLOCK_START = /^\s*#\+begin_(src|example|export|comment)\b/i;
/**
 * Org lines that hold no citations: comments (`# …`), keywords (`#+title: …`) but for a caption, and
 * drawers' lines (`:PROPERTIES:`, `:ROAM_REFS: @key`: an org-roam note's own key, not a citation).
 */
const ORG_NOT_PROSE = /^\s*(?:#(?:\s|$|\+(?!caption:))|:[\w-]+:(?:\s|$))/i;

/**
 * Every citation in an org document (see orgCitations), LaTeX's among them; blocks of code,
 * examples and exports, comments and keywords are skipped. An org-cite citation left open at the
 * end of a line goes on over the next, until a blank line ends the paragraph.
 */
function findOrgCitations(lines: string[]): Citation[] {
  const out: Citation[] = [];
  /** The end line of the block the scan is in (`#+end_src` for `#+begin_src`). */
  let blockEnd: RegExp | undefined;
  let open = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (blockEnd) {
      if (blockEnd.test(line)) blockEnd = undefined;
      continue;
    }
    const start = ORG_BLOCK_START.exec(line);
    if (start) { blockEnd = new RegExp(`^\\s*#\\+end_${start[1]}\\b`, 'i'); open = false; continue; }
    if (ORG_NOT_PROSE.test(line) || line.length > 10000 || !line.trim()) { open = false; continue; }
    if (!open && !line.includes('@') && !/cite/i.test(line)) continue;
    const found = citationsInLine(blankOrgVerbatim(line), i, 'org', 0, open);
    out.push(...found.citations);
    open = found.open;
  }
  return out;
}

/**
 * Org's inline verbatim and code, `=text=` and `~text~`: not prose (their markers as Org's emphasis
 * rules place them). At most 300 characters each, so that a line of unmatched markers is linear.
 */
const ORG_VERBATIM = /(^|[\s\-({'"])([=~])([^\s=~](?:[^\n]{0,298}?[^\s])?)\2(?=[\s\-.,:!?;'")}\[]|$)/g;

/** An org line with its inline verbatim and code blanked out (same length, so ranges stay right). */
function blankOrgVerbatim(line: string): string {
  if (!line.includes('=') && !line.includes('~')) return line;
  return line.replace(ORG_VERBATIM, (_, before: string, _mark: string, inside: string) => before + ' '.repeat(inside.length + 2));
}

/**
 * Markdown's fenced code (```` ``` ```` or `~~~`, up to three spaces in): if `line` is a fence line,
 * the fence open after it (undefined: none), given the one open before; null if it is not one. A
 * fence closes only with its own character, at least as many times.
 */
export function fenceAfter(line: string, open: string | undefined): string | undefined | null {
  const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
  if (!f) return null;
  if (!open) return f[1];
  return f[1][0] === open[0] && f[1].length >= open.length ? undefined : open;
}

/** A LaTeX key list still open at the end of a line (`\cite{a,`), its command and what it holds so far. */
const LATEX_OPEN_LIST = new RegExp(`${LATEX_COMMAND}\\{([^}\\n\\\\]{0,${MAX_LIST}})$`);
/** The most lines one key list may run over. */
const MAX_LIST_LINES = 20;

/**
 * The keys of a LaTeX list that goes on over the following lines (`\cite{a,` then `b}`), each with
 * its own line's range. `first` is the list's part on line `i`, starting at `at`.
 */
function continuedList(lines: string[], i: number, first: string, at: number): Citation[] {
  const parts = [{ line: i, text: first, at }];
  let length = first.length;
  for (let j = i + 1; j < lines.length && j <= i + MAX_LIST_LINES && length < MAX_LIST; j++) {
    const text = lines[j].replace(/\r$/, '').replace(/(?<!\\)%.*$/, '');
    const close = text.indexOf('}');
    if (/[{\\]/.test(close < 0 ? text : text.slice(0, close))) return [];
    parts.push({ line: j, text: close < 0 ? text : text.slice(0, close), at: 0 });
    length += text.length;
    if (close < 0) continue;
    const out: Citation[] = [];
    for (const part of parts) {
      let offset = 0;
      for (const piece of part.text.split(',')) {
        const key = piece.trim();
        if (key && !NOT_A_CITATION.test(key)) out.push({ key, range: range(part.line, part.at + offset + piece.indexOf(key), part.line, part.at + offset + piece.indexOf(key) + key.length), syntax: 'latex' });
        offset += piece.length + 1;
      }
    }
    return out;
  }
  return [];
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
  // An org-cite citation that began on a line above: the line holds its end (`@b]`) before any `[`.
  const continued = flavor === 'org' && from === 0 && /^[^[\]]*@[^[\]]*\]/.test(lineText);
  return findCitationsInLine(lineText.slice(from, to), line, flavor, from, continued)
    .find((c) => c.range.start.character <= character && character <= c.range.end.character);
}

export interface CompletionContext {
  syntax: CitationSyntax;
  /** What has been typed of the key so far. */
  prefix: string;
  /** Character where the key starts, for the replace range. */
  start: number;
}

/** The key list being typed: the command, the lists of a `…cites` before it, then `{` and the keys so far. */
const LATEX_OPEN = new RegExp(`${LATEX_COMMAND}(?:\\{[^}\\n\\\\]{0,${MAX_LIST}}\\}\\s*(?:${OPTIONAL}){0,2})*\\{([^}\\n\\\\]*)$`);
const WIKI_OPEN = /\[\[(?!@)([^\[\]|#\n]*)$/;
/** A key being typed in an org-cite citation (`[cite:@a; @`), in an org-ref version 3 link (`cite:&a;&`, `[[cite:see &`) or version 2 (`cite:a,`). */
const ORG_CITE_TYPED = new RegExp(`\\[cite(?:\\/[\\w/-]{0,64})?:(?:[^\\]\\n]*[\\s;])?@(${ORG_KEY.replace(`{1,${MAX_KEY}}`, '*')})$`, 'u');
const ORG_REF_V3_TYPED = new RegExp(`(?:(?<![\\p{L}\\p{N}_\\\\\\[-])${ORG_REF_TYPE}[^\\s\\]\\[]*|\\[\\[${ORG_REF_TYPE}[^\\]\\n]*)&(${ORG_KEY.replace('&', '').replace(`{1,${MAX_KEY}}`, '*')})$`, 'u');
const ORG_REF_V2_TYPED = new RegExp(`(?:(?<![\\p{L}\\p{N}_\\\\\\[-])|\\[\\[)${ORG_REF_TYPE}(?:[^\\s\\]\\[&]*,)?([\\p{L}\\p{N}_:.\\/+-]*)$`, 'u');
const PANDOC_OPEN = /(?:^|[\s\[;(])-?@\{?([\p{L}\p{N}_:.#$%&+?<>~\/-]*)$/u;

/** Is the cursor where a citation key is being typed? `before` is the line up to the cursor. */
export function completionContext(before: string, flavor: DocumentFlavor): CompletionContext | undefined {
  // Only the end of the line matters (see CURSOR_WINDOW); starts are given in the whole line.
  const cut = Math.max(0, before.length - CURSOR_WINDOW);
  const near = cut ? before.slice(cut) : before;
  const latex = LATEX_OPEN.exec(near);
  if (latex) {
    const list = latex[2];
    const lastPart = list.slice(list.lastIndexOf(',') + 1);
    const prefix = lastPart.trimStart();
    return { syntax: 'latex', prefix, start: before.length - prefix.length };
  }
  if (flavor === 'latex') return undefined;
  if (flavor === 'org') {
    const org = ORG_CITE_TYPED.exec(near) ?? ORG_REF_V3_TYPED.exec(near) ?? ORG_REF_V2_TYPED.exec(near);
    return org ? { syntax: 'org', prefix: org[1], start: before.length - org[1].length } : undefined;
  }
  const wiki = WIKI_OPEN.exec(near);
  if (wiki) return { syntax: 'wikilink', prefix: wiki[1], start: before.length - wiki[1].length };
  const pandoc = PANDOC_OPEN.exec(near);
  if (pandoc && (cut === 0 || pandoc.index > 0)) return { syntax: 'pandoc', prefix: pandoc[1], start: before.length - pandoc[1].length };
  return undefined;
}

export { LineIndex };
