import type { DraftCitationsResponse } from '../../server/src/shared/protocol';

/**
 * The "Cited in Draft" view as pure data (unit-tested): each paper the draft cites once, in the order
 * the draft first cites it, numbered as a numbered reference list would be; under it, the places
 * it is cited, each with the words around it. A key no paper has is listed too, marked unknown.
 * `key` and `type: 'paper'` as the Topics view's paper nodes have them, so the same commands
 * (Open in Reader, Go to Note, Open PDF, Copy Key) take either.
 */
export type CitedNode =
  | { type: 'paper'; id: string; key: string; number: number; title: string; description: string; known: boolean; hasNote: boolean; places: PlaceNode[]; more: number; notIn?: string }
  | PlaceNode;
export interface PlaceNode { type: 'place'; id: string; line: number; character: number; label: string; excerpt: string }

/** The words either side of a citation shown for its place (a line may be a whole paragraph). */
const EXCERPT_BEFORE = 30;
const EXCERPT_AFTER = 50;

/** The nodes for a draft's answer; `lineText(n)` reads line n of the draft as the editor has it now. */
export function citedNodes(r: DraftCitationsResponse, lineText: (line: number) => string | undefined): CitedNode[] {
  return r.papers.map((p, i) => {
    const known = !!p.paper;
    const other = p.written.filter((k) => k !== p.key);
    const description = [
      known ? p.key : 'not in the library',
      p.notIn ? `not in ${p.notIn}` : '',
      p.paper?.year ?? p.paper?.digestDate,
      p.count > 1 ? `${p.count}×` : '',
      other.length ? `also cited as ${other.join(', ')}` : '',
    ].filter(Boolean).join(' · ');
    const places: PlaceNode[] = p.places.map((at) => ({
      type: 'place',
      id: `${p.key}@${at.line}:${at.character}`,
      line: at.line,
      character: at.character,
      label: `line ${at.line + 1}`,
      excerpt: excerptAt(lineText(at.line) ?? '', at.character),
    }));
    return { type: 'paper', id: `cited/${p.key}`, key: p.key, number: i + 1, title: p.paper?.title || p.key, description, known, hasNote: !!p.paper?.hasNote, places, more: p.count - p.places.length, notIn: p.notIn };
  });
}

/** The text around a place on its line, whitespace folded, with "…" where it is cut. */
export function excerptAt(line: string, character: number): string {
  const from = Math.max(0, character - EXCERPT_BEFORE);
  const to = Math.min(line.length, character + EXCERPT_AFTER);
  const text = line.slice(from, to).replace(/\s+/g, ' ').trim();
  return `${from > 0 ? '…' : ''}${text}${to < line.length ? '…' : ''}`;
}

/** The view's description: how many papers and citations, or nothing for a draft that cites none. */
export function citedSummary(r: DraftCitationsResponse): string | undefined {
  if (!r.papers.length) return undefined;
  const unknown = r.papers.filter((p) => !p.paper).length;
  const lacking = r.papers.filter((p) => p.notIn).length;
  return `${r.papers.length} paper${r.papers.length === 1 ? '' : 's'} · ${r.citations} citation${r.citations === 1 ? '' : 's'}${unknown ? ` · ${unknown} unknown` : ''}${lacking ? ` · ${lacking} not in the bibliography` : ''}`;
}
