import picomatch = require('picomatch');
import type { Settings } from '../shared/settings';

export type Candidate = 'note' | 'digest' | 'bibliography' | 'markdown' | 'draft';

const MARKDOWN = /\.(md|markdown)$/i;
/** Files that may cite: markdown, Quarto, R Markdown, LaTeX, Org. */
export const DRAFT = /\.(md|markdown|qmd|rmd|tex|org)$/i;
/** Quarto's project and folder metadata (`_quarto.yml`, `_metadata.yml`): the `bibliography:` of the drafts below them. */
export const PROJECT_METADATA = /(^|\/)_(quarto|metadata)\.ya?ml$/i;

/** Decides from a workspace-relative path what a file may be; `markdown` becomes a note if its front matter has a citekey. */
export class Classifier {
  private readonly isNote: (p: string) => boolean;
  private readonly isDigest: (p: string) => boolean;
  private readonly isBibliography: (p: string) => boolean;
  private readonly isExcluded: (p: string) => boolean;

  constructor(settings: Settings) {
    const opts = { dot: false, nocase: true };
    this.isNote = picomatch(settings.notes, opts);
    this.isDigest = picomatch(settings.digests, opts);
    this.isBibliography = picomatch(settings.bibliographies, opts);
    this.isExcluded = picomatch(settings.exclude, { dot: true, nocase: true });
  }

  excludesDirectory(relativeDir: string): boolean {
    return this.isExcluded(relativeDir) || this.isExcluded(`${relativeDir}/`) || this.isExcluded(`${relativeDir}/x`);
  }

  classify(relativePath: string): Candidate | undefined {
    if (this.isExcluded(relativePath)) return undefined;
    if (PROJECT_METADATA.test(relativePath)) return 'draft';
    if (this.isBibliography(relativePath)) return 'bibliography';
    if (this.isDigest(relativePath)) return 'digest';
    if (this.isNote(relativePath) && MARKDOWN.test(relativePath)) return 'note';
    if (MARKDOWN.test(relativePath)) return 'markdown';
    if (DRAFT.test(relativePath)) return 'draft';
    return undefined;
  }
}
