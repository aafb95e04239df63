import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspClient } from '../support/lspClient';
import { generate, TIERS } from './generate';
import { RssMoments, statusMB } from './rssMoments';

/**
 * `npm run bench:memory -- [tier]`: where the server's memory is, by thread. Indexes a generated tier
 * with the real server (LITNOTES_MEMORY_LOG on, see server/src/runtime/memoryLog.ts) on an empty
 * storage folder, as a first start in the editor does, waits for the full text and a topic tree, and
 * prints each thread's peak V8 heap (in use, and reserved) and external memory (array buffers,
 * typed arrays) beside the process's peak RSS (VmHWM), and when the RSS peaked.
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
  const storage = path.join(os.tmpdir(), `litnotes-memory-${tier.name}-storage`);
  fs.rmSync(storage, { recursive: true, force: true });
  const client = new LspClient();
  const moments = new RssMoments(client.proc.pid!, 'scan', 100);
  try {
    await client.initialize(dir, { cacheDir: storage });
    moments.enter('full text');
    const full = await client.fullTextReady();
    moments.enter('topics');
    await client.request('litnotes/topics', {});
    moments.enter('after');
    await new Promise((r) => setTimeout(r, 1500));
    // The highest sample of all, and in which phase (the first, where two are as high).
    const [phase, peak] = [...moments.stop()].reduce((a, b) => (b[1].mb > a[1].mb ? b : a));
    const peaks = new Map<string, { heap: number; committed: number; external: number }>();
    for (const line of client.stderr.split('\n')) {
      const m = /^litnotes-memory (\S+) (\d+) (\d+) (\d+)$/.exec(line);
      if (!m) continue;
      const p = peaks.get(m[1]) ?? { heap: 0, committed: 0, external: 0 };
      p.heap = Math.max(p.heap, Number(m[2]));
      p.committed = Math.max(p.committed, Number(m[3]));
      p.external = Math.max(p.external, Number(m[4]));
      peaks.set(m[1], p);
    }
    console.log(`${tier.name}: ${full.papers} papers; peak RSS ${Math.round(statusMB(client.proc.pid!, 'VmHWM'))} MB (sampled: ${Math.round(peak.mb)} MB at ${(peak.at / 1000).toFixed(1)} s, during ${phase})\n`);
    console.log('| thread | peak heap in use | peak heap reserved | peak external |\n|---|---|---|---|');
    let heap = 0, committed = 0, external = 0;
    for (const [thread, p] of [...peaks].sort((a, b) => b[1].committed - a[1].committed)) {
      console.log(`| ${thread} | ${Math.round(p.heap / MB)} MB | ${Math.round(p.committed / MB)} MB | ${Math.round(p.external / MB)} MB |`);
      heap += p.heap;
      committed += p.committed;
      external += p.external;
    }
    console.log(`| all threads (sum of peaks) | ${Math.round(heap / MB)} MB | ${Math.round(committed / MB)} MB | ${Math.round(external / MB)} MB |`);
  } finally {
    moments.stop();
    await client.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
