import * as fs from 'fs';
import * as path from 'path';

/** Deterministic synthetic libraries for the benchmark (same tier -> same bytes). */

/** `bibEntries`: a Better BibTeX-style `refs/library.bib` of this many entries beside the library. */
export interface Tier { name: string; digests: number; papersPerDigest: number; notes: number; useSample: boolean; bibEntries?: number }

export const TIERS: Record<string, Tier> = {
  S: { name: 'S', digests: 0, papersPerDigest: 0, notes: 0, useSample: true },
  M: { name: 'M', digests: 100, papersPerDigest: 100, notes: 2000, useSample: false },
  MB: { name: 'MB', digests: 100, papersPerDigest: 100, notes: 2000, useSample: false, bibEntries: 10000 },
  L: { name: 'L', digests: 1000, papersPerDigest: 100, notes: 20000, useSample: false },
};

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPIC_WORDS = ('retrieval ranking reward model mixture experts adapter low-rank adaptation embedding contrastive diffusion ' +
  'transformer attention sparse pruning quantization distillation benchmark evaluation alignment preference instruction ' +
  'tuning multilingual translation summarization reasoning chain-of-thought agent planning tokenization compression ' +
  'pretraining data selection curriculum scaling laws robustness calibration hallucination vision language multimodal ' +
  'speech graph recommendation routing merging continual learning federated privacy fairness bias code generation').split(' ');
const FILLER = ('we propose method results show that our approach improves over strong baselines across tasks datasets ' +
  'experiments demonstrate significant gains while reducing cost training inference memory latency framework novel ' +
  'analysis study large models performance efficient effective simple general').split(' ');
const NAMES = 'Ada Alan Grace Barbara Edsger Donald John Leslie Tony Frances Radia Shafi Silvio Yoshua Geoffrey Fei-Fei Andrew Daphne Judea Cynthia'.split(' ');
const SURNAMES = 'Lovelace Turing Hopper Liskov Dijkstra Knuth McCarthy Lamport Hoare Allen Perlman Goldwasser Micali Bengio Hinton Li Ng Koller Pearl Dwork'.split(' ');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pick<T>(r: () => number, xs: T[]): T { return xs[Math.floor(r() * xs.length)]; }
function cap(w: string): string { return w[0].toUpperCase() + w.slice(1); }

function title(r: () => number, i: number): string {
  const words = Array.from({ length: 5 + Math.floor(r() * 4) }, () => cap(pick(r, TOPIC_WORDS)));
  // A third of titles get a short name before a colon, like the real digest.
  return r() < 0.33 ? `${cap(pick(r, TOPIC_WORDS)).slice(0, 5)}${i}: ${words.join(' ')}` : `${words.join(' ')} ${i}`;
}

function abstract(r: () => number): string {
  const words: string[] = [];
  for (let i = 0; i < 180; i++) words.push(r() < 0.35 ? pick(r, TOPIC_WORDS) : pick(r, FILLER));
  return cap(words.join(' ')) + '. Code is at https://github.com/example/repo.';
}

/** Writes the tier under `root` and returns the keys a draft can cite and a note to edit. */
export function generate(tier: Tier, root: string, sampleDigest: string): { noteFiles: string[] } {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, 'digests'), { recursive: true });
  fs.mkdirSync(path.join(root, 'notes'), { recursive: true });
  fs.mkdirSync(path.join(root, 'drafts'), { recursive: true });
  fs.writeFileSync(path.join(root, 'drafts/draft.md'), '# Draft\n\nSee [@kasa] and [@compacter].\n');
  if (tier.useSample) {
    fs.copyFileSync(sampleDigest, path.join(root, 'digests/daily-papers-sep-8.txt'));
    fs.writeFileSync(path.join(root, 'notes/bench-note.md'), '---\ncitekey: bench2024note\ntitle: Bench Note\n---\n\nA note to edit.\n');
    return { noteFiles: ['notes/bench-note.md'] };
  }
  const r = rng(42);
  const titles: string[] = [];
  let n = 0;
  for (let d = 0; d < tier.digests; d++) {
    const month = MONTHS[Math.floor(d / 28) % 12];
    const year = 2020 + Math.floor(d / 336);
    const parts = [`Daily Papers`, `${month} ${(d % 28) + 1}, ${year}`];
    for (let p = 0; p < tier.papersPerDigest; p++) {
      const t = title(r, n++);
      titles.push(t);
      parts.push(t, abstract(r));
    }
    fs.writeFileSync(path.join(root, `digests/day-${String(d).padStart(4, '0')}.txt`), parts.join('\n\n') + '\n');
  }
  const noteFiles: string[] = [];
  for (let i = 0; i < tier.notes; i++) {
    const sub = `notes/${pick(r, TOPIC_WORDS)}`;
    fs.mkdirSync(path.join(root, sub), { recursive: true });
    const author = `${pick(r, NAMES)} ${pick(r, SURNAMES)}`;
    // Every fifth note is about a digest paper (same title), so merging is exercised.
    const t = i % 5 === 0 && titles.length ? titles[Math.floor(r() * titles.length)] : title(r, 1_000_000 + i);
    const key = `${author.split(' ')[1].toLowerCase()}${2015 + (i % 10)}n${i}`;
    const rel = `${sub}/${key}.md`;
    fs.writeFileSync(path.join(root, rel), `---\ncitekey: ${key}\ntitle: "${t}"\nauthors: [${author}, ${pick(r, NAMES)} ${pick(r, SURNAMES)}]\nyear: ${2015 + (i % 10)}\ntags: [${pick(r, TOPIC_WORDS)}, ${pick(r, TOPIC_WORDS)}/${pick(r, TOPIC_WORDS)}]\n---\n\n## Summary\n\n${abstract(r)}\n\n## Notes\n\nRelated: [[${key}]].\n`);
    noteFiles.push(rel);
  }
  if (tier.bibEntries) writeBibliography(path.join(root, 'refs/library.bib'), tier.bibEntries, titles, r);
  return { noteFiles };
}

const ACCENTED = ['M{\\"o}ller', 'K{\\"o}nig', 'Garc{\\\'\\i}a', 'Fran{\\c c}ois', 'Dvo{\\v r}{\\\'a}k', '{\\O}stergaard'];

/**
 * A reference manager's export, in the shapes Better BibTeX writes: accents and commands, braces,
 * `@string` and month macros, `crossref`, `date` as well as `year`, corporate authors, DOIs and
 * arXiv eprints; two in five with an abstract. Every fifth entry is a digest paper (same title), so
 * merging is exercised.
 */
function writeBibliography(file: string, entries: number, digestTitles: string[], r: () => number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = ['@string{neurips = {Advances in Neural Information Processing Systems}}', ''];
  for (let p = 0; p < 20; p++) out.push(`@proceedings{conf${p},\n  title = {Proceedings of Conference ${p}},\n  booktitle = {Proceedings of Conference ${p}},\n  publisher = {ACM},\n  year = {2020}\n}\n`);
  for (let i = 0; i < entries; i++) {
    const kind = i % 5;
    const t = kind === 0 && digestTitles.length ? digestTitles[Math.floor(r() * digestTitles.length)] : title(r, 2_000_000 + i);
    const family = i % 7 === 0 ? pick(r, ACCENTED) : pick(r, SURNAMES);
    const authors = kind === 4 ? '{{Research Council of Examples}}' : `{${family}, ${pick(r, NAMES)} and ${pick(r, SURNAMES)}, ${pick(r, NAMES)}}`;
    const fields = [`  title = {${t.replace(/^(\w+)/, '{$1}')}}`, `  author = ${authors}`];
    if (kind === 0) fields.push(`  date = {${2020 + (i % 6)}-0${1 + (i % 9)}-1${i % 9}}`, `  eprint = {${2100 + (i % 800)}.${String(10000 + i).slice(-5)}}`, '  archiveprefix = {arXiv}');
    if (kind === 1) fields.push('  journal = neurips', `  year = {${2010 + (i % 15)}}`, `  month = ${pick(r, ['jan', 'sep', 'dec'])}`, `  pages = {${i % 900}--${(i % 900) + 12}}`);
    if (kind === 2) fields.push(`  crossref = {conf${i % 20}}`, '  pages = {1--9}');
    if (kind === 3) fields.push(`  year = {2019}`, `  doi = {10.5555/bench.${i}}`, `  url = {https://example.org/papers/${i}}`);
    if (kind === 4) fields.push('  year = {2021}', '  institution = {{Research Council of Examples}}', '  note = {Report \\& summary, 50\\% of cases}');
    if (i % 5 < 2) fields.push(`  abstract = {${abstract(r)}}`); // Zotero has abstracts for some items, not all
    const type = ['misc', 'article', 'inproceedings', 'inproceedings', 'techreport'][kind];
    out.push(`@${type}{bib${i}${family.replace(/[^a-z]/gi, '').toLowerCase()},\n${fields.join(',\n')}\n}\n`);
  }
  fs.writeFileSync(file, out.join('\n'));
}
