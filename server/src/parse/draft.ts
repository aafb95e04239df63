import { FrontMatterResult, parseYamlBounded, readFrontMatter } from './frontMatter';
import { CslItem, cslSources, isCslList, yamlIdRanges } from './bibliography';
import { LineIndex, range } from '../util/text';
import type { Range } from '../util/text';
import type { ParsedSource } from './types';
import { DocumentFlavor, fenceAfter } from './citations';

/** What a draft says about its bibliography: the files it names, and the references it holds itself. */
export interface DraftBibliography {
  /** Paths as written, relative to the draft's folder (LaTeX's `\bibliography{refs}` gets `.bib`). */
  named: string[];
  /** pandoc's inline `references:` in the front matter, as bibliography entries of the draft. */
  references: ParsedSource;
}

const MAX_NAMED = 20;

/**
 * Markdown, Quarto, R Markdown: `bibliography:` (a path or a list) and `references:` in the front
 * matter, or in a metadata block further down (pandoc reads one anywhere: some drafts keep their
 * references at the end). LaTeX: `\addbibresource{file.bib}` (biblatex) and `\bibliography{a,b}`
 * (BibTeX). Org: `#+bibliography: file.bib` (org-cite) and org-ref's `bibliography:a.bib,b.bib` link.
 */
export function draftBibliography(uri: string, text: string, flavor: DocumentFlavor, relativePath: string): DraftBibliography {
  const references: ParsedSource = { papers: [], problems: [], log: [] };
  if (flavor === 'latex') return { named: latexBibliographies(text), references };
  if (flavor === 'org') return { named: orgBibliographies(text), references };
  const named: string[] = [];
  const items: CslItem[] = [];
  const ranges = new Map<string, Range>();
  const take = (fm: FrontMatterResult, firstLine: number) => {
    named.push(...bibliographyField(fm.data.bibliography));
    if (!isCslList(fm.data.references, true)) return;
    items.push(...fm.data.references);
    for (const [id, r] of yamlIdRanges('', fm.lines.map(({ line, text: t }) => ({ line: line + firstLine, text: t })))) if (!ranges.has(id)) ranges.set(id, r);
  };
  const front = readFrontMatter(text);
  take(front, 0);
  for (const block of laterMetadataBlocks(text, front.bodyLine)) take(readFrontMatter(block.text), block.line);
  if (items.length) references.papers = cslSources(uri, items, (id) => ranges.get(id), references, relativePath);
  return { named: [...new Set(named)].slice(0, MAX_NAMED), references };
}

/** A `bibliography:` field's paths: one, or a list; what is not a path left out. */
function bibliographyField(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim());
}

/**
 * Quarto's `_quarto.yml` or `_metadata.yml`: the bibliography it names for the drafts in its folder
 * and below (those that name none themselves), relative to its folder; `error` if its YAML cannot be read.
 */
export function projectBibliography(text: string): { named: string[]; error?: string } {
  if (!/^\s*bibliography\s*:/m.test(text)) return { named: [] };
  try {
    const named = bibliographyField((parseYamlBounded(text) as Record<string, unknown>).bibliography);
    return { named: [...new Set(named)].slice(0, MAX_NAMED) };
  } catch (err) {
    return { named: [], error: String((err as Error)?.message ?? err).slice(0, 200) };
  }
}

/** Metadata blocks looked at below the front matter: a draft has one or two. */
const MAX_LATER_BLOCKS = 8;
/** The fields that make a later block worth reading (a `---` rule followed by text is not one). */
const BLOCK_FIELD = /^(references|bibliography|nocite)\s*:/m;

/**
 * The draft's YAML metadata blocks below its front matter (which ends before line `from`) that may
 * name its bibliography, as pandoc reads them (`---` after a blank line and before a non-blank one,
 * up to `---` or `...`, outside fenced code), with a `references:` or `bibliography:` field. Each
 * with the line it starts on.
 */
function laterMetadataBlocks(text: string, from: number): { text: string; line: number }[] {
  const blocks: { text: string; line: number }[] = [];
  if (!text.includes('\n---')) return blocks;
  const lines = text.split('\n');
  let fence: string | undefined;
  for (let i = from; i < lines.length && blocks.length < MAX_LATER_BLOCKS; i++) {
    const line = lines[i].replace(/\r$/, '');
    const after = fenceAfter(line, fence);
    if (after !== null) { fence = after; continue; }
    if (fence || i === 0 || !/^---\s*$/.test(line) || lines[i - 1].trim() !== '' || !(lines[i + 1] ?? '').trim()) continue;
    let end = i + 1;
    while (end < lines.length && !/^(---|\.\.\.)\s*$/.test(lines[end].replace(/\r$/, ''))) end++;
    if (end >= lines.length) break;
    const block = lines.slice(i, end + 1).join('\n');
    // Not a block of ours: scan on from the next line (its closing `---` may be another block's start, or in code).
    if (!BLOCK_FIELD.test(block)) continue;
    blocks.push({ text: block, line: i });
    i = end;
  }
  return blocks;
}

function latexBibliographies(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(?<!\\)%.*$/, '');
    if (!line.includes('\\addbibresource') && !line.includes('\\bibliography')) continue;
    for (const m of line.matchAll(/\\addbibresource\s*(?:\[[^\]\n]{0,200}\])?\s*\{([^{}\n]{1,500})\}/g)) out.push(m[1].trim());
    for (const m of line.matchAll(/\\bibliography\s*\{([^{}\n]{1,500})\}/g)) {
      for (const name of m[1].split(',').map((n) => n.trim()).filter(Boolean)) out.push(/\.bib$/i.test(name) ? name : `${name}.bib`);
    }
  }
  return [...new Set(out)].slice(0, MAX_NAMED);
}

/** Org's bibliography keyword (a path, quoted if it has spaces) and org-ref's link, at the start of a line. */
const ORG_BIBLIOGRAPHY = /^\s*#\+bibliography:\s*(?:"([^"\n]{1,500})"|(\S{1,500}))/i;
const ORG_REF_BIBLIOGRAPHY = /^\s*(?:\[\[)?(?:no)?bibliography:([^\s\][]{1,500})/;

/** Org: its keyword, org-ref's link, and LaTeX's commands (in `#+latex_header:` lines or raw LaTeX) for a draft exported to LaTeX. */
function orgBibliographies(text: string): string[] {
  const out: string[] = latexBibliographies(text);
  for (const raw of text.split('\n')) {
    if (!/bibliography:/i.test(raw)) continue;
    const keyword = ORG_BIBLIOGRAPHY.exec(raw);
    if (keyword) { out.push(keyword[1] ?? keyword[2]); continue; }
    const link = ORG_REF_BIBLIOGRAPHY.exec(raw);
    if (link) out.push(...link[1].split(',').map((n) => n.trim()).filter(Boolean));
  }
  return [...new Set(out)].slice(0, MAX_NAMED);
}

/**
 * Where the draft writes each of its bibliography names (`named`, as draftBibliography gives them):
 * the first place the name is written as a whole (LaTeX's `\bibliography{refs}` writes `refs.bib`
 * as `refs`), for a diagnostic on it. A name not found gets the first line.
 */
export function namedBibliographyRanges(text: string, named: readonly string[]): Range[] {
  const index = new LineIndex(text);
  return named.map((name) => {
    for (const written of [name, name.replace(/\.bib$/i, '')]) {
      // A name written as part of other words thousands of times (`a`) is not looked for further.
      let tries = 0;
      for (let at = text.indexOf(written); at >= 0 && tries++ < 1000; at = text.indexOf(written, at + 1)) {
        const before = text[at - 1] ?? ' ', after = text[at + written.length] ?? ' ';
        if (/[\w./-]/.test(before) || /[\w/-]/.test(after) || (after === '.' && /\w/.test(text[at + written.length + 1] ?? ''))) continue;
        const start = index.positionAt(at);
        return range(start.line, start.character, start.line, start.character + written.length);
      }
    }
    return range(0, 0, 0, 0);
  });
}
