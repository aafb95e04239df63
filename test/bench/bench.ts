import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { performance } from 'perf_hooks';
import { LspClient } from '../support/lspClient';
import { generate, TIERS } from './generate';
import { RssMoments, statusMB } from './rssMoments';
import { parseFile } from '../../server/src/parse/parseFile';
import { RACY_MS } from '../../server/src/ingest/parseCache';
import lunr = require('lunr');
import { defineFields } from '../support/lunrReference';
import { BUDGET_TIERS, checkBudgets } from './budgets';

/**
 * `npm run bench [-- S M MB L] [--runs N] [--check] [--no-baseline]`: generates each tier (MB: M with a 10,000-entry .bib beside it), starts the real server over
 * stdio, and measures what a user feels, N times per tier (interleaved), and prints the medians as a table and every run as JSON.
 * `--check` (5 runs unless `--runs` says otherwise) then compares the medians with the budgets (budgets.ts: M's at M and MB, the
 * tiers checked unless others are named; issue #30's at L) and exits non-zero if one is missed. It is not part of `npm test`: timings on a shared machine are noisy. At L it also builds the
 * naive single lunr index (minutes, ~5.5 GB) unless `--no-baseline`.
 */

const ROOT = path.resolve(__dirname, '../../..');
const SAMPLE = path.join(ROOT, 'test/fixtures/library/digests/daily-papers-sep-8.txt');

interface Result {
  tier: string;
  papers: number;
  files: number;
  firstCompletionMs: number;
  fullIndexMs: number;
  completionP50: number; completionP95: number;
  hoverP50: number; hoverP95: number;
  definitionP50: number; definitionP95: number;
  noteChangeVisibleMs: number;
  peakRssMB: number;
  /** The high-water mark of a restart's server (the last warm start) until its full text is ready: no budget, reported. */
  peakRssWarmMB: number;
  /** The highest RSS sampled every 50 ms in each moment of the first start (RssMoments): the scan, then to the full text (the keystroke loops), its 100 queries, the first tree, and after (edits, the tree again, saves). */
  rssScanMB: number;
  rssFullTextMB: number;
  rssQueriesMB: number;
  rssFirstTreeMB: number;
  rssEditsMB: number;
  longestStallMs: number;
  /** Stall probes answered in more than 30 ms, of all sent while indexing. */
  slowProbes: number;
  probes: number;
  fullTextColdMs: number;
  fullTextWarmMs: number;
  queryP50: number; queryP95: number;
  topicsMs: number;
  /** The same requests as the client waits for them: packing the papers, starting the worker and the reply too. */
  topicsRequestMs: number;
  /** The topics request of a server started on an unchanged library whose tree is cached (NaN at L, or if it was not read back). */
  topicsFromCacheMs: number;
  topicsCount: number;
  /** Export of a draft citing 200 papers (median of CSL JSON and BibTeX, 10 each). */
  exportMs: number;
  /** The slowest hover while the Topics view's outline request ran after a note's body was saved (median of 5). */
  topicsViewStallMs: number;
  /** The first completion after a note's body was saved and taken in (median of 5). */
  completionAfterEditMs: number;
  /** A hover on a key no paper has, the first time for that key (median of 10). */
  unknownKeyHoverMs: number;
  baseline?: { docs: number; buildMs: number; queryP50: number; queryP95: number; heapMB: number; rssMB: number };
}

/** Full-text queries for the benchmark: words from the generator's vocabulary, plain and in lunr's syntax. */
const QUERIES = ['reward model', 'retrieval ranking', 'mixture experts routing', 'low-rank adaptation', 'contrastive embedding',
  'title:diffusion', '+sparse +pruning', 'quantization -vision', 'embed*', 'dense retrieval benchmark', 'hallucination calibration',
  'tokenization multilingual', 'curriculum pretraining data selection', 'agent planning', 'merging continual', 'speech graph',
  'privacy federated', 'fairness bias', 'code generation', 'scaling laws'];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const round = (x: number) => Math.round(x * 100) / 100;
/** Warm starts per tier (one at L). */
const WARM_RUNS = 3;

/** The moments of a first start whose memory the bench samples (RssMoments). */
const MOMENTS = { scan: 'the scan', fullText: 'then to the full text', queries: 'its queries', firstTree: 'the first topic tree', edits: 'title edits, the tree again, body saves' };

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

/** The slowest of the hovers sent one at a time (on the draft's first line) while `request` runs. */
async function slowestHoverDuring(client: LspClient, draft: string, request: () => Promise<unknown>): Promise<number> {
  let done = false;
  let slowest = 0;
  const probe = (async () => {
    while (!done) {
      const [ms] = await timed(() => client.request('textDocument/hover', client.at(draft, 0, 7)));
      slowest = Math.max(slowest, ms);
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  await new Promise((r) => setTimeout(r, 20));
  await request();
  await new Promise((r) => setTimeout(r, 20));
  done = true;
  await probe;
  return slowest;
}

async function runTier(name: string): Promise<Result> {
  const tier = TIERS[name];
  const dir = path.join(ROOT, '.bench', name);
  process.stderr.write(`[${name}] generating...\n`);
  const { noteFiles } = generate(tier, dir, SAMPLE);
  // A file changed within RACY_MS of being read cannot be vouched for by its times, so the start
  // after it reads and hashes it again. A library just written would make the first warm start
  // below do that for half of M's files, which no real restart sees: let the library settle first.
  await new Promise((r) => setTimeout(r, RACY_MS + 100));
  const files = tier.useSample ? 3 : tier.digests + tier.notes + 1 + (tier.bibEntries ? 1 : 0);
  const draft = pathToFileURL(path.join(dir, 'drafts/bench-draft.md')).href;

  // Clearing the last run's cache (2,200 files at M: ~0.2 s) is set-up, not part of the start.
  const cacheDir = path.join(ROOT, '.bench', `${name}-cache`);
  fs.rmSync(cacheDir, { recursive: true, force: true });
  process.stderr.write(`[${name}] starting server...\n`);
  const start = performance.now();
  const client = new LspClient();
  const moments = new RssMoments(client.proc.pid!, MOMENTS.scan);
  const readyPromise = client.ready();
  await client.initialize(dir, { waitReady: false, cacheDir });
  await client.open(draft, 'markdown', '[@\n\n');

  // The stall probe: a trivial request every 10 ms while the index is built.
  let indexing = true;
  const stalls: number[] = [];
  const stallTimes: number[] = [];
  const probe = (async () => {
    while (indexing) {
      const sentAt = performance.now() - start;
      const [ms] = await timed(() => client.request('textDocument/hover', client.at(draft, 1, 0)));
      stalls.push(ms);
      stallTimes.push(sentAt);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();

  let firstCompletionMs = NaN;
  for (;;) {
    const list = await client.request<{ items: unknown[] } | null>('textDocument/completion', client.at(draft, 0, 2));
    if (list && list.items.length > 0) { firstCompletionMs = performance.now() - start; break; }
    await new Promise((r) => setTimeout(r, 5));
  }
  const ready = await readyPromise;
  const fullIndexMs = performance.now() - start;
  moments.enter(MOMENTS.fullText);
  process.stderr.write(`[${name}] indexed ${ready.papers} papers in ${Math.round(fullIndexMs)} ms\n`);

  // Keys to ask about: every paper's key, via a completion with nothing typed (first 100) and by prefix.
  const keys: string[] = [];
  for (const prefix of ['', 'a', 'c', 'e', 'm', 'r', 's', 't']) {
    await client.change(draft, `[@${prefix}\n\n`, 100 + keys.length);
    const list = await client.request<{ items: { label: string }[] }>('textDocument/completion', client.at(draft, 0, 2 + prefix.length));
    for (const i of list.items) if (!keys.includes(i.label)) keys.push(i.label);
  }
  const sampleKeys = keys.filter((_, i) => i % Math.max(1, Math.floor(keys.length / 200)) === 0).slice(0, 200);

  const completion: number[] = [];
  let version = 1000;
  for (const key of sampleKeys) {
    const prefix = key.slice(0, 2 + (completion.length % 3));
    await client.change(draft, `See [@${prefix}\n\n`, version++);
    const [ms] = await timed(() => client.request('textDocument/completion', client.at(draft, 0, 6 + prefix.length)));
    completion.push(ms);
  }
  const hover: number[] = [];
  const definition: number[] = [];
  for (const key of sampleKeys) {
    await client.change(draft, `See [@${key}]\n\n`, version++);
    hover.push((await timed(() => client.request('textDocument/hover', client.at(draft, 0, 7))))[0]);
    definition.push((await timed(() => client.request('textDocument/definition', client.at(draft, 0, 7))))[0]);
  }

  // Export: a draft citing (up to) 200 papers, as pandoc and LaTeX would get it.
  const exportMs: number[] = [];
  await client.change(draft, sampleKeys.map((k) => `[@${k}]`).join(' '), version++);
  for (let i = 0; i < 10; i++) {
    for (const format of ['csl-json', 'bibtex']) exportMs.push((await timed(() => client.request('litnotes/exportBibliography', { uri: draft, format })))[0]);
  }

  // The keystroke latencies above were measured while full-text shards were still building;
  // the stall probe keeps running until the full text is ready.
  const loopsDoneMs = performance.now() - start;
  await client.fullTextReady();
  const fullTextColdMs = performance.now() - start;
  indexing = false;
  await probe;
  process.stderr.write(`[${name}] full text ready (cold) after ${Math.round(fullTextColdMs)} ms\n`);
  const worst = stalls.map((ms, i) => [ms, stallTimes[i]]).sort((a, b) => b[0] - a[0]).slice(0, 5);
  process.stderr.write(`[${name}] longest stalls: ${worst.map(([ms, at]) => `${Math.round(ms)} ms at ${Math.round(at)} ms`).join(', ')} (${stalls.length} probes; first completion ${Math.round(firstCompletionMs)} ms, scan done ${Math.round(fullIndexMs)} ms, keystroke loops done ${Math.round(loopsDoneMs)} ms)\n`);
  moments.enter(MOMENTS.queries);
  const query: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of QUERIES) query.push((await timed(() => client.request('litnotes/search', { query: q, limit: 20 })))[0]);
  }
  // Topics get at most 5 minutes here (at L they may need more; the table then says so).
  const TOPICS_LIMIT_MS = 300000;
  moments.enter(MOMENTS.firstTree);
  const [topicsRequestMs, topics] = await timed(() => Promise.race([
    client.request<{ computeMs: number; topics: unknown[] }>('litnotes/topics', {}),
    // unref: a pending limit kept the finished bench alive for up to 5 minutes after its table.
    new Promise<{ computeMs: number; topics: unknown[] }>((r) => setTimeout(() => r({ computeMs: -TOPICS_LIMIT_MS, topics: [] }), TOPICS_LIMIT_MS).unref()),
  ]));
  const topicsRequestRuns: number[] = topics.computeMs >= 0 ? [topicsRequestMs] : [];
  moments.enter(MOMENTS.edits);

  // Save a note on disk, tell the server as an editor's file watcher would, poll the hover.
  const visible: number[] = [];
  for (let i = 0; i < 10; i++) {
    const rel = noteFiles[i % noteFiles.length];
    const file = path.join(dir, rel);
    const text = fs.readFileSync(file, 'utf8');
    const key = /citekey: (\S+)/.exec(text)![1];
    await client.change(draft, `See [@${key}]\n\n`, version++);
    const marker = `Edited Title ${i}`;
    const t0 = performance.now();
    fs.writeFileSync(file, text.replace(/title: .*/, `title: "${marker}"`));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 2 }] });
    for (;;) {
      const h = await client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at(draft, 0, 7));
      if (h?.contents.value.includes(marker)) break;
      if (performance.now() - t0 > 10000) throw new Error('note change never became visible');
    }
    visible.push(performance.now() - t0);
  }

  // The Topics view after a save that leaves its tree as it is (a note's body): the outline it asks
  // for, with hovers sent one at a time meanwhile; the slowest hover counts (median over 5 saves).
  const key0 = /citekey: (\S+)/.exec(fs.readFileSync(path.join(dir, noteFiles[0]), 'utf8'))![1];
  await client.change(draft, `See [@${key0}]\n\n`, version++);
  await client.request('litnotes/topicOutline', {}); // the tree again after the title edits above, so each save below keeps it
  const outlineStalls: number[] = [];
  const afterEditCompletion: number[] = [];
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, noteFiles[(i + 1) % noteFiles.length]);
    const text = fs.readFileSync(file, 'utf8');
    const key = /citekey: (\S+)/.exec(text)![1];
    const marker = `Body edit ${i}`;
    fs.writeFileSync(file, `${text}\n${marker}\n`);
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 2 }] });
    for (const t0 = performance.now(); !(await client.request<{ note?: { body?: string } } | null>('litnotes/paper', { key }))?.note?.body?.includes(marker);) {
      if (performance.now() - t0 > 10000) throw new Error('a note body change never arrived');
      await new Promise((r) => setTimeout(r, 20));
    }
    // The first completion after the edit (completion's search text follows the edit).
    await client.change(draft, `See [@${key.slice(0, 2)}\n\nSee [@${key0}]\n`, version++);
    afterEditCompletion.push((await timed(() => client.request('textDocument/completion', client.at(draft, 0, 8))))[0]);
    await client.change(draft, `See [@${key0}]\n\n`, version++);
    outlineStalls.push(await slowestHoverDuring(client, draft, () => client.request('litnotes/topicOutline', {})));
  }
  // Hovers on keys no paper has: each the first time (the closest keys are looked for), median of 10.
  const unknownHover: number[] = [];
  for (let i = 0; i < 10; i++) {
    await client.change(draft, `See [@${['vaswani2017attention', 'smith2024retrieval', 'lin2022truthfulqa'][i % 3]}${i}]\n\n`, version++);
    unknownHover.push((await timed(() => client.request('textDocument/hover', client.at(draft, 0, 7))))[0]);
  }

  const peakRssMB = statusMB(client.proc.pid!, 'VmHWM');
  const highest = moments.stop();
  const rssAt = (moment: string) => Math.round(highest.get(moment)?.mb ?? NaN);
  process.stderr.write(`[${name}] highest RSS sampled: ${[...highest].map(([m, { mb }]) => `${m} ${Math.round(mb)} MB`).join('; ')}; peak ${Math.round(peakRssMB)} MB\n`);
  await client.stop();

  // Warm starts: the same library and cache folder, a new server each time; each also computes
  // topics from scratch (a new server has no cached tokens). Medians over the runs, since single
  // runs on this shared 2-core machine vary by a fifth or more.
  const warmRuns = name === 'L' ? 1 : WARM_RUNS;
  const warmMs: number[] = [];
  let peakRssWarmMB = NaN;
  const topicsMsRuns: number[] = topics.computeMs >= 0 ? [topics.computeMs] : [];
  for (let run = 0; run < warmRuns; run++) {
    // Each warm server derives its topics: the tree the last one saved is removed first.
    fs.rmSync(path.join(cacheDir, 'topics'), { recursive: true, force: true });
    const warmStart = performance.now();
    const warm = new LspClient();
    await warm.initialize(dir, { waitReady: false, cacheDir });
    await warm.fullTextReady();
    warmMs.push(performance.now() - warmStart);
    peakRssWarmMB = statusMB(warm.proc.pid!, 'VmHWM');
    if (name !== 'L') {
      const [ms, warmTopics] = await timed(() => warm.request<{ computeMs: number }>('litnotes/topics', {}));
      topicsMsRuns.push(warmTopics.computeMs);
      topicsRequestRuns.push(ms);
    }
    await warm.stop();
  }
  const fullTextWarmMs = pct(warmMs, 50);
  process.stderr.write(`[${name}] full text ready (warm) after ${warmMs.map((x) => Math.round(x)).join(', ')} ms; topics ${topicsMsRuns.join(', ')} ms (requests ${topicsRequestRuns.map((x) => Math.round(x)).join(', ')} ms)\n`);

  // One more start with the tree the last warm server saved: the topics request as a restart with
  // an unchanged library sees it (read back from the storage folder, not derived).
  let topicsFromCacheMs = NaN;
  if (name !== 'L') {
    const again = new LspClient();
    await again.initialize(dir, { waitReady: true, cacheDir });
    const [ms, t] = await timed(() => again.request<{ fromCache: boolean }>('litnotes/topics', {}));
    if (t.fromCache) topicsFromCacheMs = ms;
    process.stderr.write(`[${name}] topics request of a restart, tree ${t.fromCache ? 'from the cache' : 'derived (not cached!)'}: ${Math.round(ms)} ms\n`);
    await again.stop();
  }

  let baseline: Result['baseline'];
  if ((name === 'L' && !process.argv.includes('--no-baseline')) || process.env.LITNOTES_BENCH_BASELINE) {
    process.stderr.write(`[${name}] building the naive single lunr index...\n`);
    const { execFileSync } = await import('child_process');
    const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=16000', path.join(__dirname, 'baseline.js'), dir, JSON.stringify(QUERIES)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    baseline = JSON.parse(out.trim().split('\n').pop()!);
  }
  return {
    tier: name,
    papers: ready.papers,
    files,
    firstCompletionMs: round(firstCompletionMs),
    fullIndexMs: round(fullIndexMs),
    completionP50: round(pct(completion, 50)), completionP95: round(pct(completion, 95)),
    hoverP50: round(pct(hover, 50)), hoverP95: round(pct(hover, 95)),
    definitionP50: round(pct(definition, 50)), definitionP95: round(pct(definition, 95)),
    noteChangeVisibleMs: round(pct(visible, 50)),
    peakRssMB: Math.round(peakRssMB),
    peakRssWarmMB: Math.round(peakRssWarmMB),
    rssScanMB: rssAt(MOMENTS.scan),
    rssFullTextMB: rssAt(MOMENTS.fullText),
    rssQueriesMB: rssAt(MOMENTS.queries),
    rssFirstTreeMB: rssAt(MOMENTS.firstTree),
    rssEditsMB: rssAt(MOMENTS.edits),
    longestStallMs: round(Math.max(0, ...stalls)),
    slowProbes: stalls.filter((ms) => ms > 30).length,
    probes: stalls.length,
    fullTextColdMs: round(fullTextColdMs),
    fullTextWarmMs: round(fullTextWarmMs),
    queryP50: round(pct(query, 50)), queryP95: round(pct(query, 95)),
    topicsMs: topicsMsRuns.length ? pct(topicsMsRuns, 50) : topics.computeMs,
    topicsRequestMs: topicsRequestRuns.length ? round(pct(topicsRequestRuns, 50)) : NaN,
    topicsFromCacheMs: round(topicsFromCacheMs),
    topicsCount: topics.topics.length,
    exportMs: round(pct(exportMs, 50)),
    topicsViewStallMs: round(pct(outlineStalls, 50)),
    completionAfterEditMs: round(pct(afterEditCompletion, 50)),
    unknownKeyHoverMs: round(pct(unknownHover, 50)),
    baseline,
  };
}

function table(results: Result[]): string {
  const rows: [string, (r: Result) => string][] = [
    ['papers (files)', (r) => `${r.papers} (${r.files})`],
    ['first completion after start', (r) => `${r.firstCompletionMs} ms`],
    ['full index', (r) => `${r.fullIndexMs} ms`],
    ['completion p50 / p95', (r) => `${r.completionP50} / ${r.completionP95} ms`],
    ['hover p50 / p95', (r) => `${r.hoverP50} / ${r.hoverP95} ms`],
    ['definition p50 / p95', (r) => `${r.definitionP50} / ${r.definitionP95} ms`],
    ['note saved -> hover shows it (median)', (r) => `${r.noteChangeVisibleMs} ms`],
    ['longest stall while indexing (scan and full text)', (r) => `${r.longestStallMs} ms`],
    ['stall probes over 30 ms (of all sent while indexing)', (r) => `${r.slowProbes} of ${r.probes}`],
    ['full text ready, cold start', (r) => `${r.fullTextColdMs} ms`],
    ['full text ready, warm start (cache; median of 3 at S, M)', (r) => `${r.fullTextWarmMs} ms`],
    ['full-text query p50 / p95', (r) => `${r.queryP50} / ${r.queryP95} ms`],
    ['topics computation in a fresh server (median over runs; top-level topics)', (r) => (r.topicsMs < 0 ? `> ${-r.topicsMs} ms (not finished)` : `${r.topicsMs} ms (${r.topicsCount})`)],
    ['topics request as the client waits (median; packing, worker start, reply)', (r) => (Number.isNaN(r.topicsRequestMs) ? '–' : `${r.topicsRequestMs} ms`)],
    ['topics request of a restart, unchanged library (tree read back from the cache)', (r) => (Number.isNaN(r.topicsFromCacheMs) ? '–' : `${r.topicsFromCacheMs} ms`)],
    ['export of a draft citing 200 papers (median, CSL JSON and BibTeX)', (r) => `${r.exportMs} ms`],
    ['Topics view after a save: slowest hover during its request (median of 5)', (r) => `${r.topicsViewStallMs} ms`],
    ['first completion after a note body saved (median of 5)', (r) => `${r.completionAfterEditMs} ms`],
    ['hover on an unknown key, first time (median of 10)', (r) => `${r.unknownKeyHoverMs} ms`],
    ['peak RSS', (r) => `${r.peakRssMB} MB`],
    ['peak RSS of a restart, to its full text (warm start)', (r) => `${r.peakRssWarmMB} MB`],
    ['highest RSS sampled (50 ms): scan / then to the full text / its queries / first tree / edits, tree again, saves', (r) => `${r.rssScanMB} / ${r.rssFullTextMB} / ${r.rssQueriesMB} / ${r.rssFirstTreeMB} / ${r.rssEditsMB} MB`],
    ['naive single lunr index: build', (r) => (r.baseline ? `${r.baseline.buildMs} ms` : '–')],
    ['naive single lunr index: query p50 / p95', (r) => (r.baseline ? `${r.baseline.queryP50} / ${r.baseline.queryP95} ms` : '–')],
    ['naive single lunr index: heap / RSS', (r) => (r.baseline ? `${r.baseline.heapMB} / ${r.baseline.rssMB} MB` : '–')],
  ];
  const head = `| metric | ${results.map((r) => r.tier).join(' | ')} |\n|---|${results.map(() => '---').join('|')}|`;
  return [head, ...rows.map(([label, f]) => `| ${label} | ${results.map(f).join(' | ')} |`)].join('\n');
}

/**
 * A fixed piece of CPU work (lunr indexing the sample digest five times, with lunr's own tokenizer
 * and pipeline so the work stays the same as the project changes), timed before and after the run:
 * this shared machine's speed drifts by half over an afternoon, and the table's numbers only
 * compare across runs alongside it.
 */
function calibrate(): number {
  const text = fs.readFileSync(SAMPLE, 'utf8');
  const t = performance.now();
  for (let i = 0; i < 5; i++) {
    const sources = parseFile('file:///calibration.txt', 'calibration.txt', 'digest', text).entry.sources;
    lunr(function () {
      defineFields(this);
      sources.forEach((s, j) => this.add({ id: String(j), title: s.title, authors: s.authors.join(' '), abstract: s.abstract ?? '', body: '' }));
    });
  }
  return Math.round(performance.now() - t);
}

/** The median of each numeric field over a tier's runs (counts and the baseline from the first run). */
function medianResult(runs: Result[]): Result {
  const first = runs[0];
  if (runs.length === 1) return first;
  const out: Record<string, unknown> = { ...first };
  for (const [field, value] of Object.entries(first)) {
    if (typeof value !== 'number' || field === 'papers' || field === 'files') continue;
    out[field] = round(median(runs.map((r) => r[field as keyof Result] as number)));
  }
  return out as unknown as Result;
}

function median(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const runs = Number(option('--runs') ?? (check ? 5 : 1));
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs wants a positive whole number, not ${option('--runs')}`);
  const named = process.argv.slice(2).filter((a) => TIERS[a]);
  const tiers = named.length ? named : check ? BUDGET_TIERS : ['S', 'M'];
  const all = new Map<string, Result[]>(tiers.map((t) => [t, []]));
  calibrate(); // once for the JIT
  const speeds: number[] = [];
  for (let run = 1; run <= runs; run++) {
    speeds.push(calibrate());
    for (const t of tiers) {
      if (runs > 1) process.stderr.write(`[${t}] run ${run} of ${runs}\n`);
      all.get(t)!.push(await runTier(t));
    }
  }
  speeds.push(calibrate());
  const medians = tiers.map((t) => medianResult(all.get(t)!));
  console.log(`Machine speed (fixed work, lower is faster): ${speeds.join(', ')} ms between runs.\n`);
  if (runs > 1) console.log(`Medians of ${runs} runs.\n`);
  console.log(table(medians));
  console.log(JSON.stringify([...all.values()].flat(), null, 2));
  if (!check) return;
  const verdicts = checkBudgets(medians as unknown as { tier: string }[]);
  if (!verdicts.length) {
    console.log(`\nNo budget applies to ${tiers.join(', ')}: the budgets hold at ${BUDGET_TIERS.join(', ')} and L.`);
    return;
  }
  console.log('\n| budget | tier | median | at most | |\n|---|---|---|---|---|');
  for (const v of verdicts) console.log(`| ${v.budget.label} | ${v.tier} | ${v.median} ${v.budget.unit} | ${v.budget.max} ${v.budget.unit} | ${v.met ? 'met' : '**missed**'} |`);
  const missed = verdicts.filter((v) => !v.met);
  console.log(missed.length ? `\n${missed.length} of ${verdicts.length} budgets missed.` : `\nAll ${verdicts.length} budgets met.`);
  if (missed.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
