import type { FileEntry, PaperMetadata, PaperSource, SourceProblem, Text } from '../parse/types';
export type { FileEntry, FileKind } from '../parse/types';
import type { Citation } from '../parse/citations';
import { chooseKeyFrom, describeTitle, TitleInfo, withSharedWords } from './keys';
import { patchSearchText, searchTextSteps } from './match';
import { sortInSteps, sortStringsInSteps } from './steps';
import { authorTokens } from '../parse/authors';
import { normalizeTitle, Position, Range, range } from '../util/text';
import { sameText } from './sameText';
import { DigestPack, PackedDigestSource } from './packedDigest';

export interface Location { uri: string; range: Range }

/** Reads a text kept in the text store (runtime/textStore.ts: TextReader). */
export interface TextSource { text(t: Text): string }

/** One paper as the features see it: a note and/or digest entries merged. */
export interface Paper extends PaperMetadata<Text> {
  key: string;
  /** Other keys that resolve to this paper (derived digest keys of a paper that has a note). */
  aliases: string[];
  note?: PaperSource;
  /** Bibliography entries of the paper (BibTeX, CSL): the first one's key is the paper's unless a note has one. */
  entries: PaperSource[];
  digests: PaperSource[];
  definition: Location;
  /** Lower-cased forms for matching typed text; the word lists are words joined by spaces (see TitleInfo). */
  match: { key: string; aliases: string[]; titleWords: string; authorWords: string };
}

/** Work between two yields of a resumable rebuild. */
const REBUILD_STEP = 100;

/**
 * What a source's title gives (its words, its normalized form) and an author list's match words,
 * kept on the source and the list themselves (a paper shares both with its source): a WeakMap of
 * every source took a pause of tens of milliseconds each time its table grew. Not enumerable, so
 * the objects read and compare as before.
 */
const TITLE_INFO = Symbol('titleInfo');
const AUTHOR_WORDS = Symbol('authorWords');

/**
 * Keeps `value` on the object under `key`, and returns it. Callers look it up first (`kept`), and
 * make it only if it is not there: a function that made it, passed in, was an allocation on every
 * lookup.
 */
function remember<V>(on: object, key: symbol, value: V): V {
  if (!Object.isExtensible(on)) return value; // the shared empty list (NO_WORDS): nothing to remember
  Object.defineProperty(on, key, { value, writable: true, configurable: true, enumerable: false });
  return value;
}

/**
 * What a source's title gives (keys.ts: describeTitle), made once per source; `given`, if the
 * source has none yet, is the one a parse worker made.
 */
function titleInfo(source: PaperSource, given?: TitleInfo): TitleInfo {
  if (source instanceof PackedDigestSource) return source.titleInfo;
  return kept<TitleInfo>(source, TITLE_INFO) ?? remember(source, TITLE_INFO, given ? withSharedWords(given) : describeTitle(source.title));
}

/** A source's normalized title, base key and title words (TitleInfo's), without making its details of a packed entry. */
const normOf = (s: PaperSource): string => (s instanceof PackedDigestSource ? s.norm : titleInfo(s).norm);
const baseKeyOf = (s: PaperSource): string => (s instanceof PackedDigestSource ? s.baseKey : titleInfo(s).baseKey);
const titleWordsOf = (s: PaperSource): string => (s instanceof PackedDigestSource ? s.titleWords : titleInfo(s).titleWords);
/** A source's authors' words for completion (authorWords of its list, which a packed entry keeps made). */
const authorWordsOf = (s: PaperSource): string => (s instanceof PackedDigestSource ? s.authorWords : authorWords(s.authors));

/** An author list's words for completion matching, joined by spaces, made once per list. */
function authorWords(authors: string[]): string {
  return kept<string>(authors, AUTHOR_WORDS) ?? remember(authors, AUTHOR_WORDS, authorTokens(authors).join(' '));
}

/** What `remember` kept on the object under `key`, if anything. */
function kept<V>(on: object, key: symbol): V | undefined {
  return (on as Record<symbol, V | undefined>)[key];
}

/** A range in the shape this thread's own literals have (see shareRepeatedValues). */
const remade = (r: Range): Range => range(r.start.line, r.start.character, r.end.line, r.end.character);

/**
 * A digest entry's title range as the library keeps it when it lies on one line (nearly every one):
 * three numbers in one object, its positions made when read. As a range it was three objects,
 * ~120 bytes, for each of a large library's digest entries. The library reads it (a line number
 * for hover and the reader) and hands out plain copies (`plainRange`: a paper's definition), so
 * answers hold plain ranges; `toJSON` writes it as one all the same. A write to a field throws.
 */
class LineRange implements Range {
  constructor(private readonly line: number, private readonly from: number, private readonly to: number) {}
  get start(): Position { return { line: this.line, character: this.from }; }
  get end(): Position { return { line: this.line, character: this.to }; }
  toJSON(): Range { return range(this.line, this.from, this.line, this.to); }
}

/** A digest entry's title range as the library keeps it: a LineRange when on one line. */
const titleRangeOfDigest = (r: Range): Range => (r.start.line === r.end.line ? new LineRange(r.start.line, r.start.character, r.end.character) : remade(r));

/** The range as a plain object (a copy of a LineRange; any other range as it is). */
const plainRange = (r: Range): Range => (r instanceof LineRange ? r.toJSON() : r);

/**
 * An entry that came from a parse worker has a value of its own for everything, made where the
 * message was read: the file's uri once per source, the kind once per source and citation, a
 * digest's date twice per entry, an empty list for every entry without authors or topics. At L
 * those copies were a sizeable part of the server's heap; the sources and citations of a file now
 * share one each, and every empty list is one (NO_WORDS, NO_PROBLEMS). Ranges are made again here:
 * an object read from a message has room for more properties than a range or position has, and
 * those are most of the objects a large library holds. This is the citations' and problems' part;
 * the sources' is shareSourceValues, which setFile runs through prepareSources.
 */
function shareRepeatedValues(entry: FileEntry): void {
  for (const c of entry.citations) {
    c.syntax = c.syntax === 'wikilink' ? 'wikilink' : c.syntax === 'pandoc' ? 'pandoc' : c.syntax === 'latex' ? 'latex' : c.syntax === 'org' ? 'org' : c.syntax;
    c.range = remade(c.range);
  }
  if (entry.problems.length === 0) entry.problems = NO_PROBLEMS;
}

/** shareRepeatedValues for the entry's sources from..to (Library.prepareSources). */
function shareSourceValues(entry: FileEntry, from: number, to: number): void {
  const dates = new Map<string, string>();
  const shared = (date: string | undefined) => (date === undefined ? undefined : dates.get(date) ?? (dates.set(date, date), date));
  for (let i = from; i < to; i++) {
    const s = entry.sources[i];
    if (s instanceof PackedDigestSource) continue; // shares what it can already
    if (s.uri === entry.uri) s.uri = entry.uri;
    s.kind = s.kind === 'digest' ? 'digest' : s.kind === 'note' ? 'note' : s.kind === 'bib' ? 'bib' : s.kind;
    if (s.digestDate !== undefined) s.digestDate = shared(s.digestDate);
    if (s.dateRank !== undefined) s.dateRank = shared(s.dateRank);
    if (s.authors.length === 0) s.authors = NO_WORDS;
    if (s.topics.length === 0) s.topics = NO_WORDS;
    if (s.codeUrls.length === 0) s.codeUrls = NO_WORDS;
    s.titleRange = s.kind === 'digest' ? titleRangeOfDigest(s.titleRange) : remade(s.titleRange);
    if (s.keyRange) s.keyRange = remade(s.keyRange);
  }
}

/** How many of an entry's sources prepareSources has done (from the first on). */
const PREPARED = Symbol('prepared');
type Prepared = FileEntry & { [PREPARED]?: number };

/**
 * The library: files in, papers out. Files are replaced whole; `rebuild()` recomputes papers and
 * keys deterministically from all sources, so the order files arrive in never changes a key.
 */
export class Library {
  private readonly files = new Map<string, FileEntry>();
  private byKey = new Map<string, Paper>();
  private list: Paper[] = [];
  private clashProblems = new Map<string, SourceProblem[]>();
  /** key -> uri -> citations of it there. Maintained incrementally as files change. */
  private readonly citationIndex = new Map<string, Map<string, Citation[]>>();
  private noteTitles = new Map<string, Paper>();
  /** How many notes and bibliography entries have each key, and each normalized title (kept as files change, for patchNote). */
  private readonly citableKeys = new Map<string, number>();
  private readonly citableTitles = new Map<string, number>();
  /** Normalized titles of digest entries (the recompute's map of them to its groups' indexes). */
  private digestTitles = new Map<string, number>();
  /** uri -> the paper each of its sources (by ordinal) belongs to (full-text hits are per source). */
  private bySource = new Map<string, (Paper | undefined)[]>();
  /** Told about every file replaced or removed (the full-text index rebuilds only what changed). */
  onFileChanged?: (uri: string) => void;
  private dirty = false;
  private rebuilding = false;
  /** Whether papers were looked up while they were out of date (a scan recomputes early only then). */
  private wanted = false;
  /** Increments whenever the papers change. */
  version = 0;
  /** Increments whenever a file is added, replaced or removed (what is derived from the files alone can be kept until then). */
  filesVersion = 0;
  /** Where texts the parse workers moved to the text store are read back (none: every text is in memory). */
  texts: TextSource | undefined;

  /** A paper's or source's text (abstract, summary, body), from memory or the text store. */
  text(t: Text | undefined): string | undefined {
    if (t === undefined || typeof t === 'string') return t;
    return this.texts ? this.texts.text(t) : '';
  }

  /**
   * setFile's work on each source (its title's details, shareRepeatedValues), done ahead for the
   * entry's sources up to `to`, from where the last call stopped; setFile then does only the rest.
   * For a file of thousands of sources (a 10,000-entry bibliography), done a part at a time between
   * requests: in one block with setFile it held the thread for tens of milliseconds. It also hashes
   * the keys and titles setFile counts (a string's hash is kept once computed).
   */
  prepareSources(entry: FileEntry, titles: TitleInfo[] | undefined, to: number): void {
    const prepared = entry as Prepared;
    const from = prepared[PREPARED] ?? 0;
    to = Math.min(to, entry.sources.length);
    if (to <= from) return;
    const withTitles = titles?.length === entry.sources.length;
    if (entry.kind === 'digest') {
      // Packed (model/packedDigest.ts); an entry that does not pack is shared and keeps its details as any source does.
      // An entry its parse cache record kept packed comes packed, with no title details beside it.
      const infos: (TitleInfo | undefined)[] = [];
      for (let i = from; i < to; i++) {
        const s = entry.sources[i];
        infos.push(s instanceof PackedDigestSource ? undefined : withTitles ? withSharedWords(titles[i]) : describeTitle(s.title));
      }
      DigestPack.packInPlace(entry.sources, from, to, entry.uri, infos, NO_WORDS);
      shareSourceValues(entry, from, to);
      for (let i = from; i < to; i++) if (!(entry.sources[i] instanceof PackedDigestSource)) titleInfo(entry.sources[i], infos[i - from]);
      prepared[PREPARED] = to;
      return;
    }
    for (let i = from; i < to; i++) {
      const s = entry.sources[i];
      const info = titleInfo(s, withTitles ? titles[i] : undefined);
      // Only for the hashing: the strings keep their hashes, and setFile's counting is then cheap.
      if (s.key) this.citableKeys.has(s.key);
      if (info.norm) this.citableTitles.has(info.norm);
    }
    shareSourceValues(entry, from, to);
    prepared[PREPARED] = to;
  }

  /** Add or replace a file. `titles` (one per source, from the parse worker) saves the rebuild deriving them. */
  setFile(entry: FileEntry, titles?: TitleInfo[]): void {
    this.prepareSources(entry, titles, entry.sources.length);
    shareRepeatedValues(entry);
    const old = this.files.get(entry.uri);
    if (old) { this.unindexCitations(old); this.countCitable(old, -1); }
    this.files.set(entry.uri, entry);
    this.countCitable(entry, 1);
    this.filesVersion++;
    this.indexCitations(entry);
    if (old?.sources.length || entry.sources.length) this.onFileChanged?.(entry.uri);
    if (old && this.patchNote(old, entry)) return;
    if (old?.sources.length || entry.sources.length) this.dirty = true;
  }

  removeFile(uri: string): boolean {
    const old = this.files.get(uri);
    if (!old) return false;
    this.unindexCitations(old);
    this.countCitable(old, -1);
    this.files.delete(uri);
    this.filesVersion++;
    if (old.sources.length) { this.dirty = true; this.onFileChanged?.(uri); }
    return true;
  }

  file(uri: string): FileEntry | undefined { return this.files.get(uri); }
  allFiles(): IterableIterator<FileEntry> { return this.files.values(); }
  get isDirty(): boolean { return this.dirty; }
  /** A recompute (in steps) is under way: its papers replace the current ones when it ends. */
  get isRebuilding(): boolean { return this.rebuilding; }
  /** Papers were looked up since the files changed and before they were recomputed. */
  get papersWanted(): boolean { return this.wanted; }

  get(key: string): Paper | undefined { this.lookedUp(); return this.byKey.get(key); }
  /** The paper a note or digest entry belongs to. */
  paperOfSource(uri: string, ordinal: number): Paper | undefined { this.lookedUp(); return this.bySource.get(uri)?.[ordinal]; }
  /** All papers, sorted by key. */
  papers(): readonly Paper[] { this.lookedUp(); return this.list; }
  keys(): IterableIterator<string> { this.lookedUp(); return this.byKey.keys(); }

  /** Every lookup of papers goes through here: one that finds them out of date is what papersWanted reports. */
  private lookedUp(): void { if (this.dirty) this.wanted = true; }

  /** Problems found while merging (a key claimed by two different papers), per note uri. */
  mergeProblems(uri: string): SourceProblem[] { return this.clashProblems.get(uri) ?? []; }
  urisWithMergeProblems(): string[] { return [...this.clashProblems.keys()]; }

  counts(): { papers: number; notes: number; digests: number; digestEntries: number; bibliographies: number; bibliographyEntries: number } {
    let notes = 0, digests = 0, digestEntries = 0, bibliographies = 0, bibliographyEntries = 0;
    for (const f of this.files.values()) {
      if (f.kind === 'note') notes++;
      else if (f.kind === 'digest') { digests++; digestEntries += f.sources.length; }
      else if (f.kind === 'bibliography') { bibliographies++; bibliographyEntries += f.sources.length; }
    }
    return { papers: this.list.length, notes, digests, digestEntries, bibliographies, bibliographyEntries };
  }

  /**
   * The paper a wikilink names: by key or alias, else by its exact title as Obsidian writes links
   * (`[[Attention Is All You Need]]`, compared as titles are merged: case, accents and punctuation aside).
   */
  linked(target: string): Paper | undefined {
    return this.get(target) ?? this.withTitle(target);
  }

  /** The first paper (in key order) with this title, compared as titles are merged. Indexed on first use after each recompute. */
  withTitle(title: string): Paper | undefined {
    const norm = normalizeTitle(title);
    if (!norm) return undefined;
    if (this.titlesVersion !== this.version) {
      this.titles = new Map();
      for (const p of this.papers()) {
        const n = normalizeTitle(p.title);
        if (n && !this.titles.has(n)) this.titles.set(n, p);
      }
      this.titlesVersion = this.version;
    }
    return this.titles.get(norm);
  }

  private titles = new Map<string, Paper>();
  private titlesVersion = -1;

  /** Every citation of a paper (by its key, an alias, or a wikilink to its title), grouped by document. */
  citationsOf(paper: Paper): Map<string, Citation[]> {
    const out = new Map<string, Citation[]>();
    for (const k of new Set([paper.key, ...paper.aliases, paper.title])) {
      for (const [uri, cits] of this.citationIndex.get(k) ?? []) out.set(uri, [...(out.get(uri) ?? []), ...cits]);
    }
    return out;
  }

  /** Documents that cite a paper, sorted; the paper's own note does not count. */
  citingDocuments(paper: Paper): string[] {
    const citing = this.citationsOf(paper);
    if (paper.note) citing.delete(paper.note.uri);
    return [...citing.keys()].sort();
  }

  citationsOfKey(key: string): Map<string, Citation[]> {
    return this.citationIndex.get(key) ?? new Map();
  }

  private indexCitations(entry: FileEntry): void {
    for (const c of entry.citations) {
      let byUri = this.citationIndex.get(c.key);
      if (!byUri) this.citationIndex.set(c.key, (byUri = new Map()));
      const list = byUri.get(entry.uri);
      if (list) list.push(c); else byUri.set(entry.uri, [c]);
    }
  }

  private unindexCitations(entry: FileEntry): void {
    for (const c of entry.citations) {
      const byUri = this.citationIndex.get(c.key);
      if (!byUri) continue;
      byUri.delete(entry.uri);
      if (byUri.size === 0) this.citationIndex.delete(c.key);
    }
  }

  private countCitable(entry: FileEntry, by: 1 | -1): void {
    if (entry.kind !== 'note' && entry.kind !== 'bibliography') return;
    for (const s of entry.sources) {
      if (s.key) count(this.citableKeys, s.key, by);
      const norm = titleInfo(s).norm;
      if (norm) count(this.citableTitles, norm, by);
    }
  }

  /** Recompute papers and keys if any source changed. Returns whether anything was recomputed. */
  rebuild(): boolean {
    if (!this.dirty || this.rebuilding) return false;
    for (const _ of this.rebuildSteps()) { /* run to the end */ }
    return true;
  }

  /**
   * The same rebuild as steps, for a caller that runs them in slices so that requests keep being
   * answered (from the previous papers) while a large library is recomputed; undefined when nothing
   * changed. The papers are swapped in at the end.
   */
  rebuildInSteps(): Generator<void> | undefined {
    if (!this.dirty || this.rebuilding) return undefined;
    return this.rebuildSteps();
  }

  private *rebuildSteps(): Generator<void> {
    this.dirty = false;
    this.wanted = false;
    this.rebuilding = true;
    try {
      yield* this.compute();
    } finally {
      this.rebuilding = false;
    }
    yield* searchTextSteps(this);
  }

  private *compute(): Generator<void> {
    // Files in uri order, so that neither the order files arrive in nor their order here can change
    // a key or a merge. A snapshot: files replaced while this runs are for the next recompute.
    const entries = yield* sortInSteps([...this.files.values()], (a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
    const notes: PaperSource[] = [];
    const noteInfos: TitleInfo[] = [];
    const digestSources: PaperSource[] = [];
    /** The digest entries' normalized titles (a packed entry's details are not made for the recompute). */
    const digestNorms: string[] = [];
    const bibSources: PaperSource[] = [];
    const bibInfos: TitleInfo[] = [];
    /** The paper of every source, in file order (a note, digest or bibliography entry is found by where it is here). */
    const paperAt: (Paper | undefined)[] = [];
    const noteAt: number[] = [];
    const digestAt: number[] = [];
    const bibAt: number[] = [];
    let step = 0;
    // Indexed loops throughout: this code runs too rarely to be optimised, and unoptimised, a
    // for-of loop allocates a result object per element (a good part of a rebuild's garbage).
    for (let e = 0; e < entries.length; e++) {
      const sources = entries[e].sources;
      for (let k = 0; k < sources.length; k++) {
        const s = sources[k];
        if (++step % REBUILD_STEP === 0) yield;
        if (s.kind === 'note') { notes.push(s); noteInfos.push(titleInfo(s)); noteAt.push(paperAt.length); }
        else if (s.kind === 'bib') { bibSources.push(s); bibInfos.push(titleInfo(s)); bibAt.push(paperAt.length); }
        else { digestSources.push(s); digestNorms.push(normOf(s)); digestAt.push(paperAt.length); }
        paperAt.push(undefined);
      }
    }

    const byKey = new Map<string, Paper>();
    /** Every paper's own key (byKey has its aliases too), added as each paper is made. */
    const keys: string[] = [];
    const byArxiv = new Map<string, Paper>();
    const byDoi = new Map<string, Paper>();
    const byTitle = new Map<string, Paper>();
    const clash = new Map<string, SourceProblem[]>();

    // Notes first: their keys are explicit and primary. Notes in hidden folders (a copy some tool
    // keeps in `.archive/`, say) come last, and give way silently: the live note keeps the key.
    const noteOrder: number[] = [];
    for (let i = 0; i < notes.length; i++) if (!inHiddenFolder(notes[i].uri)) noteOrder.push(i);
    for (let i = 0; i < notes.length; i++) if (inHiddenFolder(notes[i].uri)) noteOrder.push(i);
    for (let n = 0; n < noteOrder.length; n++) {
      if (++step % REBUILD_STEP === 0) yield;
      const i = noteOrder[n];
      const note = notes[i];
      const key = note.key!;
      const existing = byKey.get(key);
      const norm = noteInfos[i].norm;
      if (existing && inHiddenFolder(note.uri) && !inHiddenFolder(existing.note!.uri)) continue;
      if (existing) {
        const same = (note.arxiv && note.arxiv === existing.arxiv) || (norm && norm === titleInfo(existing.note!).norm);
        if (!same) {
          const other = existing.note!;
          const at = note.keyRange ?? note.titleRange;
          const message = (where: string) => `Citation key "${key}" is also claimed by a different paper in ${where}.`;
          pushProblem(clash, note.uri, { range: at, message: message(other.uri), severity: 'warning', code: 'duplicate-key' });
          pushProblem(clash, other.uri, { range: other.keyRange ?? other.titleRange, message: message(note.uri), severity: 'warning', code: 'duplicate-key' });
        }
        continue; // a second note of the same paper adds nothing the first does not have
      }
      const paper = newPaper(key, note);
      paperAt[noteAt[i]] = paper;
      byKey.set(key, paper);
      keys.push(key);
      if (note.arxiv && !byArxiv.has(note.arxiv)) byArxiv.set(note.arxiv, paper);
      if (note.doi && !byDoi.has(note.doi.toLowerCase())) byDoi.set(note.doi.toLowerCase(), paper);
      if (norm && !byTitle.has(norm)) byTitle.set(norm, paper);
    }

    /** A source's other keys for its paper, each not yet a key or alias of any paper: a key always wins over an alias. */
    const takeAliases = (paper: Paper, aliases: readonly string[]) => {
      for (const alias of aliases) {
        if (byKey.has(alias)) continue;
        byKey.set(alias, paper);
        paper.aliases = [...paper.aliases, alias];
      }
    };

    // A note's own aliases, once every note's key is in.
    for (let i = 0; i < notes.length; i++) {
      const note = notes[i];
      const paper = note.aliases && byKey.get(note.key!);
      if (paper && paper.note === note) takeAliases(paper, note.aliases!);
    }

    // Bibliography entries next: the same paper as a note (same DOI, arXiv id, or title and first
    // author) joins it, its key an alias; otherwise its key is the paper's.
    for (let i = 0; i < bibSources.length; i++) {
      if (++step % REBUILD_STEP === 0) yield;
      const entry = bibSources[i];
      const key = entry.key!;
      const norm = bibInfos[i].norm;
      const titled = norm ? byTitle.get(norm) : undefined;
      let paper = (entry.doi && byDoi.get(entry.doi.toLowerCase())) || (entry.arxiv && byArxiv.get(entry.arxiv)) || (titled && sameFirstAuthor(titled.authors, entry.authors) ? titled : undefined);
      const holder = byKey.get(key);
      if (holder && holder !== paper) {
        // The key is taken by a different paper: a note's key wins, and the first bibliography entry's.
        const other = holder.note ?? holder.entries[0];
        const message = (where: string) => `Citation key "${key}" is also claimed by a different paper in ${where}.`;
        pushProblem(clash, entry.uri, { range: entry.keyRange ?? entry.titleRange, message: message(other.uri), severity: 'warning', code: 'duplicate-key' });
        continue;
      }
      if (paper) {
        mergeBib(paper, entry);
        if (key !== paper.key && !paper.aliases.includes(key)) paper.aliases = [...paper.aliases, key];
      } else {
        paper = newPaper(key, entry);
        keys.push(key);
        if (entry.arxiv && !byArxiv.has(entry.arxiv)) byArxiv.set(entry.arxiv, paper);
        if (entry.doi && !byDoi.has(entry.doi.toLowerCase())) byDoi.set(entry.doi.toLowerCase(), paper);
        if (norm && !byTitle.has(norm)) byTitle.set(norm, paper);
      }
      byKey.set(key, paper);
      paperAt[bibAt[i]] = paper;
    }

    // A bibliography entry's other keys (biblatex's `ids`), once every entry's key is in.
    for (let i = 0; i < bibSources.length; i++) {
      const entry = bibSources[i];
      const paper = entry.aliases && paperAt[bibAt[i]];
      if (paper && byKey.get(entry.key!) === paper) takeAliases(paper, entry.aliases!);
    }

    // Digest entries: group entries of one paper (same arXiv id or title) across digests.
    interface Member { source: PaperSource; at: number }
    interface Group { members: Member[]; paper?: Paper; norm: string; index: number; rank: string }
    const groups: Group[] = [];
    const groupByArxiv = new Map<string, Group>();
    /** Normalized title -> index in `groups` (kept as the digest titles: numbers keep no group alive). */
    const groupByTitle = new Map<string, number>();
    for (let i = 0; i < digestSources.length; i++) {
      if (++step % REBUILD_STEP === 0) yield;
      const s = digestSources[i];
      const norm = digestNorms[i];
      const titleGroup = groupByTitle.get(norm);
      let g = (s.arxiv && groupByArxiv.get(s.arxiv)) || (titleGroup === undefined ? undefined : groups[titleGroup]);
      const member = { source: s, at: digestAt[i] };
      if (g) g.members.push(member);
      else groups.push((g = { members: [member], norm, index: groups.length, rank: '' }));
      if (s.arxiv && !groupByArxiv.has(s.arxiv)) groupByArxiv.set(s.arxiv, g);
      if (!groupByTitle.has(norm)) groupByTitle.set(norm, g.index);
    }
    // Keys in a fixed order (digest date, then title), so neither file order nor entry order matters,
    // and a digest from a later day can never take a key an earlier paper already has. Each group
    // starts with a title no earlier group has, so no two groups have the same order.
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (++step % REBUILD_STEP === 0) yield;
      if (g.members.length > 1) g.members.sort((a, b) => compareSources(a.source, b.source));
      g.rank = dateRankOf(g.members[0].source);
      let arxiv: string | undefined;
      for (let m = 0; m < g.members.length && !arxiv; m++) arxiv = g.members[m].source.arxiv;
      g.paper = (arxiv && byArxiv.get(arxiv)) || byTitle.get(g.norm);
    }
    yield;
    const taken = (k: string) => byKey.has(k);
    const inOrder = (a: Group, b: Group) => {
      const ra = a.rank, rb = b.rank;
      return ra !== rb ? (ra < rb ? -1 : 1) : a.norm < b.norm ? -1 : a.norm > b.norm ? 1 : 0;
    };
    const ordered = yield* sortInSteps(groups, inOrder);
    for (let i = 0; i < ordered.length; i++) {
      const g = ordered[i];
      if (++step % REBUILD_STEP === 0) yield;
      const key = chooseKeyFrom(g.members[0].source.title, baseKeyOf(g.members[0].source), taken);
      let paper = g.paper;
      if (paper) {
        paper.aliases = [...paper.aliases, key];
        for (let m = 0; m < g.members.length; m++) mergeDigest(paper, g.members[m].source);
      } else {
        paper = sameDigestPaper(this.byKey.get(key), g.members);
        if (!paper && g.members.length === 1) paper = digestPaper(key, g.members[0].source);
        else if (!paper) {
          // The first member makes a new paper; the others add to it.
          paper = newPaper(key, g.members[0].source);
          for (let m = 1; m < g.members.length; m++) mergeDigest(paper, g.members[m].source);
        }
        keys.push(key);
      }
      byKey.set(key, paper);
      for (let m = 0; m < g.members.length; m++) paperAt[g.members[m].at] = paper;
    }

    // Papers in key order: completion scans them in this order and so never sorts per keystroke.
    const sortedKeys = yield* sortStringsInSteps(keys);
    const list: Paper[] = new Array(sortedKeys.length);
    for (let i = 0; i < sortedKeys.length; i++) {
      if (++step % REBUILD_STEP === 0) yield;
      const paper = byKey.get(sortedKeys[i])!;
      list[i] = unfinished(paper) ? this.finishPaper(paper) : paper; // a kept paper is finished
    }
    const bySource = new Map<string, (Paper | undefined)[]>();
    let at = 0;
    for (let e = 0; e < entries.length; e++) {
      const f = entries[e];
      if (++step % REBUILD_STEP === 0) yield;
      if (f.sources.length) bySource.set(f.uri, paperAt.slice(at, (at += f.sources.length)));
    }
    // Swap in atomically: until here, requests saw the previous papers.
    this.byKey = byKey;
    this.list = list;
    this.bySource = bySource;
    this.clashProblems = clash;
    this.noteTitles = byTitle;
    this.digestTitles = groupByTitle;
    this.version++;
  }

  private finishPaper(paper: Paper): Paper {
    // A note without an abstract anywhere shows its own summary as the abstract.
    if (!paper.abstract && paper.summary) { paper.abstract = paper.summary; paper.summary = undefined; }
    if (paper.summary && paper.abstract && sameText(paper.summary, paper.abstract, this.texts)) paper.summary = undefined;
    const primary = paper.note ?? paper.entries[0] ?? paper.digests[0];
    const aliases = paper.aliases.length ? paper.aliases.map((a) => a.toLowerCase()) : NO_WORDS;
    paper.match = { key: paper.key.toLowerCase(), aliases, titleWords: titleWordsOf(primary), authorWords: authorWords(paper.authors) };
    return paper;
  }

  /**
   * An edited note that changes only its own paper is patched in place instead of recomputing the
   * whole library. That holds when its key, arXiv id, DOI and aliases stay the same, no bibliography
   * entry is merged into its paper, no other note or bibliography entry has its key or its old or
   * new title (one could join it, part from it or clash with it), and either
   *  - its paper has no digest entries, and its old and new titles merge with nothing else, or
   *  - its paper has digest entries and its normalized title stays the same: the entries join it
   *    as before (by arXiv id or title), keep the keys they chose (the paper's aliases), and fill in
   *    what the new note lacks, in the same order as a recompute, or
   *  - its paper has the digest entries of one title (none shares the note's arXiv id) and the title
   *    changes to one nothing else has: the entries part from the note and become the paper of the
   *    key they chose, as a recompute would make it (keys are chosen before titles are compared).
   * Returns false when a full recompute is needed.
   */
  private patchNote(old: FileEntry, entry: FileEntry): boolean {
    if (this.dirty || this.rebuilding || old.kind !== 'note' || entry.kind !== 'note') return false;
    if (old.sources.length !== 1 || entry.sources.length !== 1) return false;
    const [before, after] = [old.sources[0], entry.sources[0]];
    const paper = this.byKey.get(before.key!);
    if (!paper || paper.note !== before || paper.entries.length || before.aliases || after.aliases) return false;
    if (after.key !== before.key || after.arxiv !== before.arxiv || after.doi !== before.doi || this.clashProblems.has(old.uri)) return false;
    const oldNorm = titleInfo(before).norm, newNorm = titleInfo(after).norm;
    const retitled = newNorm !== oldNorm;
    const parting = retitled && paper.digests.length > 0;
    if (parting && !this.mergedByTitleAlone(paper, oldNorm)) return false;
    let joined: Paper | undefined;
    if (retitled && this.digestTitles.has(newNorm)) {
      joined = parting ? undefined : this.titleGroupPaper(newNorm);
      if (!joined) return false;
    }
    if (this.othersShare(after.key!, oldNorm, newNorm)) return false;
    const index = this.indexOfKey(paper.key);
    const joinedAt = joined ? this.indexOfKey(joined.key) : -1;
    if (index < 0 || (joined && joinedAt < 0)) return false;
    const next = newPaper(paper.key, after);
    let parted: Paper | undefined;
    if (joined) {
      // As a recompute joins a note to the digest entries of its title: their key becomes its alias.
      next.aliases = [joined.key];
      for (const d of joined.digests) mergeDigest(next, d);
    } else if (parting) {
      // As a recompute makes it (see the digest groups in compute).
      if (paper.digests.length === 1) parted = digestPaper(paper.aliases[0], paper.digests[0]);
      else {
        parted = newPaper(paper.aliases[0], paper.digests[0]);
        for (let m = 1; m < paper.digests.length; m++) mergeDigest(parted, paper.digests[m]);
      }
      if (unfinished(parted)) this.finishPaper(parted);
      this.byKey.set(parted.key, parted);
    } else if (paper.digests.length) {
      next.aliases = paper.aliases;
      for (const d of paper.digests) mergeDigest(next, d);
    }
    this.finishPaper(next);
    this.byKey.set(paper.key, next);
    for (const alias of next.aliases) this.byKey.set(alias, next);
    this.list[index] = next;
    const partedAt = parted ? this.insertionPoint(parted.key) : -1;
    if (parted) this.list.splice(partedAt, 0, parted);
    if (joined) this.list.splice(joinedAt, 1); // nothing was inserted or removed before it
    for (const uri of new Set([after.uri, ...paper.digests.map((d) => d.uri), ...(joined?.digests.map((d) => d.uri) ?? [])])) {
      const here = this.bySource.get(uri);
      if (here) for (let i = 0; i < here.length; i++) if (here[i] === paper || (joined && here[i] === joined)) here[i] = uri === after.uri ? next : parted ?? next;
    }
    if (this.noteTitles.get(oldNorm) === paper) this.noteTitles.delete(oldNorm);
    this.noteTitles.set(newNorm, next);
    this.version++;
    // Completion's search text follows: the paper's words, and the paper that came or went.
    const replaced = index + (parted && partedAt <= index ? 1 : 0) - (joined && joinedAt < index ? 1 : 0);
    patchSearchText(this, this.version - 1, { replaced, inserted: parted ? partedAt : undefined, removed: joined ? joinedAt : undefined });
    return true;
  }

  /**
   * Whether a paper's digest entries joined its note by the note's title alone: then they are one
   * group (a recompute groups entries by title), its key the paper's one alias. An entry sharing the
   * note's arXiv id joined it by that and would stay.
   */
  private mergedByTitleAlone(paper: Paper, norm: string): boolean {
    const arxiv = paper.note!.arxiv;
    return paper.aliases.length === 1 && this.noteTitles.get(norm) === paper && !(arxiv && paper.digests.some((d) => d.arxiv === arxiv));
  }

  /**
   * The paper of the digest entries titled `norm`, if a recompute would join a note of that title
   * to them and to nothing else: a paper of digest entries alone, all of that title (a group an
   * arXiv id gathered may have others, and be joined by another title), in one group (no alias).
   */
  private titleGroupPaper(norm: string): Paper | undefined {
    const first = this.digestSourceTitled(norm);
    const paper = first && this.bySource.get(first.uri)?.[first.ordinal];
    if (!paper || paper.note || paper.entries.length || paper.aliases.length || !paper.digests.length) return undefined;
    return paper.digests.every((d) => normOf(d) === norm) ? paper : undefined;
  }

  /**
   * A digest entry with this normalized title: the library's digest entries searched through, only
   * when an edited note takes a title some digest entry has.
   */
  private digestSourceTitled(norm: string): PaperSource | undefined {
    for (const f of this.files.values()) {
      if (f.kind !== 'digest') continue;
      for (const s of f.sources) if (normOf(s) === norm) return s;
    }
    return undefined;
  }

  /** Whether a note or bibliography entry other than the edited note (counted with its new key and title) has its key or either title. */
  private othersShare(key: string, oldNorm: string, newNorm: string): boolean {
    const others = (counts: Map<string, number>, value: string, ours: number) => !!value && (counts.get(value) ?? 0) > ours;
    return others(this.citableKeys, key, 1) || others(this.citableTitles, oldNorm, oldNorm === newNorm ? 1 : 0) || others(this.citableTitles, newNorm, 1);
  }

  /** Where a key is in the key-sorted list, or where it would go if it is not there. */
  private insertionPoint(key: string): number {
    let lo = 0, hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid].key < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Where a key is in the key-sorted list, or -1. */
  private indexOfKey(key: string): number {
    const at = this.insertionPoint(key);
    return this.list[at]?.key === key ? at : -1;
  }
}

/** Whether a file lies under a folder whose name starts with a dot. */
function inHiddenFolder(uri: string): boolean {
  return uri.includes('/.', uri.indexOf('://') + 3);
}

function count(counts: Map<string, number>, value: string, by: 1 | -1): void {
  const n = (counts.get(value) ?? 0) + by;
  if (n > 0) counts.set(value, n); else counts.delete(value);
}

function pushProblem(map: Map<string, SourceProblem[]>, uri: string, p: SourceProblem): void {
  const list = map.get(uri);
  if (list) list.push(p); else map.set(uri, [p]);
}

/** Where an entry's digest date sorts: undated entries after every dated one. */
function dateRankOf(source: PaperSource): string {
  return source.dateRank ?? '9999-99-99';
}

function compareSources(a: PaperSource, b: PaperSource): number {
  const ra = dateRankOf(a), rb = dateRankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  return a.ordinal - b.ordinal;
}

/**
 * The empty list shared by every paper without aliases (as its `aliases` and `match.aliases`), by
 * unfinished papers, and by every source without authors, topics or code links
 * (shareRepeatedValues): a recompute makes ~10k papers at once, and their empty arrays were a good
 * part of its garbage. Nothing writes into a paper's or a source's lists (a new alias replaces the
 * list), and the list is frozen so that nothing can: a write into it would be a write into all.
 */
const NO_WORDS = Object.freeze([]) as unknown as string[];
const NO_SOURCES: PaperSource[] = [];
/** The empty problem list of every file without problems (frozen, as NO_WORDS, so that no write goes into all). */
const NO_PROBLEMS = Object.freeze([]) as unknown as SourceProblem[];
const UNFINISHED: Paper['match'] = { key: '', aliases: NO_WORDS, titleWords: '', authorWords: '' };

function newPaper(key: string, source: PaperSource): Paper {
  const isNote = source.kind === 'note';
  return {
    key,
    aliases: NO_WORDS, // replaced, never changed in place, when a digest key becomes an alias
    title: source.title,
    authors: source.authors,
    year: source.year,
    digestDate: source.digestDate,
    arxiv: source.arxiv,
    doi: source.doi,
    url: source.url,
    codeUrls: source.codeUrls, // copied by mergeDigest before it adds one: the source's list is never changed
    abstract: source.abstract,
    summary: isNote ? source.summary : undefined,
    topics: source.topics,
    keywords: source.keywords,
    organizations: source.organizations,
    type: source.type,
    container: source.container,
    volume: source.volume,
    issue: source.issue,
    pages: source.pages,
    publisher: source.publisher,
    issued: source.issued,
    files: source.files,
    note: isNote ? source : undefined,
    entries: source.kind === 'bib' ? [source] : NO_SOURCES,
    digests: source.kind === 'digest' ? [source] : [],
    definition: { uri: source.uri, range: plainRange(source.keyRange ?? source.titleRange) },
    match: UNFINISHED,
  };
}

/**
 * A paper of one digest entry and nothing else (no note, no bibliography entry, no other digest's
 * entry, no alias): most of a large library's papers. It holds its key and the entry, and reads
 * every other field from the entry, which has them as the paper would; as an object with a slot
 * for every field, a definition, a match object and a list of its one entry, each such paper took
 * ~350 bytes more. Finished as it is made: its match words are made when asked (once a recompute,
 * for the completion's search text). Nothing changes it once made (a write to a field throws).
 */
class DigestPaper implements Paper {
  constructor(readonly key: string, private readonly source: PaperSource) {}

  /** Whether this is the paper of that very entry (the same parsed source). */
  isOf(source: PaperSource): boolean { return this.source === source; }

  get aliases(): string[] { return NO_WORDS; }
  get title(): string { return this.source.title; }
  get authors(): string[] { return this.source.authors; }
  get year(): number | undefined { return this.source.year; }
  get digestDate(): string | undefined { return this.source.digestDate; }
  get arxiv(): string | undefined { return this.source.arxiv; }
  get doi(): string | undefined { return this.source.doi; }
  get url(): string | undefined { return this.source.url; }
  get codeUrls(): string[] { return this.source.codeUrls; }
  get abstract(): Text | undefined { return this.source.abstract; }
  get summary(): undefined { return undefined; }
  get topics(): string[] { return this.source.topics; }
  get keywords(): string[] | undefined { return this.source.keywords; }
  get organizations(): string[] | undefined { return this.source.organizations; }
  get type(): string | undefined { return this.source.type; }
  get container(): string | undefined { return this.source.container; }
  get volume(): string | undefined { return this.source.volume; }
  get issue(): string | undefined { return this.source.issue; }
  get pages(): string | undefined { return this.source.pages; }
  get publisher(): string | undefined { return this.source.publisher; }
  get issued(): string | undefined { return this.source.issued; }
  get files(): string[] | undefined { return this.source.files; }
  get note(): undefined { return undefined; }
  get entries(): PaperSource[] { return NO_SOURCES; }
  /** A new list each time, frozen: adding an entry is for a paper of several. */
  get digests(): PaperSource[] { return Object.freeze([this.source]) as PaperSource[]; }
  get definition(): Location { return { uri: this.source.uri, range: plainRange(this.source.keyRange ?? this.source.titleRange) }; }
  get match(): Paper['match'] {
    // Its key is lower case (see digestPaper), and it has no aliases.
    return { key: this.key, aliases: NO_WORDS, titleWords: titleWordsOf(this.source), authorWords: authorWordsOf(this.source) };
  }
}

/** The paper of a lone digest entry: a DigestPaper, unless its key has capitals (then match.key would differ). */
function digestPaper(key: string, source: PaperSource): Paper {
  return key === key.toLowerCase() ? new DigestPaper(key, source) : newPaper(key, source);
}

/** Whether the paper still needs finishPaper (a DigestPaper never does). */
function unfinished(paper: Paper): boolean {
  return !(paper instanceof DigestPaper) && paper.match === UNFINISHED;
}

/**
 * The previous recompute's paper under this key, if it is made of exactly these digest entries (the
 * same parsed sources, in the same order) and nothing else: it would be made again field for field,
 * so it is kept as it is. A recompute after one file changed then allocates new papers only for
 * what that file touched (a full recompute made a lot of garbage; this saves a part of it, and
 * the old papers no longer become garbage). Papers are never changed once finished, and a kept
 * one has no note, so nothing below changes it.
 */
function sameDigestPaper(old: Paper | undefined, members: readonly { source: PaperSource }[]): Paper | undefined {
  if (old instanceof DigestPaper) return members.length === 1 && old.isOf(members[0].source) ? old : undefined;
  if (!old || old.note || old.entries.length || old.digests.length !== members.length) return undefined; // only a keyed paper has aliases
  for (let m = 0; m < members.length; m++) if (old.digests[m] !== members[m].source) return undefined;
  return old;
}

/** A digest entry adds what the note, bibliography entry or first digest entry lacks: the abstract, authors, dates, links. */
function mergeDigest(paper: Paper, s: PaperSource): void {
  paper.digests.push(s);
  fillFrom(paper, s);
  paper.digestDate ??= s.digestDate;
}

/** A bibliography entry adds what the note lacks: authors, dates, where it appeared, identifiers. */
function mergeBib(paper: Paper, s: PaperSource): void {
  paper.entries = [...paper.entries, s];
  fillFrom(paper, s);
  paper.type ??= s.type;
  paper.container ??= s.container;
  paper.volume ??= s.volume;
  paper.issue ??= s.issue;
  paper.pages ??= s.pages;
  paper.publisher ??= s.publisher;
  paper.doi ??= s.doi;
  paper.url ??= s.url;
}

function fillFrom(paper: Paper, s: PaperSource): void {
  paper.abstract ??= s.abstract;
  if (paper.authors.length === 0) { paper.authors = s.authors; paper.organizations = s.organizations; }
  paper.year ??= s.year;
  paper.issued ??= s.issued;
  paper.arxiv ??= s.arxiv;
  paper.keywords ??= s.keywords;
  for (const u of s.codeUrls) if (!paper.codeUrls.includes(u)) paper.codeUrls = [...paper.codeUrls, u];
  // A note's PDF and the bibliography entry's attachment may differ: the paper has both (the note's first).
  for (const f of s.files ?? []) if (!paper.files?.includes(f)) paper.files = [...(paper.files ?? []), f];
}

/** Whether two author lists can be of one paper: their first authors' family names agree, or one list is empty. */
function sameFirstAuthor(a: readonly string[], b: readonly string[]): boolean {
  if (!a.length || !b.length) return true;
  const family = (name: string) => normalizeTitle(name).split(' ').pop();
  return family(a[0]) === family(b[0]);
}
