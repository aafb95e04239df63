import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspClient } from '../support/lspClient';
import { generate, TIERS } from './generate';

/**
 * `npm run bench:memory -- [tier]`: where the server's memory is, by thread. Indexes a generated tier
 * with the real server (LITNOTES_MEMORY_LOG on, see server/src/runtime/memoryLog.ts), waits for the
 * full text and a topic tree, and prints each thread's peak V8 heap and external memory (array
 * buffers, typed arrays) beside the process's peak RSS (VmHWM).
 */

const ROOT = path.resolve(__dirname, '../../..');
const SAMPLE = path.join(ROOT, 'test/fixtures/library/digests/daily-papers-sep-8.txt');
const MB = 1024 * 1024;

async function main(): Promise<void> {
  const tier = TIERS[process.argv[2] ?? 'M'];
  if (!tier) throw new Error(`no tier ${process.argv[2]}: one of ${Object.keys(TIERS).join(', ')}`);
  const dir = path.join(os.tmpdir(), `litnotes-memory-${tier.name}`);
  generate(tier, dir, SAMPLE);
  process.env.LITNOTES_MEMORY_LOG = '1';
  const client = new LspClient();
  try {
    await client.initialize(dir);
    const full = await client.fullTextReady();
    await client.request('litnotes/topics', {});
    await new Promise((r) => setTimeout(r, 1500));
    const rss = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${client.proc.pid}/status`, 'utf8'))?.[1];
    const peaks = new Map<string, { heap: number; external: number }>();
    for (const line of client.stderr.split('\n')) {
      const m = /^litnotes-memory (\S+) (\d+) (\d+)$/.exec(line);
      if (!m) continue;
      const p = peaks.get(m[1]) ?? { heap: 0, external: 0 };
      p.heap = Math.max(p.heap, Number(m[2]));
      p.external = Math.max(p.external, Number(m[3]));
      peaks.set(m[1], p);
    }
    console.log(`${tier.name}: ${full.papers} papers; peak RSS ${Math.round(Number(rss) / 1024)} MB\n`);
    console.log('| thread | peak heap | peak external |\n|---|---|---|');
    let heap = 0, external = 0;
    for (const [thread, p] of [...peaks].sort((a, b) => b[1].heap - a[1].heap)) {
      console.log(`| ${thread} | ${Math.round(p.heap / MB)} MB | ${Math.round(p.external / MB)} MB |`);
      heap += p.heap;
      external += p.external;
    }
    console.log(`| all threads (sum of peaks) | ${Math.round(heap / MB)} MB | ${Math.round(external / MB)} MB |`);
  } finally {
    await client.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
