import * as yaml from 'js-yaml';
import type { WorkspaceEdit } from 'vscode-languageserver-types';
import type { Library, Paper } from '../model/library';

/** A new literature note for a paper: YAML front matter (safely dumped) and the abstract. */
export function noteTemplate(paper: Paper, library: Library): string {
  const fields: Record<string, unknown> = { citekey: paper.key, title: paper.title };
  if (paper.authors.length) fields.authors = paper.authors;
  if (paper.year) fields.year = paper.year;
  if (paper.arxiv) fields.arxiv = paper.arxiv;
  if (paper.digestDate) fields.digest = paper.digestDate;
  if (paper.codeUrls.length) fields.code = paper.codeUrls[0];
  if (paper.aliases.length) fields.aliases = paper.aliases;
  // The paper's own document (its Better BibTeX entry's attachment), so that the note keeps it.
  const pdf = paper.files?.map(pathOfFileUri).find((p) => p !== undefined);
  if (pdf) fields.pdf = pdf;
  fields.tags = paper.topics;
  const abstract = library.text(paper.abstract);
  if (abstract) fields.abstract = abstract;
  return noteText(fields, paper.title);
}

/** A local file's path from its `file:` URI (`C:/…` for a Windows drive), as a note writes it; undefined for anything else. */
function pathOfFileUri(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    if (url.protocol !== 'file:' || url.host) return undefined;
    const path = decodeURIComponent(url.pathname);
    return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
  } catch {
    return undefined;
  }
}

/** A note's text: the fields as YAML front matter (safely dumped), the title as heading, empty sections. */
export function noteText(fields: Record<string, unknown>, title: string): string {
  const front = yaml.safeDump(fields, { lineWidth: -1, noRefs: true, skipInvalid: true });
  // Headings are plain text: a title cannot start a new block because newlines were folded on parse.
  return `---\n${front}---\n\n# ${title}\n\n## Summary\n\n\n## Notes\n\n`;
}

/**
 * A workspace edit that creates the note. It never overwrites: `uri` was chosen free, and the
 * create fails rather than replace if that changed.
 */
export function newNoteEdit(uri: string, text: string): WorkspaceEdit {
  return {
    documentChanges: [
      { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } },
      { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }] },
    ],
  };
}

/** A file name for the note that does not exist yet: KEY.md, else KEY-2.md, ... */
export function newNotePath(folder: string, key: string, exists: (path: string) => boolean): string {
  // A key is untrusted text: no separators, no "..", no leading dot or dash in the file name.
  const safe = key.replace(/[^\p{L}\p{N}_.-]+/gu, '-').replace(/\.{2,}/g, '').replace(/-{2,}/g, '-').replace(/^[.-]+/, '') || 'note';
  const base = `${folder.replace(/\/+$/, '')}/${safe}`;
  if (!exists(`${base}.md`)) return `${base}.md`;
  for (let n = 2; ; n++) if (!exists(`${base}-${n}.md`)) return `${base}-${n}.md`;
}
