/**
 * A short passage of `text` where the most distinct matched terms (lunr's stemmed terms, matched
 * as word prefixes) come together.
 */
export function snippet(text: string, terms: string[], width = 160): string {
  if (!text) return '';
  const hits: { at: number; term: number }[] = [];
  terms.forEach((t, ti) => {
    if (!t) return;
    const re = new RegExp(`\\b${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'gi');
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = re.exec(text)) && n++ < 50) hits.push({ at: m.index, term: ti });
  });
  if (hits.length === 0) return text.length > width ? text.slice(0, width).replace(/\s+\S*$/, '') + '…' : text;
  hits.sort((a, b) => a.at - b.at);
  let best = hits[0].at;
  let bestCount = 0;
  for (const h of hits) {
    const distinct = new Set(hits.filter((o) => o.at >= h.at && o.at < h.at + width * 0.7).map((o) => o.term)).size;
    if (distinct > bestCount) { bestCount = distinct; best = h.at; }
  }
  const start = Math.max(0, best - Math.floor(width / 4));
  const from = start === 0 ? 0 : text.indexOf(' ', start) + 1;
  const piece = text.slice(from, from + width).replace(/\s+\S*$/, '');
  return (from > 0 ? '…' : '') + piece + (from + piece.length < text.length ? '…' : '');
}
