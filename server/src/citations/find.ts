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

/** Characters pandoc allows inside a key; trailing ones of `KEY_PUNCT` belong to the sentence. */
const PANDOC = /(?<![\p{L}\p{N}_@.\/:\\`])(-?)@(?:\{([^}\s]+)\}|([\p{L}\p{N}_][\p{L}\p{N}_:.#$%&+?<>~\/-]*))/gu;
const KEY_PUNCT = /[:.#$%&+?<>~\/-]+$/;
const LATEX = /\\([a-zA-Z]*cite[a-zA-Z]*|nocite)\*?\s*((?:\[[^\]\n]*\]\s*){0,2})\{([^}\n]*)\}/g;
const WIKILINK = /(?<!!)\[\[([^\]|#\n]+)(#[^\]|\n]*)?(\|[^\]\n]*)?\]\]/g;

/** Citations on one line; `line` is its number, used for ranges. */
export function findCitationsInLine(text: string, line: number, flavor: DocumentFlavor): Citation[] {
  const out: Citation[] = [];
  LATEX.lastIndex = 0;
  for (let m; (m = LATEX.exec(text)); ) {
    const listStart = m.index + m[0].length - 1 - m[3].length;
    let offset = 0;
    for (const part of m[3].split(',')) {
      const key = part.trim();
      const at = listStart + offset + part.indexOf(key);
      if (key) out.push({ key, range: range(line, at, line, at + key.length), syntax: 'latex' });
      offset += part.length + 1;
    }
  }
  if (flavor === 'latex') return out;
  WIKILINK.lastIndex = 0;
  for (let m; (m = WIKILINK.exec(text)); ) {
    const key = m[1].trim();
    const at = m.index + 2 + m[1].indexOf(key);
    if (key) out.push({ key, range: range(line, at, line, at + key.length), syntax: 'wikilink' });
  }
  PANDOC.lastIndex = 0;
  for (let m; (m = PANDOC.exec(text)); ) {
    const braced = m[2];
    const key = braced ?? m[3].replace(KEY_PUNCT, '');
    if (!key) continue;
    const at = m.index + m[1].length + 1 + (braced ? 1 : 0);
    out.push({ key, range: range(line, at, line, at + key.length), syntax: 'pandoc' });
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
      if (line.includes('`')) line = line.replace(/(`+)(.*?)\1/g, (s) => ' '.repeat(s.length));
      if (line.length > 10000) continue; // a minified line is not prose
    } else {
      const c = /(?<!\\)%/.exec(line);
      if (c) line = line.slice(0, c.index);
    }
    if (!line.includes('@') && !line.includes('[[') && !line.includes('cite')) continue;
    out.push(...findCitationsInLine(line, i, flavor));
  }
  return out;
}

/** The citation under the cursor, if any (the end of a key counts as on it). */
export function citationAt(lineText: string, line: number, character: number, flavor: DocumentFlavor): Citation | undefined {
  return findCitationsInLine(lineText, line, flavor).find((c) => c.range.start.character <= character && character <= c.range.end.character);
}

export interface CompletionContext {
  syntax: CitationSyntax;
  /** What has been typed of the key so far. */
  prefix: string;
  /** Character where the key starts, for the replace range. */
  start: number;
}

const LATEX_OPEN = /\\[a-zA-Z]*cite[a-zA-Z]*\*?\s*(?:\[[^\]]*\]\s*){0,2}\{([^}]*)$/;
const WIKI_OPEN = /(?<!!)\[\[([^\]|#\n]*)$/;
const PANDOC_OPEN = /(?:^|[\s\[;(])-?@\{?([\p{L}\p{N}_:.#$%&+?<>~\/-]*)$/u;

/** Is the cursor where a citation key is being typed? `before` is the line up to the cursor. */
export function completionContext(before: string, flavor: DocumentFlavor): CompletionContext | undefined {
  const latex = LATEX_OPEN.exec(before);
  if (latex) {
    const list = latex[1];
    const lastPart = list.slice(list.lastIndexOf(',') + 1);
    const prefix = lastPart.trimStart();
    return { syntax: 'latex', prefix, start: before.length - prefix.length };
  }
  if (flavor === 'latex') return undefined;
  const wiki = WIKI_OPEN.exec(before);
  if (wiki) return { syntax: 'wikilink', prefix: wiki[1], start: before.length - wiki[1].length };
  const pandoc = PANDOC_OPEN.exec(before);
  if (pandoc) return { syntax: 'pandoc', prefix: pandoc[1], start: before.length - pandoc[1].length };
  return undefined;
}

export { LineIndex };
