import * as crypto from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { LspClient } from '../support/lspClient';
import { generate, TIERS } from './generate';

/**
 * `node out/test/bench/fingerprint.js [tier]`: indexes a generated tier with the real server and prints
 * hashes of what users see of the library: every paper (key, title, year, authors, note or not,
 * digest date), the topic tree, and the answers to a few full-text queries. Two builds that print the
 * same hashes index the library the same way. `LITNOTES_TEST_SERVER=/path/to/server.js` picks the
 * server to run (the default is this checkout's dist/server.js).
 */

const ROOT = path.resolve(__dirname, '../../..');
const SAMPLE = path.join(ROOT, 'test/fixtures/library/digests/daily-papers-sep-8.txt');
const QUERIES = ['reward model', 'title:diffusion', '+sparse +pruning', 'quantization -vision', 'embed*', 'rerank~1'];

const hash = (value: unknown) => crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

async function main(): Promise<void> {
  const tier = TIERS[process.argv[2] ?? 'M'];
  if (!tier) throw new Error(`no tier ${process.argv[2]}: one of ${Object.keys(TIERS).join(', ')}`);
  const dir = path.join(os.tmpdir(), `litnotes-fingerprint-${tier.name}`);
  generate(tier, dir, SAMPLE);
  const client = new LspClient();
  try {
    await client.initialize(dir);
    await client.fullTextReady();
    const list = await client.request<{ total: number; papers: unknown[] }>('litnotes/list', { limit: 20000 });
    const topics = await client.request<{ topics: unknown }>('litnotes/topics', {});
    const searches: unknown[] = [];
    for (const query of QUERIES) {
      const answer = await client.request<{ results: { key: string; score: number }[] }>('litnotes/search', { query, limit: 50 });
      searches.push(answer.results.map((r) => [r.key, Math.round(r.score * 1e6)]));
    }
    console.log(JSON.stringify({
      tier: tier.name,
      papers: list.total,
      listed: list.papers.length,
      papersHash: hash(list.papers),
      topicsHash: hash(topics.topics),
      searchHash: hash(searches),
    }, null, 2));
  } finally {
    await client.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
