import { bibliographyLine } from './citationEdits';

/** What Render Draft can make, and how pandoc is asked for each. */
export type RenderFormat = 'html' | 'docx' | 'pdf';
export const RENDER_FORMATS: readonly { format: RenderFormat; label: string; detail: string }[] = [
  { format: 'html', label: 'HTML', detail: 'a standalone page, opened in your browser' },
  { format: 'docx', label: 'Word (.docx)', detail: 'opened with your word processor' },
  { format: 'pdf', label: 'PDF', detail: 'through LaTeX (pandoc needs a LaTeX engine, e.g. pdflatex)' },
];

/**
 * Whether the draft's front matter names its own bibliography (`bibliography:`): then pandoc reads
 * that, as it would from the command line. A draft that names none gets the papers it cites.
 */
export function namesBibliography(text: string): boolean {
  return /^---\s*$/.test(text.slice(0, text.indexOf('\n') + 1 || text.length)) && bibliographyLine(text, 'x') === undefined;
}

/**
 * pandoc's arguments for a draft read from standard input (its text as the editor has it), run in
 * the draft's folder (so its relative paths, `bibliography:` among them, are the draft's): citations
 * processed (citeproc), with `bibliography` (the cited papers, exported by litnotes) when the draft
 * names none.
 */
export function pandocArguments(options: { format: RenderFormat; output: string; bibliography?: string; title: string }): string[] {
  const args = ['--from=markdown', '--citeproc', '--standalone', `--output=${options.output}`];
  if (options.bibliography) args.push(`--bibliography=${options.bibliography}`);
  // A page needs a title (pandoc warns without one): the draft's file name. Images stay links to
  // the draft's folder, beside which the page is written: nothing is fetched from the web.
  if (options.format === 'html') args.push(`--metadata=pagetitle:${options.title}`);
  return args;
}

/** The rendered file's name: the draft's, with the format's extension. */
export function renderedName(draftName: string, format: RenderFormat): string {
  return `${draftName.replace(/\.[^./\\]+$/, '')}.${format}`;
}

/** What pandoc's standard error says, for a message: its last lines, capped. */
export function pandocMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const text = lines.slice(-3).join(' ');
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}
