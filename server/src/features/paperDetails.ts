import type { Library, Paper } from '../library/library';
import type { PaperDetails } from '../protocol';
import { keyWords, STOP_WORDS } from '../library/keys';

/** The words that best say what a paper is about, as a lunr query for related papers. */
export function relatedQuery(paper: Paper): string {
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
  add(paper.abstract ?? '', 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 12).map(([w]) => w).join(' ');
}

/** Everything the reader shows about a paper; `related` comes from a full-text search the caller ran. */
export function paperDetails(library: Library, paper: Paper, related: PaperDetails['related']): PaperDetails {
  return {
    key: paper.key,
    aliases: paper.aliases,
    title: paper.title,
    authors: paper.authors,
    year: paper.year,
    digestDate: paper.digestDate,
    arxiv: paper.arxiv,
    doi: paper.doi,
    url: paper.url,
    codeUrls: paper.codeUrls,
    abstract: paper.abstract,
    summary: paper.summary,
    topics: paper.topics,
    note: paper.note ? { uri: paper.note.uri, line: (paper.note.keyRange ?? paper.note.titleRange).start.line, body: paper.note.body } : undefined,
    digests: paper.digests.map((d) => ({ uri: d.uri, line: d.titleRange.start.line })),
    citedIn: library.citingDocuments(paper),
    related: related.filter((r) => r.key !== paper.key).slice(0, 8),
  };
}
