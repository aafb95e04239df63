import type { FileEntry } from './types';
import { Candidate, PROJECT_METADATA } from './classify';
import { parseYamlBounded } from './frontMatter';
import { isPaperNote, parseNote } from './note';
import { isOrgPaperNote, parseOrgNote } from './orgNote';
import { digestFormat, parseDigest } from './digest';
import { bibliographyFormat, cslItemsOf, parseBibliography } from './bibliography';
import { draftBibliography, namedBibliographyRanges } from './draft';
import { findCitations, flavorOf } from './citations';

export interface ParsedFile { entry: FileEntry; log: string[] }

/** Names that are bibliographies only when their content is one (`library.json` is often something else). */
const COMMON_NAME = /(^|\/)(references|library|bibliography)\.json$/i;

/** Parse one file's text into a library entry. Pure: the caller reads the file. */
export function parseFile(uri: string, relativePath: string, candidate: Candidate, text: string): ParsedFile {
  const json = candidate === 'bibliography' || candidate === 'digest' ? jsonOf(relativePath, text) : undefined;
  // A CSL JSON file is a bibliography wherever it is, digest folders included (detected by its shape).
  if (candidate === 'bibliography' || (json && cslItemsOf(json.data))) {
    const parsed = parseBibliography(uri, text, bibliographyFormat(relativePath) ?? 'csl-json', relativePath, !COMMON_NAME.test(relativePath), json);
    return { entry: { uri, kind: 'bibliography', relativePath, sources: parsed.papers, problems: parsed.problems, citations: [] }, log: parsed.log };
  }
  const org = candidate === 'draft' && flavorOf(relativePath) === 'org';
  if (candidate === 'draft' && PROJECT_METADATA.test(relativePath)) return projectMetadata(uri, relativePath, text);
  const kind = candidate === 'digest' ? 'digest' : ((candidate === 'note' || candidate === 'markdown') && isPaperNote(text, relativePath, candidate === 'note')) || (org && isOrgPaperNote(text)) ? 'note' : 'draft';
  if (kind === 'digest') {
    const parsed = parseDigest(uri, text, digestFormat(relativePath), relativePath, json);
    return { entry: { uri, kind, relativePath, sources: parsed.papers, problems: parsed.problems, citations: [] }, log: parsed.log };
  }
  const flavor = flavorOf(relativePath);
  const citations = findCitations(text, flavor);
  if (kind === 'note') {
    const parsed = org ? parseOrgNote(uri, text, relativePath) : parseNote(uri, text, { relativePath });
    return { entry: { uri, kind, relativePath, sources: parsed.papers, problems: parsed.problems, citations }, log: parsed.log };
  }
  const bib = draftBibliography(uri, text, flavor, relativePath);
  const entry: FileEntry = { uri, kind, relativePath, sources: bib.references.papers, problems: bib.references.problems, citations };
  if (bib.named.length) {
    entry.bibliographies = bib.named;
    entry.bibliographyRanges = namedBibliographyRanges(text, bib.named);
  }
  return { entry, log: bib.references.log };
}

/** A .json file's data, parsed once for whichever parser reads it; undefined if it is not JSON (the parser then says why). */
function jsonOf(relativePath: string, text: string): { data: unknown } | undefined {
  if (!/\.json$/i.test(relativePath)) return undefined;
  try {
    return { data: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/**
 * Quarto's `_quarto.yml` or `_metadata.yml`: a draft-like entry naming the bibliography of the drafts
 * in its folder and below (those that name none themselves), relative to its folder.
 */
function projectMetadata(uri: string, relativePath: string, text: string): ParsedFile {
  const entry: FileEntry = { uri, kind: 'draft', relativePath, sources: [], problems: [], citations: [] };
  if (!/^\s*bibliography\s*:/m.test(text)) return { entry, log: [] };
  let data: Record<string, unknown>;
  try {
    data = parseYamlBounded(text) as Record<string, unknown>;
  } catch (err) {
    return { entry, log: [`${relativePath}: its bibliography could not be read (${String((err as Error)?.message ?? err).slice(0, 200)})`] };
  }
  const named = (Array.isArray(data.bibliography) ? data.bibliography : [data.bibliography]).filter((b): b is string => typeof b === 'string' && b.trim() !== '').map((b) => b.trim());
  if (named.length) {
    entry.bibliographies = [...new Set(named)].slice(0, 20);
    entry.bibliographyRanges = namedBibliographyRanges(text, entry.bibliographies);
  }
  return { entry, log: [] };
}
