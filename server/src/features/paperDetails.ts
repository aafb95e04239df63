import type { Library, Paper } from '../model/library';
import type { PaperDetails } from '../shared/protocol';
import { keyWords, STOP_WORDS } from '../model/keys';
import { capText } from '../util/untrusted';

/** The words that best say what a paper is about, as a lunr query for related papers. */
export function relatedQuery(paper: Paper, library: Library): string {
  const counts = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const w of keyWords(text)) {
      for (const part of w.split('-')) {
        if (part.length < 4 || STOP_WORDS.has(part) || /^\d+$/.test(part)) continue;
        counts.set(part, (counts.get(part) ?? 0) + weight);
      }
    }
  };
  add(paper.title, 3);
  add(library.text(paper.abstract) ?? '', 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 12).map(([w]) => w).join(' ');
}

/** The most of each field the reader gets (a paper's text is capped where it is parsed too; lists are not). */
const DETAILS = { title: 1000, abstract: 20000, summary: 5000, authors: 200, name: 200, list: 50, citedIn: 200 } as const;

/** Everything the reader shows about a paper; `related` comes from a full-text search the caller ran. */
export function paperDetails(library: Library, paper: Paper, related: PaperDetails['related']): PaperDetails {
  const some = <T>(list: readonly T[], max: number = DETAILS.list) => list.slice(0, max);
  const abstract = library.text(paper.abstract), summary = library.text(paper.summary);
  return {
    key: paper.key,
    aliases: some(paper.aliases),
    title: capText(paper.title, DETAILS.title),
    authors: some(paper.authors, DETAILS.authors).map((a) => capText(a, DETAILS.name)),
    year: paper.year,
    digestDate: paper.digestDate && capText(paper.digestDate, DETAILS.name),
    arxiv: paper.arxiv,
    doi: paper.doi && capText(paper.doi, DETAILS.name),
    url: paper.url,
    codeUrls: some(paper.codeUrls),
    files: some(paper.files ?? []),
    abstract: abstract && capText(abstract, DETAILS.abstract),
    summary: summary && capText(summary, DETAILS.summary),
    topics: some(paper.topics),
    note: paper.note ? { uri: paper.note.uri, line: (paper.note.keyRange ?? paper.note.titleRange).start.line, body: library.text(paper.note.body) } : undefined,
    entries: some(paper.entries).map((e) => ({ uri: e.uri, line: (e.keyRange ?? e.titleRange).start.line, key: e.key })),
    digests: some(paper.digests).map((d) => ({ uri: d.uri, line: d.titleRange.start.line })),
    citedIn: some(library.citingDocuments(paper), DETAILS.citedIn),
    related: related.filter((r) => r.key !== paper.key).slice(0, 8).map((r) => ({ ...r, title: capText(r.title, DETAILS.title) })),
  };
}
