import type { Range } from '../util/text';
import type { Citation } from './citations';

/** A problem found in a source file, shown as a diagnostic on that file. */
export interface SourceProblem {
  range: Range;
  message: string;
  severity: 'error' | 'warning' | 'info';
  code: string;
}

/**
 * Where a long text (an abstract, a note's summary or body) is kept out of memory: the UTF-8 bytes
 * at `at`, `bytes` long, in store file `file` of this server's text store (runtime/textStore.ts).
 * The parse workers put texts there; what reads one asks the store (Library.text).
 */
export interface StoredText { file: number; at: number; bytes: number }

/** A text as a source or paper holds it: in memory, or kept in the text store. */
export type Text = string | StoredText;

/**
 * What is known about a paper, the same fields at every stage: what one note or digest entry says
 * (PaperSource), the merged paper (Paper), and the details sent to the reader (PaperDetails).
 * `T`: how long texts are held (a source or paper in the server may have them in the text store).
 */
export interface PaperMetadata<T extends Text = string> {
  title: string;
  authors: string[];
  year?: number;
  /** Digest date as written on the page, e.g. "Sep 8". */
  digestDate?: string;
  arxiv?: string;
  doi?: string;
  url?: string;
  codeUrls: string[];
  /** A note's `abstract` field, or a digest's abstract (a merged paper: the note's wins). */
  abstract?: T;
  /** A note's own summary (Abstract/Summary/TL;DR section or first paragraph), when it differs from the abstract. */
  summary?: T;
  topics: string[];
  /** Keywords a digest gives for the paper (Hugging Face's `ai_keywords`): evidence for derived topics, not topics themselves. */
  keywords?: string[];
  /** Authors (of `authors`) that are organisations, not people: exported as literal names. */
  organizations?: string[];
  /** What a bibliography needs, where a source says it (CSL type names). */
  type?: string;
  /** The journal, proceedings or book the paper appeared in. */
  container?: string;
  volume?: string;
  issue?: string;
  pages?: string;
  publisher?: string;
  /** When it was published: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  issued?: string;
  /** Local documents of the paper (its PDF), as `file:` URIs (parse/attachments.ts); not checked to exist. */
  files?: string[];
}

/** What one note, one digest entry or one bibliography entry says about a paper. */
export interface PaperSource extends PaperMetadata<Text> {
  kind: 'note' | 'digest' | 'bib';
  uri: string;
  /** Explicit citation key (notes, bibliography entries) or undefined (digest entries get derived keys). */
  key?: string;
  /** A note's other keys (its front matter's `aliases:`, as Obsidian and litnotes' note template write them). */
  aliases?: string[];
  /** Where the key is written (note front matter, bibliography entry), for definition and rename. */
  keyRange?: Range;
  titleRange: Range;
  /** Sortable digest date (ISO yyyy-mm-dd or as written), used to rank key clashes. */
  dateRank?: string;
  /** Note: the markdown body (capped), for full-text search. */
  body?: Text;
  /** Position of the entry in its digest (0-based); notes: 0. */
  ordinal: number;
}

export interface ParsedSource {
  papers: PaperSource[];
  problems: SourceProblem[];
  /** Lines for the output channel (things skipped or recovered). */
  log: string[];
}

/** What the library holds of one file: its papers (sources), its problems and the citations in it. */
export type FileKind = 'note' | 'digest' | 'bibliography' | 'draft';

export interface FileEntry {
  uri: string;
  kind: FileKind;
  /** Workspace-relative path for messages. */
  relativePath: string;
  sources: PaperSource[];
  problems: SourceProblem[];
  citations: Citation[];
  /** Content hash of what this file adds to the full-text index (search/documents.ts), set where it is parsed. */
  searchHash?: string;
  /** A draft's bibliography files (its `bibliography:` front matter, LaTeX's \addbibresource), as written. */
  bibliographies?: string[];
  /** Where the draft writes each of `bibliographies` (for a diagnostic when one cannot be read). */
  bibliographyRanges?: Range[];
}
