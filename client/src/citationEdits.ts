/**
 * Text edits for citing and for naming a bibliography, as plain functions of a line or a document's
 * text (no vscode), so they are unit-tested.
 */

export interface LineEdit { start: number; end: number; text: string }

const LATEX_LANGUAGES = new Set(['latex', 'tex']);

/**
 * What Insert Citation writes at `character` of `line`: inside a pandoc group `[@a; @b]` it adds
 * `; @key` before the group's `]`; inside a LaTeX list `\cite{a, b}` it adds `, key` before its `}`;
 * elsewhere `[@key]` (markdown) or `\command{key}` (LaTeX, `litnotes.latex.citeCommand`). Org:
 * `[cite:@key]`, and `;@key` inside one.
 * `selection` is the selected span on the line (replaced by a new citation, never by an addition).
 */
export function citationEdit(line: string, character: number, languageId: string, key: string, latexCommand = '\\cite', selection?: { start: number; end: number }, orgStyle: OrgCitationStyle = 'org-cite'): LineEdit {
  const at = selection ?? { start: character, end: character };
  if (languageId === 'org' && orgStyle !== 'org-cite') {
    // org-ref: right after a link's list (`cite:&a;&b`, `cite:a,b`) the key joins it; elsewhere a new link.
    const before = at.start === at.end ? line.slice(0, character) : '';
    const list = orgStyle === 'org-ref-v3' ? ORG_REF_V3_LIST_END.exec(before) : ORG_REF_V2_LIST_END.exec(before);
    if (list) return { start: character, end: character, text: orgStyle === 'org-ref-v3' ? `;&${key}` : `,${key}` };
    return { start: at.start, end: at.end, text: orgStyle === 'org-ref-v3' ? `cite:&${key}` : `cite:${key}` };
  }
  if (languageId === 'org') {
    // org-cite: inside `[cite:@a]` (or `[cite/t:…]`) `;@key` goes before its `]`; elsewhere a new one.
    const group = at.start === at.end ? enclosing(line, character, '[', ']', (_before, inside) => /^cite(?:\/[\w/-]*)?:/.test(inside)) : undefined;
    return group !== undefined ? { start: group, end: group, text: `;@${key}` } : { start: at.start, end: at.end, text: `[cite:@${key}]` };
  }
  if (at.start === at.end) {
    const latexList = enclosing(line, character, '{', '}', (before) => /\\[a-zA-Z]*[cC]ite[a-zA-Z]*\*?\s*(?:\[[^\]]*\]\s*){0,2}$/.test(before));
    if (latexList !== undefined) return { start: latexList, end: latexList, text: line.slice(0, latexList).trimEnd().endsWith('{') ? key : `, ${key}` };
    if (!LATEX_LANGUAGES.has(languageId)) {
      const group = enclosing(line, character, '[', ']', (_before, inside) => /(^|[\s;])-?@/.test(inside));
      if (group !== undefined) return { start: group, end: group, text: `; @${key}` };
    }
  }
  const text = LATEX_LANGUAGES.has(languageId) ? `${latexCommand.startsWith('\\') ? latexCommand : `\\${latexCommand}`}{${key}}` : `[@${key}]`;
  return { start: at.start, end: at.end, text };
}

/**
 * A new citation of `keys` as a document of `languageId` writes one (papers dropped into it from the
 * Topics or Cited in Draft view): `[@a; @b]` in markdown, `\\cite{a, b}` in LaTeX (the configured
 * command), `[cite:@a;@b]` in Org, or org-ref's `cite:&a;&b` / `cite:a,b` where the draft uses it.
 */
export function citationText(keys: readonly string[], languageId: string, latexCommand = '\\cite', orgStyle: OrgCitationStyle = 'org-cite'): string {
  if (LATEX_LANGUAGES.has(languageId)) return `${latexCommand.startsWith('\\') ? latexCommand : `\\${latexCommand}`}{${keys.join(', ')}}`;
  if (languageId === 'org') {
    if (orgStyle === 'org-ref-v3') return `cite:${keys.map((k) => `&${k}`).join(';')}`;
    if (orgStyle === 'org-ref-v2') return `cite:${keys.join(',')}`;
    return `[cite:${keys.map((k) => `@${k}`).join(';')}]`;
  }
  return `[${keys.map((k) => `@${k}`).join('; ')}]`;
}

/** How an Org draft cites: org-cite (`[cite:@a]`), or org-ref's links, version 3 (`cite:&a;&b`) or 2 (`cite:a,b`). */
export type OrgCitationStyle = 'org-cite' | 'org-ref-v3' | 'org-ref-v2';

const ORG_REF_LINK_TYPE = '(?<![\\w\\\\\\[-])(?:[nN]o|[pP]aren|[tT]ext|[fF]oot|[aA]uto|[sS]mart|[fF]ull)?[cC]ite[a-zA-Z]{0,16}\\*?:';
const ORG_REF_V3_LIST_END = new RegExp(`${ORG_REF_LINK_TYPE}[^\\s\\]\\[]*&[^\\s\\]\\[;&]+$`);
const ORG_REF_V2_LIST_END = new RegExp(`${ORG_REF_LINK_TYPE}[\\w:./+-]+(?:,[\\w:./+-]+)*$`);

/**
 * The style an Org draft already cites in (the most used of the three in its first 200,000
 * characters), so that Insert Citation writes what the rest of the draft has; org-cite for a draft
 * that cites nothing yet (Org's own since 9.5, and what pandoc reads best).
 */
export function orgCitationStyle(text: string): OrgCitationStyle {
  const head = text.slice(0, 200_000);
  const count = (pattern: RegExp) => head.match(pattern)?.length ?? 0;
  const orgCite = count(/\[cite(?:\/[\w/-]*)?:/g);
  const v3 = count(new RegExp(`${ORG_REF_LINK_TYPE}[^\\s\\]\\[]*&`, 'g'));
  const v2 = count(new RegExp(`${ORG_REF_LINK_TYPE}[\\w]`, 'g'));
  if (orgCite >= v3 && orgCite >= v2) return 'org-cite';
  return v3 >= v2 ? 'org-ref-v3' : 'org-ref-v2';
}

/**
 * The position of the `close` of the bracket group around `character` (on this line, not nested),
 * if the text before its `open` passes `before` and its content passes `inside`.
 */
function enclosing(line: string, character: number, open: string, close: string, accept: (before: string, inside: string) => boolean): number | undefined {
  const start = line.lastIndexOf(open, character - 1);
  if (start < 0 || line.slice(start + 1, character).includes(close)) return undefined;
  const end = line.indexOf(close, character);
  if (end < 0 || line.slice(character, end).includes(open)) return undefined;
  return accept(line.slice(0, start), line.slice(start + 1, end)) ? end : undefined;
}

/**
 * Where to add `bibliography: <path>` to a markdown draft's front matter: a new front matter block
 * when it has none, a line before its closing `---` when it names no bibliography. Undefined when
 * it names one already (the user's choice is not rewritten).
 */
export function bibliographyLine(text: string, path: string): { line: number; text: string } | undefined {
  const lines = text.split('\n');
  const quoted = /^[\w./-]+$/.test(path) ? path : JSON.stringify(path);
  if (!/^---\s*$/.test(lines[0] ?? '')) return { line: 0, text: `---\nbibliography: ${quoted}\n---\n` };
  for (let i = 1; i < lines.length; i++) {
    if (/^bibliography\s*:/.test(lines[i])) return undefined;
    if (/^(---|\.\.\.)\s*$/.test(lines[i])) return { line: i, text: `bibliography: ${quoted}\n` };
  }
  return undefined;
}

/**
 * Where to add `#+bibliography: <path>` to an org draft: after the keyword lines (`#+title:` …) it
 * starts with. Undefined when it names a bibliography already.
 */
export function orgBibliographyLine(text: string, path: string): { line: number; text: string } | undefined {
  const lines = text.split('\n');
  if (lines.some((l) => /^\s*#\+bibliography:/i.test(l))) return undefined;
  let line = 0;
  while (line < lines.length && /^\s*#\+\w+:/.test(lines[line])) line++;
  return { line, text: `#+bibliography: ${/\s/.test(path) ? JSON.stringify(path) : path}\n` };
}
