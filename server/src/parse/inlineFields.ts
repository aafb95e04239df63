/**
 * What a note's body says of its paper where its front matter does not: Dataview's inline fields
 * (`Key:: value`) and callouts. Obsidian's Zotero Integration templates write a paper's metadata
 * that way, in a callout under a front matter that holds only the key and tags:
 *
 *     > [!info]
 *     > **FirstAuthor**:: Patel, Ajay
 *     > **Author**:: Rao, Delip
 *     > **Title**:: Learning interpretable style embeddings
 *     > **Year**:: 2023
 *
 *     > [!Abstract]
 *     > Style representation learning builds …
 */

/** Lines looked at: the metadata is at the top of a note. */
const MAX_LINES = 300;
/** A line that opens or closes a fenced code block. */
export const FENCE = /^\s*(```|~~~)/;
/**
 * `Key::`, in a callout or quote (`> `, `> > `) or a list item, the key bold or not (`**Title**::`,
 * `**Title::**`). The key is letters, digits, spaces, `_` and `-`; a space (or the line's end)
 * follows the `::`, which `std::vector` in prose does not have.
 */
const FIELD_START = /^(?:\s*>)*\s*(?:[-*+]\s+)?(?:\*\*|__)?([A-Za-z][\w -]{0,40}?)(?:\*\*|__)?\s*::(?=\s|$|\*\*|__)/;
/** `Key:: value`: the key, then the rest of the line. */
const FIELD = new RegExp(`${FIELD_START.source}(.*)$`);
/** Longer lines are prose, not a field (and a regular expression's time on them is the file's, not the line's). */
const MAX_FIELD_LINE = 2000;

/** Whether the line starts as an inline field does (`Title:: …`): a paragraph of them is metadata, not a summary. */
export const isInlineFieldLine = (line: string): boolean => FIELD_START.test(line);

/** An inline field's value, and where it is written: its line among the lines read, and its first character there. */
export interface InlineField { value: string; line: number; at: number }

/** The inline fields of the note's first lines, by key (lower case, without spaces, `_` or `-`), each key's values in order. */
export function inlineFields(lines: readonly string[]): Map<string, InlineField[]> {
  const fields = new Map<string, InlineField[]>();
  let inFence = false;
  const end = Math.min(lines.length, MAX_LINES);
  for (let i = 0; i < end; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (FENCE.test(line)) inFence = !inFence;
    if (inFence || line.length > MAX_FIELD_LINE || !line.includes('::')) continue;
    const m = FIELD.exec(line);
    if (!m) continue;
    const value = cleanValue(m[2].replace(/^\s*(?:\*\*|__)?/, ''));
    if (!value) continue;
    const key = m[1].toLowerCase().replace(/[\s_-]+/g, '');
    const field = { value, line: i, at: line.indexOf(value, line.length - m[2].length) };
    const values = fields.get(key);
    if (values) values.push(field); else fields.set(key, [field]);
  }
  return fields;
}

/** A field's value as text: without quotes around it, emphasis, or a wikilink's brackets (`[[@key]]` is `key`). */
function cleanValue(value: string): string {
  let v = value.trim();
  const link = /^\[\[@?([^\]|]+)(?:\|[^\]]*)?\]\]$/.exec(v);
  if (link) v = link[1];
  v = v.replace(/^(["'])(.*)\1$/, '$2').replace(/^([*_])(.+)\1$/, '$2');
  return v.trim();
}

/** The callouts a note's abstract and summary are read from (`> [!abstract]`, folded or not, with a title or not). */
const CALLOUTS = {
  abstract: /^\s*>\s*\[!abstract\][-+]?/i,
  summary: /^\s*>\s*\[!(?:summary|tldr|tl;dr)\][-+]?/i,
};

/** The text of the note's first callout of this kind: its lines up to the first that is not part of it, without their `>`. */
export function calloutText(lines: readonly string[], kind: keyof typeof CALLOUTS): string | undefined {
  const header = CALLOUTS[kind];
  const end = Math.min(lines.length, MAX_LINES);
  for (let i = 0; i < end; i++) {
    if (!header.test(lines[i])) continue;
    const out: string[] = [];
    for (let j = i + 1; j < lines.length && /^\s*>/.test(lines[j]); j++) out.push(lines[j].replace(/^\s*>\s?/, ''));
    const text = out.join('\n').trim();
    if (text) return text;
  }
  return undefined;
}

/** Whether the line opens a callout (`> [!info]`), whose lines the first paragraph of a note leaves out. */
export const CALLOUT_HEADER = /^\s*>\s*\[!/;
