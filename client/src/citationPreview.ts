import type MarkdownIt = require('markdown-it');
import type { PreviewCitation } from '../../server/src/shared/protocol';
import { escapeHtml } from './markdown';

/**
 * Pandoc citations in VS Code's markdown preview, printed as pandoc's default style (Chicago
 * author-date) prints them: `[@a; see @b, p. 3]` → "(Wang et al. 2024; see Li 2023, p. 3)", `@a` →
 * "Wang et al. (2024)", `[-@a]` → "(2024)", a key no paper has → "(a?)"; and the papers cited listed
 * under the document, sorted by author. Pure (markdown-it only), so it is unit-tested; the lookup
 * (previewLookup.ts) answers from what the server said, and asks it about the keys it has not seen.
 *
 * Every string from the library or the document is escaped (escapeHtml); nothing else is emitted but
 * the plugin's own spans and anchors.
 */
export interface CitationLookup {
  /** What the server said of the key (null: no paper has it), or undefined while it has not said. */
  get(key: string): PreviewCitation | null | undefined;
  /** Keys rendered before the server said anything of them: the lookup asks, then the preview is rendered again. */
  want(keys: readonly string[]): void;
}

interface CitedItem { prefix: string; suppressAuthor: boolean; key: string; suffix: string }
interface CiteMeta { items: CitedItem[]; inText: boolean; raw: string }
interface PreviewEnv { litnotesCited?: string[]; litnotesNext?: Partial<Record<string, { src: string; from: number; at: number }>> }

/** Pandoc's citation key: a letter, digit or `_`, then those and internal punctuation (`:.#$%&-+?<>~/`). */
const KEY = /^[\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&+?<>~/-](?=[\p{L}\p{N}_]))*/u;
/** KEY where the text is (sticky), so that reading a key costs its length, not the rest of the text. */
const KEY_HERE = new RegExp(KEY.source.slice(1), 'uy');
/** pandoc-crossref's and Quarto's cross-references, written like citations: not papers. */
const CROSS_REFERENCE = /^(fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem|alg|apx)[-:]/i;
/** The longest bracketed citation looked at (pandoc has no limit; a preview needs one). */
const MAX_GROUP = 2000;
/** A reference list's heading the document already has (pandoc puts the list under it). */
const REFERENCES_HEADING = /^(references|bibliography|works cited|literature|literatur|références|bibliografía)$/i;

export function citationPreviewPlugin(md: MarkdownIt, lookup: CitationLookup): void {
  md.inline.ruler.before('link', 'litnotes_citation_group', citationGroup);
  md.inline.ruler.before('link', 'litnotes_in_text_citation', (state, silent) => inTextCitation(state, silent, lookup));
  md.core.ruler.push('litnotes_references', (state) => appendReferences(state, lookup));
  md.renderer.rules.litnotes_citation = (tokens, idx) => renderCitation(tokens[idx].meta as CiteMeta, lookup);
  md.renderer.rules.litnotes_references = (tokens, idx) => renderReferences(tokens[idx].meta as ReferencesMeta, lookup);
}

/**
 * `[prefix @key suffix; …]`, not followed by `(` or `[` (then it is a link), with no bracket inside.
 * Where the next `]`, `[` and `@` are is remembered while the paragraph is read, so a line of
 * thousands of `[` or `[@` costs what its length does (a page is untrusted, and the preview renders
 * in the editor's extension host).
 */
function citationGroup(state: MarkdownIt.StateInline, silent: boolean): boolean {
  const start = state.pos;
  if (state.src.charCodeAt(start) !== 0x5b /* [ */ || inLink(state)) return false;
  const close = nextOf(state, ']');
  if (close >= state.posMax || close - start > MAX_GROUP || nextOf(state, '@') > close || nextOf(state, '[') < close) return false;
  const after = state.src.charCodeAt(close + 1);
  if (after === 0x28 /* ( */ || after === 0x5b /* [ */) return false;
  const items: CitedItem[] = [];
  for (const part of state.src.slice(start + 1, close).split(';')) {
    const item = citedItem(part);
    if (!item) return false;
    items.push(item);
  }
  if (!silent) push(state, { items, inText: false, raw: state.src.slice(start, close + 1) });
  state.pos = close + 1;
  return true;
}

/** Where `char` next occurs after the current position (Infinity: nowhere), remembered per paragraph text. */
function nextOf(state: MarkdownIt.StateInline, char: ']' | '[' | '@'): number {
  const from = state.pos + 1;
  const env = state.env as PreviewEnv;
  const seen = (env.litnotesNext ??= {})[char];
  // Valid while the position is between where it was looked for and where it was found.
  if (seen && seen.src === state.src && from >= seen.from && from <= seen.at) return seen.at;
  const at = state.src.indexOf(char, from);
  const found = { src: state.src, from, at: at < 0 ? Infinity : at };
  env.litnotesNext[char] = found;
  return found.at;
}

function citedItem(part: string): CitedItem | undefined {
  const at = part.search(/(^|[\s\-])@/);
  const sign = at < 0 ? -1 : part[at] === '@' ? at : at + 1;
  if (sign < 0) return undefined;
  const suppressAuthor = part[sign - 1] === '-';
  const rest = part.slice(sign + 1);
  const key = KEY.exec(rest)?.[0];
  if (!key || CROSS_REFERENCE.test(key)) return undefined;
  const prefix = part.slice(0, suppressAuthor ? sign - 1 : sign).trim();
  return { prefix, suppressAuthor, key, suffix: rest.slice(key.length).trim() };
}

/** `@key` in the text (not inside a word, as an e-mail address is): an in-text citation, when a paper has the key. */
function inTextCitation(state: MarkdownIt.StateInline, silent: boolean, lookup: CitationLookup): boolean {
  const start = state.pos;
  if (state.src.charCodeAt(start) !== 0x40 /* @ */ || inLink(state)) return false; // no link inside a link's text
  if (start > 0 && /[\p{L}\p{N}_.+-]/u.test(state.src[start - 1])) return false;
  KEY_HERE.lastIndex = start + 1;
  const key = KEY_HERE.exec(state.src)?.[0];
  if (key && start + 1 + key.length > state.posMax) return false;
  if (!key || CROSS_REFERENCE.test(key)) return false;
  // A word after an @ that no paper has is left as written (a handle, a decorator), unlike a bracketed key.
  if (lookup.get(key) === null) return false;
  if (!silent) push(state, { items: [{ prefix: '', suppressAuthor: false, key, suffix: '' }], inText: true, raw: `@${key}` });
  state.pos = start + 1 + key.length;
  return true;
}

/** Inside a link's text (markdown-it counts the levels; its types do not say so): no link in a link. */
const inLink = (state: MarkdownIt.StateInline): boolean => ((state as unknown as { linkLevel?: number }).linkLevel ?? 0) > 0;

function push(state: MarkdownIt.StateInline, meta: CiteMeta): void {
  const token = state.push('litnotes_citation', '', 0);
  token.meta = meta;
  const env = state.env as PreviewEnv;
  (env.litnotesCited ??= []).push(...meta.items.map((i) => i.key));
}

function renderCitation(meta: CiteMeta, lookup: CitationLookup): string {
  const found = meta.items.map((i) => lookup.get(i.key));
  if (found.some((f) => f === undefined)) {
    // Not heard of yet: shown as written until the server says (the preview is rendered again then).
    // Asked here too: VS Code keeps a document's tokens while it is unchanged and only renders them again.
    lookup.want(meta.items.filter((_, i) => found[i] === undefined).map((i) => i.key));
    return `<span class="litnotes-citation litnotes-pending">${escapeHtml(meta.raw)}</span>`;
  }
  if (meta.inText) {
    const p = found[0];
    if (!p) return escapeHtml(meta.raw); // an @word no paper has, found out after it was read: as written
    return `<a class="litnotes-citation" href="#${anchorOf(p.paperKey)}" title="${escapeHtml(p.title)}">${escapeHtml(`${p.names} (${p.year})`)}</a>`;
  }
  const parts = meta.items.map((item, i) => {
    const p = found[i];
    const suffix = item.suffix ? (/^[,;:]/.test(item.suffix) ? item.suffix : `, ${item.suffix}`) : '';
    const prefix = item.prefix ? `${item.prefix} ` : '';
    if (!p) return `${escapeHtml(prefix)}<span class="litnotes-missing" title="No paper in the library has this key">${escapeHtml(`${item.key}?`)}</span>${escapeHtml(suffix)}`;
    const cited = item.suppressAuthor ? p.year : `${p.names} ${p.year}`;
    return `${escapeHtml(prefix)}<a href="#${anchorOf(p.paperKey)}" title="${escapeHtml(p.title)}">${escapeHtml(cited)}</a>${escapeHtml(suffix)}`;
  });
  return `<span class="litnotes-citation">(${parts.join('; ')})</span>`;
}

/**
 * After the document (or where its `::: {#refs}` div is): the papers it cites, once each, sorted by
 * author, year and title, as pandoc lists them. The token holds the keys; the papers are looked up
 * as it is rendered, since VS Code renders a document's tokens again, unparsed, once the server answers.
 */
function appendReferences(state: MarkdownIt.StateCore, lookup: CitationLookup): void {
  const env = state.env as PreviewEnv;
  const cited = [...new Set(env.litnotesCited ?? [])];
  env.litnotesCited = [];
  if (!cited.length) return;
  const unseen = cited.filter((k) => lookup.get(k) === undefined);
  if (unseen.length) lookup.want(unseen);
  const heading = !state.tokens.some((t, i) => t.type === 'heading_open' && REFERENCES_HEADING.test(state.tokens[i + 1]?.content.trim() ?? ''));
  const token = new state.Token('litnotes_references', '', 0);
  token.block = true;
  token.meta = { keys: cited, heading } satisfies ReferencesMeta;
  // Where the document asks for the list (pandoc's `::: {#refs}` div, a paragraph to markdown-it), else at its end.
  const div = state.tokens.findIndex((t, i) => t.type === 'paragraph_open' && REFS_DIV.test(state.tokens[i + 1]?.content ?? ''));
  if (div >= 0) state.tokens.splice(div, 3, token);
  else state.tokens.push(token);
}

interface ReferencesMeta { keys: string[]; heading: boolean }

/** Pandoc's place for the reference list: an empty fenced div with the id `refs`. */
const REFS_DIV = /^:{3,}\s*\{\s*#refs(\s+[^}]*)?\}\s*\n:{3,}\s*$/;

const byAuthor = (a: PreviewCitation, b: PreviewCitation): number => a.reference.localeCompare(b.reference) || a.paperKey.localeCompare(b.paperKey);

function renderReferences(meta: ReferencesMeta, lookup: CitationLookup): string {
  const papers = new Map<string, PreviewCitation>();
  const unseen: string[] = [];
  for (const key of meta.keys) {
    const p = lookup.get(key);
    if (p === undefined) unseen.push(key);
    else if (p && !papers.has(p.paperKey)) papers.set(p.paperKey, p);
  }
  if (unseen.length) lookup.want(unseen);
  if (!papers.size) return '';
  const items = [...papers.values()].sort(byAuthor).map((p) => {
    const link = p.url ? ` <a href="${escapeHtml(p.url)}">${escapeHtml(p.url)}</a>` : '';
    return `<div class="litnotes-reference" id="${anchorOf(p.paperKey)}">${escapeHtml(p.reference)}${link}</div>\n`;
  });
  return `<section class="litnotes-references">\n${meta.heading ? '<h2>References</h2>\n' : ''}${items.join('')}</section>\n`;
}

/** An id for the paper's entry: the key's characters that are safe in a fragment, the rest as their code. */
const anchorOf = (key: string): string => `ref-${key.replace(/[^A-Za-z0-9_-]/g, (c) => `.${c.codePointAt(0)!.toString(16)}`)}`;

