import type MarkdownIt = require('markdown-it');
import type { PreviewCitation } from '../../server/src/shared/protocol';
import { escapeHtml } from './escapeHtml';

/**
 * Pandoc citations in VS Code's markdown preview, printed as pandoc's default style (Chicago
 * author-date) prints them: `[@a; see @b, p. 3]` → "(Wang et al. 2024; see Li 2023, p. 3)", `@a` →
 * "Wang et al. (2024)", `[-@a]` → "(2024)", a key no paper has → "(a?)"; and the papers cited listed
 * under the document, sorted by author. A draft whose `csl:` names a numeric style (IEEE, Vancouver,
 * Nature, ACM…) gets "[1, 2]" and a numbered list in the order first cited; one whose `csl:` is
 * APA's, "(Wang et al., 2024; Li & Chen, 2023)" and APA's reference lines. Pure (markdown-it only), so it is unit-tested; the lookup
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
interface CiteMeta { items: CitedItem[]; inText: boolean; raw: string; doc: CitingDocument }
/**
 * What every citation of a document shares, made as it is parsed: the keys in the order cited, and
 * whether its style numbers the references (its front matter's `csl:`). Numbers are given as it is
 * rendered (`numbers`), from what the server said of each key by then.
 */
interface CitingDocument { keys: string[]; numeric: boolean; apa: boolean }
interface PreviewEnv { litnotesDoc?: CitingDocument; litnotesNext?: Partial<Record<string, { src: string; from: number; at: number }>> }
/** The render's own: what the document's papers print as, worked out once per rendering (documentView). */
interface RenderEnv { litnotesViews?: Map<CitingDocument, DocumentView> }
/**
 * The papers a document cites as this rendering prints them: in the reference list's order, each
 * paper's number (a numeric style) or its year with pandoc's letter where one author's papers share
 * it ("Wang et al. 2024a", "2024b"), by paper key.
 */
interface DocumentView { papers: PreviewCitation[]; numbers?: Map<string, number>; years: Map<string, string> }

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
  // An env for the whole parse before its paragraphs are read (a host may pass none), so that the
  // citations of every paragraph are noted in one place.
  md.core.ruler.before('inline', 'litnotes_env', (state) => { envOf(state); });
  md.core.ruler.push('litnotes_references', (state) => appendReferences(state, lookup));
  md.renderer.rules.litnotes_citation = (tokens, idx, _options, env: RenderEnv) => renderCitation(tokens[idx].meta as CiteMeta, lookup, env ?? {});
  md.renderer.rules.litnotes_references = (tokens, idx, _options, env: RenderEnv) => renderReferences(tokens[idx].meta as ReferencesMeta, lookup, env ?? {});
}

/**
 * Pandoc citations in the reader's note bodies: a bracketed group's keys as links to their papers
 * (`paper-link`, which the reader opens), the text as written. No lookup, so nothing to wait for.
 */
export function citationLinksPlugin(md: MarkdownIt): void {
  md.inline.ruler.before('link', 'litnotes_citation_group', citationGroup);
  md.renderer.rules.litnotes_citation = (tokens, idx) => citationLinks(tokens[idx].meta as CiteMeta);
}

function citationLinks(meta: CiteMeta): string {
  const items = meta.items.map((i) => {
    const prefix = i.prefix ? `${escapeHtml(i.prefix)} ` : '';
    const suffix = i.suffix ? ` ${escapeHtml(i.suffix)}`.replace(/^ (?=[,;:])/, '') : '';
    return `${prefix}<a href="#" class="paper-link" data-key="${escapeHtml(i.key)}">${i.suppressAuthor ? '-' : ''}@${escapeHtml(i.key)}</a>${suffix}`;
  });
  return `[${items.join('; ')}]`;
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
  const env = envOf(state);
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

/** The parse's env, where the plugin keeps its notes (one is made for a host that passes none). */
function envOf(state: { env: unknown }): PreviewEnv {
  if (!state.env || typeof state.env !== 'object') state.env = {};
  return state.env as PreviewEnv;
}

function push(state: MarkdownIt.StateInline, cited: Omit<CiteMeta, 'doc'>): void {
  const env = envOf(state);
  const doc = (env.litnotesDoc ??= { keys: [], numeric: false, apa: false });
  const token = state.push('litnotes_citation', '', 0);
  token.meta = { ...cited, doc } satisfies CiteMeta;
  for (const item of cited.items) doc.keys.push(item.key);
}

function documentView(doc: CitingDocument, lookup: CitationLookup, env: RenderEnv): DocumentView {
  const views = (env.litnotesViews ??= new Map());
  const kept = views.get(doc);
  if (kept) return kept;
  const byPaper = new Map<string, PreviewCitation>();
  for (const key of doc.keys) {
    const p = lookup.get(key);
    if (p && !byPaper.has(p.paperKey)) byPaper.set(p.paperKey, p);
  }
  const papers = [...byPaper.values()]; // in the order first cited
  const years = new Map<string, string>();
  let numbers: Map<string, number> | undefined;
  if (doc.numeric) {
    numbers = new Map(papers.map((p, i) => [p.paperKey, i + 1]));
  } else {
    papers.sort((a, b) => shapeOf(a, doc).reference.localeCompare(shapeOf(b, doc).reference) || a.paperKey.localeCompare(b.paperKey));
    const alike = new Map<string, PreviewCitation[]>();
    for (const p of papers) {
      const same = `${shapeOf(p, doc).names}\u0000${p.year}`;
      const group = alike.get(same);
      if (group) group.push(p); else alike.set(same, [p]);
    }
    for (const group of alike.values()) {
      if (group.length < 2) continue;
      group.forEach((p, i) => years.set(p.paperKey, `${p.year}${p.year === 'n.d.' ? '-' : ''}${letterOf(i)}`));
    }
  }
  const view = { papers, numbers, years };
  views.set(doc, view);
  return view;
}

/** The year as the reference line writes it ("2024.", "n.d."). */
const withStop = (year: string): string => (year.endsWith('.') ? year : `${year}.`);

/** a, b, …, z, then aa, ab, … (pandoc's year suffixes). */
const letterOf = (i: number): string => (i < 26 ? String.fromCharCode(97 + i) : letterOf(Math.floor(i / 26) - 1) + letterOf(i % 26));

function renderCitation(meta: CiteMeta, lookup: CitationLookup, env: RenderEnv): string {
  const found = meta.items.map((i) => lookup.get(i.key));
  if (found.some((f) => f === undefined)) {
    // Not heard of yet: shown as written until the server says (the preview is rendered again then).
    // Asked here too: VS Code keeps a document's tokens while it is unchanged and only renders them again.
    lookup.want(meta.items.filter((_, i) => found[i] === undefined).map((i) => i.key));
    return `<span class="litnotes-citation litnotes-pending">${escapeHtml(meta.raw)}</span>`;
  }
  const { numbers, years } = documentView(meta.doc, lookup, env);
  const year = (p: PreviewCitation) => years.get(p.paperKey) ?? p.year;
  if (meta.inText) {
    const p = found[0];
    if (!p) return escapeHtml(meta.raw); // an @word no paper has, found out after it was read: as written
    // In the text every style (APA too) writes "and": "Wang and Li (2024)".
    const text = numbers ? `${p.names} [${numbers.get(p.paperKey)}]` : `${p.names} (${year(p)})`;
    return `<a class="litnotes-citation" href="#${anchorOf(p.paperKey)}" title="${escapeHtml(p.title)}">${escapeHtml(text)}</a>`;
  }
  const parts = meta.items.map((item, i) => {
    const p = found[i];
    const suffix = item.suffix ? (/^[,;:]/.test(item.suffix) ? item.suffix : `, ${item.suffix}`) : '';
    const prefix = item.prefix ? `${item.prefix} ` : '';
    if (!p) return `${escapeHtml(prefix)}<span class="litnotes-missing" title="No paper in the library has this key">${escapeHtml(`${item.key}?`)}</span>${escapeHtml(suffix)}`;
    // APA puts a comma between the names and the year: "(Wang et al., 2024)".
    const cited = numbers ? String(numbers.get(p.paperKey)) : item.suppressAuthor ? year(p) : `${shapeOf(p, meta.doc).names}${meta.doc.apa ? ',' : ''} ${year(p)}`;
    return `${escapeHtml(prefix)}<a href="#${anchorOf(p.paperKey)}" title="${escapeHtml(p.title)}">${escapeHtml(cited)}</a>${escapeHtml(suffix)}`;
  });
  return numbers ? `<span class="litnotes-citation">[${parts.join(', ')}]</span>` : `<span class="litnotes-citation">(${parts.join('; ')})</span>`;
}

/**
 * After the document (or where its `::: {#refs}` div is): the papers it cites, once each, sorted by
 * author, year and title, as pandoc lists them. The token holds the keys; the papers are looked up
 * as it is rendered, since VS Code renders a document's tokens again, unparsed, once the server answers.
 */
function appendReferences(state: MarkdownIt.StateCore, lookup: CitationLookup): void {
  const env = envOf(state);
  const doc = env.litnotesDoc;
  env.litnotesDoc = undefined;
  if (!doc) return;
  const style = frontMatterStyle(state.tokens[0]);
  doc.numeric = isNumericStyle(style);
  doc.apa = isApaStyle(style);
  const cited = [...new Set(doc.keys)];
  const unseen = cited.filter((k) => lookup.get(k) === undefined);
  if (unseen.length) lookup.want(unseen);
  const heading = !state.tokens.some((t, i) => t.type === 'heading_open' && REFERENCES_HEADING.test(state.tokens[i + 1]?.content.trim() ?? ''));
  const token = new state.Token('litnotes_references', '', 0);
  token.block = true;
  token.meta = { keys: cited, heading, doc } satisfies ReferencesMeta;
  // Where the document asks for the list (pandoc's `::: {#refs}` div, a paragraph to markdown-it), else at its end.
  const div = state.tokens.findIndex((t, i) => t.type === 'paragraph_open' && REFS_DIV.test(state.tokens[i + 1]?.content ?? ''));
  if (div >= 0) state.tokens.splice(div, 3, token);
  else state.tokens.push(token);
}

interface ReferencesMeta { keys: string[]; heading: boolean; doc: CitingDocument }

/**
 * The CSL style the front matter names (`csl:`, `citation-style:`), from the token VS Code's
 * engine makes of it (markdown-it-front-matter's, its text in `meta`); undefined without one.
 */
function frontMatterStyle(first: { type: string; meta?: unknown } | undefined): string | undefined {
  if (first?.type !== 'front_matter' || typeof first.meta !== 'string') return undefined;
  return /^(?:csl|citation-style):[ \t]*["']?([^"'\n#]{1,300})/m.exec(first.meta.slice(0, 20000))?.[1].trim();
}

/**
 * Whether a CSL style numbers its references, by its name: the common numeric styles of the
 * sciences and engineering (a style file's own `citation-format` is not read).
 */
export function isNumericStyle(style: string | undefined): boolean {
  const name = styleName(style);
  return !!name && NUMERIC_STYLES.test(name);
}
const NUMERIC_STYLES = /^(ieee.*|.*numeric.*|vancouver.*|nature.*|science|american-chemical-society.*|acs-.*|american-medical-association.*|ama|american-physics-society|american-institute-of-physics.*|aip|association-for-computing-machinery|acm-.*|springer-basic-brackets.*|springer-lecture-notes-in-computer-science.*|lncs|elsevier-with-titles.*|elsevier-without-titles|elsevier-vancouver|plos.*|bmj|the-lancet|lancet|pnas|proceedings-of-the-national-academy-of-sciences.*|biomed-central|bmc-.*|cell-numeric|national-library-of-medicine.*|royal-society-of-chemistry|multidisciplinary-digital-publishing-institute|mdpi|frontiers-medical-journals|iop-.*|optica|spie.*|jama|aps)$/;

/** Whether a CSL style is APA's (`apa.csl`, `apa-6th-edition`, …), by its name: its citations and references have APA's shapes. */
export function isApaStyle(style: string | undefined): boolean {
  const name = styleName(style);
  return !!name && /^apa(-.*)?$/.test(name) && !NUMERIC_STYLES.test(name);
}

/** A style's name as its file is called, without folder or `.csl`, in lower case ("ieee"). */
function styleName(style: string | undefined): string | undefined {
  return style?.replace(/\\/g, '/').split('/').pop()?.replace(/\.csl$/i, '').toLowerCase();
}

/** Pandoc's place for the reference list: an empty fenced div with the id `refs`. */
const REFS_DIV = /^:{3,}\s*\{\s*#refs(\s+[^}]*)?\}\s*\n:{3,}\s*$/;

/**
 * What a paper's author-date citation in parentheses and its reference line print in the document's
 * style: APA's, or pandoc's default (Chicago author-date). The list is sorted by the line, and one
 * author's papers of a year are told apart by the names.
 */
const shapeOf = (p: PreviewCitation, doc: CitingDocument): { names: string; reference: string } => (doc.apa ? p.apa : p);

function renderReferences(meta: ReferencesMeta, lookup: CitationLookup, env: RenderEnv): string {
  const unseen = meta.keys.filter((key) => lookup.get(key) === undefined);
  if (unseen.length) lookup.want(unseen);
  // A numeric style lists the papers in the order first cited, numbered; an author-date one by author.
  const { papers, numbers, years } = documentView(meta.doc, lookup, env);
  if (!papers.length) return '';
  const items = papers.map((p) => {
    const link = p.url ? ` <a href="${escapeHtml(p.url)}">${escapeHtml(p.url)}</a>` : '';
    const number = numbers ? `[${numbers.get(p.paperKey)}] ` : '';
    const lettered = years.get(p.paperKey);
    const line = shapeOf(p, meta.doc).reference;
    const reference = !lettered ? line : meta.doc.apa ? line.replace(` (${p.year}).`, ` (${lettered}).`) : line.replace(` ${withStop(p.year)}`, ` ${withStop(lettered)}`);
    return `<div class="litnotes-reference" id="${anchorOf(p.paperKey)}">${number}${escapeHtml(reference)}${link}</div>\n`;
  });
  return `<section class="litnotes-references">\n${meta.heading ? '<h2>References</h2>\n' : ''}${items.join('')}</section>\n`;
}

/** An id for the paper's entry: the key's characters that are safe in a fragment, the rest as their code. */
const anchorOf = (key: string): string => `ref-${key.replace(/[^A-Za-z0-9_-]/g, (c) => `.${c.codePointAt(0)!.toString(16)}`)}`;

