import type { FileEntry } from '../library/library';
import type { Candidate } from './classify';
import { declaresCitationKey, parseNote } from '../sources/note';
import { digestFormat, parseDigest } from '../sources/digest';
import { findCitations, flavorOf } from '../citations/find';

export interface ParsedFile { entry: FileEntry; log: string[] }

/** Parse one file's text into a library entry. Pure: the caller reads the file. */
export function parseFile(uri: string, relativePath: string, candidate: Candidate, text: string): ParsedFile {
  const kind = candidate === 'digest' ? 'digest' : candidate === 'note' || (candidate === 'markdown' && declaresCitationKey(text)) ? 'note' : 'draft';
  if (kind === 'digest') {
    const parsed = parseDigest(uri, text, digestFormat(relativePath), relativePath);
    return { entry: { uri, kind, relativePath, sources: parsed.papers, problems: parsed.problems, citations: [] }, log: parsed.log };
  }
  const citations = findCitations(text, flavorOf(relativePath));
  if (kind === 'note') {
    const parsed = parseNote(uri, text, { relativePath });
    return { entry: { uri, kind, relativePath, sources: parsed.papers, problems: parsed.problems, citations }, log: parsed.log };
  }
  return { entry: { uri, kind, relativePath, sources: [], problems: [], citations }, log: [] };
}
