import { foldSpace } from './text';

/**
 * Text that comes from a file (a title, an abstract, a key, a file name, a link's label) on its
 * way into an answer. Two rules, each in one place:
 * - markdownText is the only way such text enters markdown (hovers, completion documentation);
 * - capText bounds every field of an answer, so that one huge file cannot make a huge response.
 */

/** Bidirectional-text controls: they can make text display in another order than it is written. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Every character that markdown or HTML could read as syntax (`$`: math and theme icons in some renderers). */
const MARKDOWN_SPECIALS = /[\\`*_{}[\]()#+\-.!|<>~&=:"'$]/g;

/** `text` cut to at most `max` characters, at a space where one is near, with "…" when cut. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max);
  return text.slice(0, cut > max * 0.6 ? cut : max) + '…';
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
  return plain.replace(MARKDOWN_SPECIALS, (c) => '\\' + c);
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
