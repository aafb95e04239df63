import { foldSpace } from './text';

/**
 * Text that comes from a file (a title, an abstract, a key, a file name, a link's label) on its
 * way into an answer. Two rules, each in one place:
 * - markdownText is the only way such text enters markdown (hovers, completion documentation);
 * - capText bounds every field of an answer, so that one huge file cannot make a huge response.
 */

/** Bidirectional-text controls: they can make text display in another order than it is written. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * What markdown or HTML can read as syntax anywhere in a line: backslash, code, emphasis (`_` only at
 * a word's edge: inside a word it cannot start emphasis), link brackets, HTML, strike-through,
 * entities (`&` only where one could start), and `$` (math and theme icons in some renderers).
 * Ordinary punctuation (`:` `.` `-` `(` `!` quotes) is left alone: plain-text renderers show every
 * backslash.
 */
const INLINE_SPECIALS = /[\\`*[\]<>~$]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])|&(?=#?\w+;)/gu;
/** What starts a block only at the start of a line: a heading, a list item, an ordered list's number. */
const LINE_START = /^([#+-])/;
/** A web address in file text: shown as it is, with no backslash in it (the few risky characters percent-encoded). */
const URL = /https?:\/\/[^\s<>]*[^\s<>.,;:!?)'"]/g;
const URL_SPECIALS = /[\\`*[\]$]|~~|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

/** `text` cut to at most `max` characters, at a space where one is near, with "…" when cut. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max);
  return text.slice(0, cut > max * 0.6 ? cut : max) + '…';
}

/** Untrusted text as plain text on one line (a symbol's name, a label): bidi controls removed, whitespace folded, capped. */
export function plainLine(text: string, max: number): string {
  return capText(foldSpace(text.slice(0, max * 4).replace(BIDI_CONTROLS, '')), max);
}

/**
 * Untrusted text as literal markdown on one line: bidi controls removed, line breaks and other
 * whitespace folded to single spaces (a blank line would end the paragraph, and whatever followed
 * would be read as markdown), at most `max` characters, and every markdown and HTML special
 * backslash-escaped, so it shows exactly as written. Never put file text in a code span: nothing
 * can be escaped inside one.
 */
export function markdownText(text: string, max: number): string {
  // Megabytes of input are cut before any pass over them; what folding removes is then cut again.
  const head = text.length > 2 * max ? text.slice(0, 2 * max) : text;
  let plain = capText(foldSpace(head.replace(BIDI_CONTROLS, '')), max);
  if (head !== text && !plain.endsWith('…')) plain += '…';
  const escape = (part: string) => part.replace(INLINE_SPECIALS, (c) => '\\' + c);
  let out = '';
  let at = 0;
  for (const m of plain.matchAll(URL)) {
    out += escape(plain.slice(at, m.index)) + m[0].replace(URL_SPECIALS, (c) => c.replace(/./g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')));
    at = m.index! + m[0].length;
  }
  out += escape(plain.slice(at));
  // A heading or a list item at the start; for a number (`2017. `), the escape goes before its `.` or `)`.
  return LINE_START.test(out) ? out.replace(LINE_START, '\\$1') : out.replace(/^(\d{1,9})([.)])/, '$1\\$2');
}

/**
 * The server's own markdown (hovers, completion documentation) as plain text, for an editor that
 * asks for it: links become `label <address>`, emphasis marks go, escapes are undone. File text in
 * it went through markdownText, so what comes back is that text as written.
 */
export function markdownToPlainText(markdown: string): string {
  const linked = markdown.replace(/(?<!\\)\[((?:\\.|[^\]\\])*)\]\(([^()\s]*)\)/g, (_, label: string, href: string) => `${label} <${href}>`);
  let out = '';
  for (let i = 0; i < linked.length; i++) {
    const c = linked[i];
    if (c === '\\' && i + 1 < linked.length) out += linked[++i];
    else if (c !== '*') out += c;
  }
  return out;
}

/** How much of each field a hover or completion item shows (characters before escaping). */
export const SHOWN = {
  title: 300,
  authors: 400,
  abstract: 3000,
  summary: 1000,
  /** A file's workspace-relative path. */
  path: 200,
  key: 100,
  /** A link's label (an arXiv id, a DOI). */
  label: 100,
} as const;
