import { readFrontMatter } from './frontMatter';
import { cslSources, isCslList, yamlIdRanges } from './bibliography';
import type { ParsedSource } from './types';
import type { DocumentFlavor } from './citations';

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
 * matter. LaTeX: `\addbibresource{file.bib}` (biblatex) and `\bibliography{a,b}` (BibTeX).
 */
export function draftBibliography(uri: string, text: string, flavor: DocumentFlavor, relativePath: string): DraftBibliography {
  const references: ParsedSource = { papers: [], problems: [], log: [] };
  if (flavor === 'latex') return { named: latexBibliographies(text), references };
  if (!text.startsWith('---')) return { named: [], references };
  const fm = readFrontMatter(text);
  const named = (Array.isArray(fm.data.bibliography) ? fm.data.bibliography : [fm.data.bibliography]).filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim());
  const inline = fm.data.references;
  if (isCslList(inline)) {
    const ranges = yamlIdRanges('', fm.lines);
    references.papers = cslSources(uri, inline, (id) => ranges.get(id), references, relativePath);
  }
  return { named: named.slice(0, MAX_NAMED), references };
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
