import type { Library, Paper, TextSource } from '../model/library';
import { sameText } from '../model/sameText';
import type { Text } from '../parse/types';
import { deriveTopicTree, Doc, TopicCorpus } from './derivedTopics';
import { paperPhrases, PaperPhrases, PaperTokens, phraseKeyOf, PhraseKeys, tokenizeUtf8, WordTable } from './phrases';
import { BatchPaper, keywordsAfterAbstract, stampOf, TopicBatch } from './topicBatch';
import type { TopicNode } from '../shared/protocol';
import type { TopicOptions } from '../shared/settings';
import { contentHash } from '../runtime/cacheStore';
import { PackedPaper, PackedTokens } from './packedTokens';
import { Placer, PlacementPlan } from './placement';
import type { DerivedTreeMemo } from './treeMemo';

/** What topic computation needs of a paper: plain data, so it can be sent to a worker thread. */
export interface TopicPaper {
  key: string;
  title: string;
  abstract: string;
  topics: string[];
  /** Whether `topics` are tags written in the note or the folder the note sits in. */
  topicKind: 'tag' | 'folder';
}

export function topicPapers(library: Library): TopicPaper[] {
  return library.papers().map((p) => {
    const { keywords, ...paper } = topicPaper(p);
    return { ...paper, abstract: withKeywords(library.text(paper.abstract) ?? '', keywords) };
  });
}

/**
 * A topic paper before its text is read: the abstract as the paper holds it (perhaps in the text
 * store, which the topics worker reads: see TopicBatch.stored) and the digest's keywords, which go after it.
 */
export interface UnreadTopicPaper extends Omit<TopicPaper, 'abstract'> { abstract: Text; keywords?: readonly string[] }

/** A paper as topics see it: title, abstract (with a digest's keywords), and the topics its note gives. */
export function topicPaper(p: Paper): UnreadTopicPaper {
  return {
    key: p.key,
    title: p.title,
    abstract: p.abstract ?? '',
    keywords: p.keywords,
    topics: p.topics,
    topicKind: p.topics.length && !hasTagField(p) ? 'folder' : 'tag',
  };
}

/**
 * Whether two lists of papers give topics the same input, paper by paper: the same paper objects,
 * or the same key, title, abstract (a stored one read only when it is not the same place in the
 * store: sameText), keywords and topics. `giveWay` is awaited every few hundred papers.
 */
export async function sameTopicInput(before: readonly Paper[], now: readonly Paper[], reader: TextSource | undefined, giveWay: () => Promise<void>): Promise<boolean> {
  if (before.length !== now.length) return false;
  for (let i = 0; i < now.length; i++) {
    if (i % 256 === 255) await giveWay();
    if (before[i] === now[i]) continue;
    const a = topicPaper(before[i]), b = topicPaper(now[i]);
    if (a.key !== b.key || a.title !== b.title || a.topicKind !== b.topicKind || !sameList(a.topics, b.topics) || !sameList(a.keywords, b.keywords)) return false;
    if (!sameText(a.abstract, b.abstract, reader)) return false;
  }
  return true;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

/**
 * A node of the topic tree: topic -> subtopics -> paper keys; `count` covers its subtopics, `papers`
 * are the ones directly here, `id` is unique and stable (kind + path). Defined with the protocol.
 */
export type { TopicNode } from '../shared/protocol';

export type { TopicOptions } from '../shared/settings';

export const DEFAULT_TOPIC_OPTIONS: TopicOptions = { auto: true, maxPerPaper: 3, vocabulary: {}, hidden: [] };

/**
 * Tokenized papers, cached by the text they came from, so recomputing after a change re-reads only
 * changed papers. The topics worker keeps only the papers topics are chosen on here (a sample of a
 * large library: TopicCorpus) and reads the others once per computation. Word ids are packed
 * (PackedTokens: a byte or two a word) and unpacked as the derivation reads them; full phrase
 * lists are not kept, as they would take tens of times more. A paper is read as UTF-8 (as the
 * topics worker receives it, in a BatchPaper; a plain paper is encoded first) and known again by a
 * SHA-256 of its bytes (its digest), so no text is held here. A batch paper is also known by its
 * stamp (stampOf), which gives its digest back without its abstract being read (recallDigests).
 */
export class PhraseCache {
  readonly table = new WordTable();
  /** The last derivation of a large library's topics, for placing only what changed next time (treeMemo.ts). */
  derived: DerivedTreeMemo | undefined;
  private readonly packed = new PackedTokens();
  private readonly byKey = new Map<string, CachedPaper>();
  /** Papers tokenized so far (a paper whose bytes were seen before is not tokenized again). */
  tokenized = 0;

  /** Tokenizes the paper now (unless its bytes are those tokenized last time), for a later doc(). */
  add(paper: TopicPaper): void {
    this.cached(paper);
  }

  /** Whether the paper's tokens are here: its digest is known and is the one they were read from. */
  knows(paper: BatchPaper): boolean {
    const hit = this.byKey.get(paper.key);
    return !!hit?.packed && paper.digest !== undefined && hit.digest === paper.digest;
  }

  /**
   * Gives each paper of the batch whose stamp is the one remembered for its key the digest it had
   * then, so that neither the tree's cache key nor the tokens need its bytes. The stamps made (only
   * for papers the cache has a stamp for), for rememberDigests.
   */
  recallDigests(batch: TopicBatch, papers: readonly BatchPaper[]): (number | undefined)[] {
    return papers.map((p, i) => {
      const hit = this.byKey.get(p.key);
      if (hit?.stamp === undefined) return undefined;
      const stamp = stampOf(batch, i);
      if (hit.stamp === stamp) p.digest = hit.digest;
      return stamp;
    });
  }

  /** Remembers the digest of each paper that has one under its stamp (recallDigests made some of them already). */
  rememberDigests(batch: TopicBatch, papers: readonly BatchPaper[], stamps: readonly (number | undefined)[]): void {
    papers.forEach((p, i) => {
      if (p.digest === undefined) return;
      const stamp = stamps[i] ?? stampOf(batch, i);
      const hit = this.byKey.get(p.key);
      if (hit && hit.digest === p.digest) { hit.stamp = stamp; return; }
      if (hit?.packed) this.packed.drop(hit.packed);
      this.byKey.set(p.key, { digest: p.digest, stamp });
    });
  }

  /** The paper as topic derivation reads it, tokenized unless its bytes are those tokenized last time: its tokens are unpacked each time they are read. */
  doc(paper: TopicPaper): Doc {
    return new PackedDoc(paper.key, this.packed, this.cached(paper));
  }

  private cached(paper: TopicPaper): CachedTokens {
    const utf8 = paper instanceof BatchPaper ? paper : utf8Of(paper);
    // A batch paper keeps its digest: once it has let its batch go, the digest is all there is.
    const digest = paper instanceof BatchPaper ? (paper.digest ??= digestOf(paper)) : digestOf(utf8);
    const hit = this.byKey.get(paper.key);
    if (hit?.packed && hit.digest === digest) return hit as CachedTokens;
    if (hit?.packed) this.packed.drop(hit.packed);
    const tokens = utf8Tokens(utf8, this.table);
    // Its stamp is remembered after the computation, with every paper's (rememberDigests).
    const entry: CachedTokens = { digest, packed: this.packed.pack(tokens) };
    this.byKey.set(paper.key, entry);
    this.tokenized++;
    return entry;
  }

  phrases(doc: Doc, keys: PhraseKeys): PaperPhrases {
    return (doc.phrases ??= paperPhrases(doc.tokens, this.table, keys));
  }

  /** Forget papers no longer in the library (and repack the rest once the forgotten take more room than they do). */
  retain(keys: Set<string>): void {
    for (const [k, entry] of this.byKey) {
      if (keys.has(k)) continue;
      if (entry.packed) this.packed.drop(entry.packed);
      this.byKey.delete(k);
    }
    if (!this.packed.wasteful) return;
    const entries = [...this.byKey.values()].filter((e): e is CachedTokens => e.packed !== undefined);
    this.packed.compact(entries.map((e) => e.packed)).forEach((moved, i) => { entries[i].packed = moved; });
  }

  /** Bytes the packed tokens take (for tests). */
  get packedBytes(): number {
    return this.packed.size;
  }
}

/** What is known of a paper: its digest, the stamp that gives it (stampOf), its tokens once read. */
interface CachedPaper { digest: string; stamp?: number; packed?: PackedPaper }
interface CachedTokens extends CachedPaper { packed: PackedPaper }

/** A Doc whose tokens stay packed in the cache (the entry, so that a compaction moving them is seen). */
class PackedDoc implements Doc {
  phrases?: PaperPhrases;
  constructor(readonly key: string, private readonly packed: PackedTokens, private readonly entry: CachedTokens) {}
  get tokens(): PaperTokens {
    return this.packed.unpack(this.entry.packed);
  }
}

/** A paper's title and abstract as UTF-8: the text, and where the title starts and ends and the abstract ends. */
interface Utf8Paper { text: Uint8Array; start: number; titleEnd: number; end: number }

/** The paper's tokens, read from its bytes (a batch paper inside its window). */
export function utf8Tokens(paper: Utf8Paper, table: WordTable): PaperTokens {
  return { title: tokenizeUtf8(paper.text, paper.start, paper.titleEnd, table), abstract: tokenizeUtf8(paper.text, paper.titleEnd, paper.end, table) };
}

const encoder = new TextEncoder();

/** A plain paper as a batch holds it: title and abstract encoded one after the other (each on its own, as encodeTopicPapers does). */
function utf8Of(paper: TopicPaper): Utf8Paper {
  const title = encoder.encode(paper.title), abstract = encoder.encode(paper.abstract);
  const text = new Uint8Array(title.length + abstract.length);
  text.set(title);
  text.set(abstract, title.length);
  return { text, start: 0, titleEnd: title.length, end: text.length };
}

/** A paper's title and abstract bytes, and where one ends, as one digest. */
export function digestOf(paper: Utf8Paper): string {
  return contentHash().update(paper.text.subarray(paper.start, paper.end)).update(String(paper.titleEnd - paper.start)).digest('base64');
}

/**
 * The topic tree: tags and folders of notes; for papers without either, the user's vocabulary,
 * then topics derived from the text. It runs in a worker thread (topicsWorker.ts), in one go: as
 * a generator sliced for the server thread, its long loops could not be optimised while running
 * (V8 does not switch a running generator to optimised code).
 */
export function computeTopicTree(papers: readonly TopicPaper[], options: TopicOptions, cache: PhraseCache, reader?: PaperReader): TopicNode[] {
  const roots: TopicNode[] = [];
  const tags = new PathTree();
  const untagged: TopicPaper[] = [];
  for (const p of papers) {
    if (p.topics.length === 0) { untagged.push(p); continue; }
    for (const t of p.topics) tags.add(t.split('/'), p.topicKind, p.key);
  }
  roots.push(...tags.roots.values());

  // The user's vocabulary first: a paper it names gets those topics and no derived ones.
  const vocab = vocabularyOf(options);
  const needDerived: TopicPaper[] = [];
  if (vocab.length) {
    const matchers = vocab.map(([name, words]) => ({ name, re: new RegExp(`\\b(${words.map((w) => escapeRe(String(w).toLowerCase()).replace(/[\s-]+/g, '[\\s-]+')).join('|')})`, 'i') }));
    const vocabNodes = new Map<string, TopicNode>();
    for (const p of untagged) {
      const text = `${p.title}\n${p.abstract}`;
      const hits = matchers.filter((m) => m.re.test(text)).slice(0, options.maxPerPaper);
      if (!hits.length) { needDerived.push(p); continue; }
      for (const h of hits) {
        let node = vocabNodes.get(h.name);
        if (!node) vocabNodes.set(h.name, (node = { id: `vocabulary:${h.name}`, name: h.name, kind: 'vocabulary', count: 0, papers: [], children: [] }));
        node.papers.push(p.key);
      }
    }
    roots.push(...vocabNodes.values());
  } else {
    needDerived.push(...untagged);
  }

  if (options.auto && needDerived.length >= 4) {
    roots.push(...deriveTopicTree(corpusOf(needDerived, cache, reader), options.maxPerPaper, cache, new Set((options.hidden ?? []).map(phraseKeyOf))));
  }
  cache.retain(new Set(papers.map((p) => p.key)));
  for (const r of roots) finish(r);
  const order = { tag: 0, folder: 1, vocabulary: 2, derived: 3 };
  roots.sort((a, b) => order[a.kind] - order[b.kind] || (a.kind === 'derived' ? b.count - a.count : 0) || a.name.localeCompare(b.name));
  return roots;
}

/**
 * How the topics worker has its papers' text read: `keep` tokenizes papers into the cache (the
 * sample topics are chosen on); `place` reads each of the others once, places it by the plan
 * (placement.ts) and gives `put` the numbers of its nodes, without keeping its tokens. Without a
 * reader, every paper is read through the cache.
 */
export interface PaperReader {
  keep(papers: readonly TopicPaper[]): void;
  place(papers: readonly TopicPaper[], plan: PlacementPlan, put: (paper: TopicPaper, nodes: readonly number[]) => void): void;
  /** Each paper's stamp (TopicCorpus.stamps), where the reader can tell it without reading stored texts. */
  stamps?(papers: readonly TopicPaper[]): Float64Array;
  /** Each paper's digest (TopicCorpus.digests), its stored text read where the paper has none yet. */
  digests?(papers: readonly TopicPaper[]): (string | undefined)[];
  /**
   * The topics of a large library are chosen, and its other papers are to be placed: the memory
   * the choosing used and let go can be given back before placing takes more.
   */
  sampleDone?(): void;
}

function corpusOf(papers: readonly TopicPaper[], cache: PhraseCache, reader: PaperReader | undefined): TopicCorpus {
  return {
    size: papers.length,
    keyAt: (i) => papers[i].key,
    stamps: reader?.stamps && (() => reader.stamps!(papers)),
    digests: reader?.digests && ((indexes) => reader.digests!(indexes.map((i) => papers[i]))),
    sampleDone: reader?.sampleDone && (() => reader.sampleDone!()),
    docs: (indexes) => {
      const picked = indexes.map((i) => papers[i]);
      reader?.keep(picked);
      return picked.map((p) => cache.doc(p));
    },
    rest: (indexes, plan, put) => {
      const picked = indexes.map((i) => papers[i]);
      if (reader) return reader.place(picked, plan, (p, nodes) => put(p.key, nodes));
      const placer = new Placer(plan, cache.table);
      const nodes: number[] = [];
      for (const p of picked) {
        nodes.length = 0;
        placer.place(cache.doc(p).tokens, nodes);
        put(p.key, nodes);
      }
    },
  };
}

/** The user's topics that can match anything: a name and at least one word or phrase. */
export function vocabularyOf(options: TopicOptions): [string, string[]][] {
  return Object.entries(options.vocabulary).filter(([name, words]) => name.trim() && Array.isArray(words) && words.length);
}

/**
 * A digest's keywords for a paper, after its abstract, each a sentence of its own: a keyword counts
 * like a phrase the abstract uses once (evidence for a topic, never a topic by itself), and no
 * phrase spans two keywords.
 */
function withKeywords(abstract: string, keywords: readonly string[] | undefined): string {
  return abstract + keywordsAfterAbstract(keywords);
}

function hasTagField(p: Paper): boolean {
  // Folder topics are stored like tags; tell them apart by whether the note path ends with them.
  const rel = p.note?.uri ?? '';
  return !p.topics.every((t) => rel.includes(`/${t}/`));
}

/** Tags and folders as a tree (`a/b` under `a`), each key once per node; children in the order first met. */
class PathTree {
  readonly roots = new Map<string, TopicNode>();
  private readonly childrenOf = new Map<TopicNode, Map<string, TopicNode>>();
  private readonly keysOf = new Map<TopicNode, Set<string>>();

  add(parts: readonly string[], kind: 'tag' | 'folder', key: string): void {
    let level = this.roots, path = '', node: TopicNode | undefined;
    for (const name of parts) {
      path = path ? `${path}/${name}` : name;
      const parent = node;
      node = level.get(name);
      if (!node) {
        level.set(name, (node = { id: `${kind}:${path}`, name, kind, count: 0, papers: [], children: [] }));
        parent?.children.push(node);
      }
      level = this.childrenOf.get(node) ?? this.childrenOf.set(node, new Map()).get(node)!;
    }
    const keys = this.keysOf.get(node!) ?? this.keysOf.set(node!, new Set()).get(node!)!;
    if (!keys.has(key)) { keys.add(key); node!.papers.push(key); }
  }
}

function finish(node: TopicNode): Set<string> {
  const all = new Set(node.papers);
  node.papers.sort();
  for (const c of node.children) for (const k of finish(c)) all.add(k);
  node.children.sort((a, b) => (a.kind === 'derived' ? b.count - a.count : 0) || a.name.localeCompare(b.name));
  node.count = all.size;
  return all;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
