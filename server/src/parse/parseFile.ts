import type { FileEntry } from './types';
import { Candidate, PROJECT_METADATA } from './classify';
import { isPaperNote, parseNote } from './note';
import { isOrgPaperNote, parseOrgNote } from './orgNote';
import { digestFormat, parseDigest } from './digest';
import { bibliographyFormat, cslItemsOf, parseBibliography } from './bibliography';
import { draftBibliography, namedBibliographyRanges, projectBibliography } from './draft';
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
  const flavor = flavorOf(relativePath);
  const org = candidate === 'draft' && flavor === 'org';
  if (candidate === 'draft' && PROJECT_METADATA.test(relativePath)) return projectMetadata(uri, relativePath, text);
  const kind = candidate === 'digest' ? 'digest' : ((candidate === 'note' || candidate === 'markdown') && isPaperNote(text, relativePath, candidate === 'note')) || (org && isOrgPaperNote(text)) ? 'note' : 'draft';
  if (kind === 'digest') {
    const parsed = parseDigest(uri, text, digestFormat(relativePath), relativePath, json);
    return { entry: { uri, kind, relativePath, sources: parsed.papers, problems: parsed.problems, citations: [] }, log: parsed.log };
  }
  const citations = findCitations(text, flavor);
  if (kind === 'note') {
    const parsed = org ? parseOrgNote(uri, text, relativePath) : parseNote(uri, text, { relativePath });
    return { entry: { uri, kind, relativePath, sources: parsed.papers, problems: parsed.problems, citations }, log: parsed.log };
  }
  const bib = draftBibliography(uri, text, flavor, relativePath);
  const entry: FileEntry = { uri, kind, relativePath, sources: bib.references.papers, problems: bib.references.problems, citations };
  nameBibliographies(entry, text, bib.named);
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

/** Quarto's project metadata: a draft-like entry that only names the bibliography of the drafts below it. */
function projectMetadata(uri: string, relativePath: string, text: string): ParsedFile {
  const entry: FileEntry = { uri, kind: 'draft', relativePath, sources: [], problems: [], citations: [] };
  const project = projectBibliography(text);
  nameBibliographies(entry, text, project.named);
  return { entry, log: project.error ? [`${relativePath}: its bibliography could not be read (${project.error})`] : [] };
}

/** A draft's bibliography files, and where it names each (for a diagnostic when one cannot be read). */
function nameBibliographies(entry: FileEntry, text: string, named: string[]): void {
  if (!named.length) return;
  entry.bibliographies = named;
  entry.bibliographyRanges = namedBibliographyRanges(text, named);
}
