import * as yaml from 'js-yaml';
import type { Paper } from '../model/library';

/** A new literature note for a paper: YAML front matter (safely dumped) and the abstract. */
export function noteTemplate(paper: Paper): string {
  const fields: Record<string, unknown> = { citekey: paper.key, title: paper.title };
  if (paper.authors.length) fields.authors = paper.authors;
  if (paper.year) fields.year = paper.year;
  if (paper.arxiv) fields.arxiv = paper.arxiv;
  if (paper.digestDate) fields.digest = paper.digestDate;
  if (paper.codeUrls.length) fields.code = paper.codeUrls[0];
  if (paper.aliases.length) fields.aliases = paper.aliases;
  fields.tags = paper.topics;
  if (paper.abstract) fields.abstract = paper.abstract;
  const front = yaml.safeDump(fields, { lineWidth: -1, noRefs: true, skipInvalid: true });
  // Headings are plain text: a title cannot start a new block because newlines were folded on parse.
  return `---\n${front}---\n\n# ${paper.title}\n\n## Summary\n\n\n## Notes\n\n`;
}

/** A file name for the note that does not exist yet: KEY.md, else KEY-2.md, ... */
export function newNotePath(folder: string, key: string, exists: (path: string) => boolean): string {
  // A key is untrusted text: no separators, no "..", no leading dot or dash in the file name.
  const safe = key.replace(/[^\p{L}\p{N}_.-]+/gu, '-').replace(/\.{2,}/g, '').replace(/-{2,}/g, '-').replace(/^[.-]+/, '') || 'note';
  const base = `${folder.replace(/\/+$/, '')}/${safe}`;
  if (!exists(`${base}.md`)) return `${base}.md`;
  for (let n = 2; ; n++) if (!exists(`${base}-${n}.md`)) return `${base}-${n}.md`;
}
