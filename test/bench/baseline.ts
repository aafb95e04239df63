import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { buildIndex } from '../support/lunrReference';
import { Classifier } from '../../server/src/parse/classify';
import { parseFile } from '../../server/src/parse/parseFile';
import { DEFAULT_SETTINGS } from '../../server/src/shared/settings';

/**
 * The naive baseline: one unsharded lunr index over every note and digest entry of a generated
 * library, built in this process. Prints JSON: build time, query p50/p95, heap after the build.
 * Usage: node baseline.js DIR QUERIES_JSON
 */
const [dir, queriesJson] = process.argv.slice(2);
const queries = JSON.parse(queriesJson) as string[];
const classifier = new Classifier(DEFAULT_SETTINGS);
const docs: { id: string; title: string; authors: string; abstract: string; body: string }[] = [];
const walk = (d: string) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const full = path.join(d, e.name);
    if (e.isDirectory()) { walk(full); continue; }
    const rel = path.relative(dir, full).split(path.sep).join('/');
    const cand = classifier.classify(rel);
    if (!cand) continue;
    const { entry } = parseFile(`file://${full}`, rel, cand, fs.readFileSync(full, 'utf8'));
    for (const s of entry.sources) docs.push({ id: `${entry.uri}#${s.ordinal}`, title: s.title, authors: s.authors.join(' '), abstract: String(s.abstract ?? ''), body: String(s.body ?? '') });
  }
};
walk(dir);
const t0 = performance.now();
const index = buildIndex(docs);
const buildMs = performance.now() - t0;
global.gc?.();
const heapMB = process.memoryUsage().heapUsed / 1024 / 1024;
const times: number[] = [];
for (const q of queries) {
  const t = performance.now();
  index.search(q);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
console.log(JSON.stringify({ docs: docs.length, buildMs: Math.round(buildMs), queryP50: Math.round(pct(50) * 100) / 100, queryP95: Math.round(pct(95) * 100) / 100, heapMB: Math.round(heapMB), rssMB: Math.round(process.memoryUsage().rss / 1024 / 1024) }));
