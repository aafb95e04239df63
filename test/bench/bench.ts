import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { performance } from 'perf_hooks';
import { LspClient } from '../support/lspClient';
import { generate, TIERS } from './generate';

/**
 * `npm run bench [-- S M L]`: generates each tier, starts the real server over stdio, and measures
 * what a user feels. Prints a table and JSON. Nothing here is a pass/fail test.
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
  longestStallMs: number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const round = (x: number) => Math.round(x * 100) / 100;

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

function peakRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function runTier(name: string): Promise<Result> {
  const tier = TIERS[name];
  const dir = path.join(ROOT, '.bench', name);
  process.stderr.write(`[${name}] generating...\n`);
  const { noteFiles } = generate(tier, dir, SAMPLE);
  const files = tier.useSample ? 3 : tier.digests + tier.notes + 1;
  const draft = pathToFileURL(path.join(dir, 'drafts/bench-draft.md')).href;

  process.stderr.write(`[${name}] starting server...\n`);
  const start = performance.now();
  const client = new LspClient();
  const readyPromise = client.ready();
  await client.initialize(dir, { waitReady: false });
  await client.open(draft, 'markdown', '[@\n\n');

  // The stall probe: a trivial request every 10 ms while the index is built.
  let indexing = true;
  const stalls: number[] = [];
  const probe = (async () => {
    while (indexing) {
      const [ms] = await timed(() => client.request('textDocument/hover', client.at(draft, 1, 0)));
      stalls.push(ms);
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
  indexing = false;
  await probe;
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

  const peakRssMB = peakRss(client.proc.pid!);
  await client.stop();
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
    longestStallMs: round(Math.max(0, ...stalls)),
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
    ['longest stall while indexing', (r) => `${r.longestStallMs} ms`],
    ['peak RSS', (r) => `${r.peakRssMB} MB`],
  ];
  const head = `| metric | ${results.map((r) => r.tier).join(' | ')} |\n|---|${results.map(() => '---').join('|')}|`;
  return [head, ...rows.map(([label, f]) => `| ${label} | ${results.map(f).join(' | ')} |`)].join('\n');
}

async function main(): Promise<void> {
  const tiers = process.argv.slice(2).filter((a) => TIERS[a]);
  const results: Result[] = [];
  for (const t of tiers.length ? tiers : ['S', 'M']) results.push(await runTier(t));
  console.log(table(results));
  console.log(JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
