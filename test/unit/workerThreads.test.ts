import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runtimeTrickOff } from '../../server/src/runtime/tricks';
import { startWorker } from '../../server/src/runtime/workerThreads';
import { schedulingPolicyOf } from './helpers';

describe('starting worker threads', function () {
  this.timeout(20000);
  let dir: string;
  let script: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-workers-'));
    script = path.join(dir, 'reportPriority.js');
    // Its first statement reports the thread's nice value: whatever the worker was born with.
    fs.writeFileSync(script, "require('worker_threads').parentPort.postMessage(require('os').getPriority());\n");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function priorityOf(nice: number): Promise<number> {
    const worker = startWorker(script, nice);
    return new Promise<number>((resolve, reject) => {
      worker.once('message', (p: number) => { void worker.terminate(); resolve(p); });
      worker.once('error', reject);
    });
  }

  it('idleOwnThread moves the calling thread, and only it, into the idle scheduling class (Linux)', async function () {
    if (process.platform !== 'linux') this.skip();
    const moduleFile = path.resolve(__dirname, '../../server/src/runtime/workerThreads.js');
    const idler = path.join(dir, 'idler.js');
    fs.writeFileSync(idler, [
      `const { idleOwnThread } = require(${JSON.stringify(moduleFile)});`,
      "const { readFileSync } = require('fs');",
      "idleOwnThread().then((problem) => require('worker_threads').parentPort.postMessage({ problem, stat: readFileSync('/proc/thread-self/stat', 'utf8') }));",
    ].join('\n'));
    const worker = startWorker(idler, 0);
    const reply = await new Promise<{ problem?: string; stat: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    assert.strictEqual(reply.problem, undefined);
    assert.strictEqual(schedulingPolicyOf(reply.stat), 5, 'the worker is in SCHED_IDLE');
    assert.strictEqual(schedulingPolicyOf(fs.readFileSync('/proc/thread-self/stat', 'utf8')), 0, 'the calling thread of the test is not');
  });

  it('a worker runs at its priority from its first statement on, and the server thread keeps its own (Linux)', async function () {
    if (process.platform !== 'linux') this.skip();
    const own = os.getPriority();
    const [a, b] = await Promise.all([priorityOf(own + 7), priorityOf(own + 12)]);
    assert.deepStrictEqual([a, b], [own + 7, own + 12]);
    assert.strictEqual(os.getPriority(), own);
  });

  it('LITNOTES_RUNTIME_OFF=renice starts workers at the server thread\'s priority, and lists only what it names', async function () {
    if (process.platform !== 'linux') this.skip();
    const before = process.env.LITNOTES_RUNTIME_OFF;
    process.env.LITNOTES_RUNTIME_OFF = 'gc,renice';
    try {
      assert.ok(runtimeTrickOff('renice') && runtimeTrickOff('gc') && !runtimeTrickOff('chrt'));
      assert.strictEqual(await priorityOf(os.getPriority() + 7), os.getPriority());
    } finally {
      if (before === undefined) delete process.env.LITNOTES_RUNTIME_OFF;
      else process.env.LITNOTES_RUNTIME_OFF = before;
    }
  });
});
