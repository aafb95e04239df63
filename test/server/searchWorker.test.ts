import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { SearchDoc } from '../../server/src/search/documents';
import type { WorkerReply, WorkerRequest } from '../../server/src/search/messages';
import { SERVER } from '../support/lspClient';
import { setFilesIn, setFilesOpenBy } from '../support/cacheFiles';

/** The bundled full-text worker, driven by hand with the server's messages. */
class SearchWorkerDriver {
  readonly worker = new Worker(path.join(path.dirname(SERVER), 'searchWorker.js'));
  private readonly replies: WorkerReply[] = [];
  private waiters: (() => void)[] = [];
  private nextId = 1;

  constructor() {
    this.worker.on('message', (m: WorkerReply) => {
      this.replies.push(m);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  post(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }

  /** The first reply (from now on, or already here and not yet taken) that `wanted` accepts. */
  async take<T extends WorkerReply>(wanted: (m: WorkerReply) => m is T, timeoutMs = 30000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.replies.findIndex(wanted);
      if (at >= 0) return this.replies.splice(at, 1)[0] as T;
      if (Date.now() > deadline) throw new Error(`no such reply within ${timeoutMs} ms: ${JSON.stringify(this.replies.slice(-3))}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 100); });
    }
  }

  async search(query: string): Promise<Extract<WorkerReply, { type: 'results' }>> {
    const id = this.nextId++;
    this.post({ type: 'search', id, query, limit: 10 });
    return this.take((m): m is Extract<WorkerReply, { type: 'results' }> => m.type === 'results' && m.id === id);
  }

  async settle(): Promise<void> {
    const id = this.nextId++;
    this.post({ type: 'settle', id });
    await this.take((m): m is Extract<WorkerReply, { type: 'settled' }> => m.type === 'settled' && m.id === id);
  }
}

/** `count` documents of made-up words: a shard of tens of thousands of postings (enough for its merge to go to a file). */
function docsOf(shard: string, count: number): SearchDoc<string>[] {
  let seed = shard.length * 7919;
  const word = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return `w${(seed >> 8) % 6000}x`;
  };
  return Array.from({ length: count }, (_, i) => ({
    id: `file:///${shard}.md#${i}`,
    title: `${word()} ${word()} ${word()}`,
    authors: 'Ada Lovelace',
    abstract: Array.from({ length: 160 }, word).join(' '),
    body: '',
  }));
}

describe('the full-text worker', function () {
  this.timeout(60000);
  let storage: string;
  let driver: SearchWorkerDriver | undefined;

  beforeEach(() => { storage = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-worker-')); });
  afterEach(async () => {
    await driver?.worker.terminate();
    driver = undefined;
    fs.rmSync(storage, { recursive: true, force: true });
  });

  /** A worker of one, given two shards built from their documents, as a first start gives them. */
  async function twoShardsBuilt(): Promise<SearchWorkerDriver> {
    const d = new SearchWorkerDriver();
    d.post({ type: 'configure', cacheDir: storage, slot: 0, workers: 1 });
    for (const shard of ['a', 'b']) d.post({ type: 'build', shard, hash: `${shard}1`, docs: docsOf(shard, 300) });
    for (const shard of ['a', 'b']) {
      const built = await d.take((m): m is Extract<WorkerReply, { type: 'built' }> => m.type === 'built' && m.shard === shard);
      assert.strictEqual(built.source, 'built');
    }
    return d;
  }

  it('waits for the server\'s settle before merging (so that the merge goes to the set\'s file as it is made), not only for a quiet moment', async () => {
    const d = (driver = await twoShardsBuilt());
    // The other worker may still be building: this one is quiet well past its settling time.
    await new Promise((r) => setTimeout(r, 800));
    const before = await d.search('w17x');
    assert.ok(before.hits.length > 0, 'the shards answer meanwhile');
    assert.strictEqual(before.onePass, false, 'not merged before the server says every shard is built');
    assert.deepStrictEqual(setFilesIn(storage), [], 'nor written');

    await d.settle();
    const after = await d.search('w17x');
    assert.strictEqual(after.onePass, true, 'merged at the settle');
    assert.deepStrictEqual(after.hits.map((h) => h.ref).sort(), before.hits.map((h) => h.ref).sort(), 'the same answers');
    assert.strictEqual(setFilesIn(storage).length, 1, 'into the set\'s file');
    assert.strictEqual(setFilesOpenBy(process.pid, storage), 1, 'where its postings rest from then on');
  });

  it('merges without a settle once the shards have been quiet for long, so that searches do not go shard by shard for good', async () => {
    const d = (driver = await twoShardsBuilt());
    await new Promise((r) => setTimeout(r, 3000));
    assert.strictEqual((await d.search('w17x')).onePass, true);
  });
});
