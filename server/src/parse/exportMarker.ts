/**
 * How a bibliography litnotes wrote (features/exportBibliography.ts) says so: a first-line comment
 * in BibTeX and YAML, a property of every item in CSL JSON (which has no comments; citeprocs ignore
 * properties they do not know). Such a file is rewritten by `litnotes.export.onSave` and any other
 * never is; and it is not read back as a source (it holds what the library already knows).
 */
export const MARKER_FIELD = 'litnotes-export';
export const MARKER_COMMENT = 'Written by litnotes (Literature Notes); it rewrites this file when it exports again.';

export function isLitnotesExport(text: string): boolean {
  const head = text.slice(0, 2000);
  return head.includes(MARKER_COMMENT) || new RegExp(`"${MARKER_FIELD}"\\s*:\\s*true`).test(head);
}
