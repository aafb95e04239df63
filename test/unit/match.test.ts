import * as assert from 'assert';
import type { Library, Paper } from '../../server/src/model/library';
import { rankPapers } from '../../server/src/model/match';
import { exampleLibraryFiles, libraryOf } from './helpers';

/**
 * The ranking as first written: all fields of all papers in one joined string, scanned whole for
 * every query. The per-field scan that stops early must give the same papers in the same order.
 */
function referenceRanking(library: Library, typed: string, limit: number): Paper[] {
  const q = typed.toLowerCase();
  const all = library.papers();
  if (q === '') return all.slice(0, limit);
  let text = '';
  const start: number[] = [], keyEnd: number[] = [], aliasEnd: number[] = [], titleEnd: number[] = [];
  const group = (words: string) => (words ? ' ' + words : '');
  for (const p of all) {
    start.push(text.length);
    text += ' ' + p.match.key;
    keyEnd.push(text.length);
    text += group(p.match.aliases.join(' '));
    aliasEnd.push(text.length);
    text += group(p.match.titleWords);
    titleEnd.push(text.length);
    text += group(p.match.authorWords);
  }
  start.push(text.length);
  const paperAt = (at: number) => { let i = 0; while (start[i + 1] <= at) i++; return i; };
  const firstHits = (needle: string): [number, number][] => {
    const hits: [number, number][] = [];
    for (let at = text.indexOf(needle); at >= 0;) {
      const i = paperAt(at);
      hits.push([i, at]);
      at = text.indexOf(needle, start[i + 1]);
    }
    return hits;
  };
  const scored: { i: number; score: number }[] = [];
  const seen = new Set<number>();
  for (const [i, at] of firstHits(' ' + q)) {
    const wordAt = at + 1;
    let wordEnd = text.indexOf(' ', wordAt);
    if (wordEnd < 0 || wordEnd > start[i + 1]) wordEnd = start[i + 1];
    const extra = Math.min(99, wordEnd - wordAt - q.length);
    const score = at === start[i] ? (extra === 0 ? 1000 : 900 - extra) : wordAt < aliasEnd[i] ? 800 - extra : wordAt < titleEnd[i] ? (extra === 0 ? 700 : 650) : extra === 0 ? 600 : 550;
    scored.push({ i, score });
    seen.add(i);
  }
  if (seen.size < limit && q.length >= 3) {
    for (const [i, at] of firstHits(q)) {
      if (seen.has(i)) continue;
      if (at < keyEnd[i]) scored.push({ i, score: 400 });
      else if (at >= aliasEnd[i] && at < titleEnd[i]) scored.push({ i, score: 300 });
    }
  }
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, limit).map((s) => all[s.i]);
}

/** A deterministic library of notes with overlapping keys, aliases, title words and authors. */
function syntheticLibrary(count: number): Library {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const syllables = ['an', 'ber', 'chen', 'da', 'el', 'fu', 'gar', 'ha', 'in', 'jo', 'ka', 'li', 'mar', 'ne', 'or', 'pe', 'qu', 'ra', 'sa', 'tan', 'ul', 'wa', 'xi', 'ya', 'zh'];
  const word = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(syllables)).join('');
  const files: Record<string, string> = {};
  for (let n = 0; n < count; n++) {
    const key = `${word()}${2000 + Math.floor(random() * 25)}${word()}`;
    const aliases = random() < 0.2 ? `\naliases: [${word()}, ${word()}-${n}]` : '';
    const title = Array.from({ length: 3 + Math.floor(random() * 6) }, word).join(' ');
    files[`notes/n${n}.md`] = `---\ncitekey: ${key}\ntitle: ${title}\nauthor: ${word()} ${word()} and ${word()} ${word()}${aliases}\n---\nBody.\n`;
  }
  return libraryOf(files);
}

describe('ranking papers for what was typed of a key', () => {
  const libraries: [string, Library][] = [['the example library', libraryOf(exampleLibraryFiles())], ['3,000 synthetic notes', syntheticLibrary(3000)]];

  for (const [name, library] of libraries) {
    it(`gives the same papers in the same order as the whole-text scan, on ${name}`, () => {
      // Single words: the joined string also matched across two fields ("…title word author…"),
      // which the per-field scan does not (see the next test).
      const queries = new Set<string>(['', 'a', 'z', 'q', 'zz', '20', '-', 'xyz']);
      for (const p of library.papers().filter((_, i) => i % 7 === 0)) {
        for (const w of [p.match.key, ...p.match.aliases, ...p.match.titleWords.split(' '), ...p.match.authorWords.split(' ')]) {
          for (let len = 1; len <= 5 && len <= w.length; len++) queries.add(w.slice(0, len));
          if (w.length > 4) queries.add(w.slice(1, 4)); // inside a word: the substring pass
        }
      }
      let compared = 0;
      for (const q of queries) {
        for (const limit of [5, 100]) {
          const got = rankPapers(library, q, limit).map((p) => p.key);
          const want = referenceRanking(library, q, limit).map((p) => p.key);
          assert.deepStrictEqual(got, want, `"${q}", limit ${limit}`);
          compared++;
        }
      }
      assert.ok(compared > 200, `${compared} queries compared`);
    });
  }

  it('ranks a key above an alias, a title word and an author, and whole words first', () => {
    const library = libraryOf({
      'notes/a.md': '---\ncitekey: zorn2020\ntitle: Quiet rivers\nauthor: Ada Field\n---\n',
      'notes/b.md': '---\ncitekey: field2021\ntitle: Zorn lemma for graphs\nauthor: Bo Lee\n---\n',
      'notes/c.md': '---\ncitekey: lee2022\ntitle: Deep fields\nauthor: Cy Zorn\n---\n',
      'notes/d.md': '---\ncitekey: abc2023\ntitle: Zornish sets\nauthor: Di Wu\n---\n',
    });
    assert.deepStrictEqual(rankPapers(library, 'zorn', 10).map((p) => p.key), ['zorn2020', 'field2021', 'abc2023', 'lee2022']);
    assert.deepStrictEqual(rankPapers(library, 'field', 10).map((p) => p.key), ['field2021', 'lee2022', 'zorn2020']);
    // Several words typed (a wikilink): consecutive words of one title, not a title running into its authors.
    assert.deepStrictEqual(rankPapers(library, 'zorn lemma f', 10).map((p) => p.key), ['field2021']);
    assert.deepStrictEqual(rankPapers(library, 'rivers ada', 10).map((p) => p.key), []);
  });
});
