import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Restarts, WorkerHost } from '../../server/src/runtime/workerHost';

type Ask = { id: number; text: string };
type Answer = { id: number; echo?: string; note?: string };

describe('the worker host', function () {
  this.timeout(20000);
  let dir: string;
  let script: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-host-'));
    script = path.join(dir, 'echo.js');
    // Answers out of order: a note first, then the echo; "crash" ends the thread without answering.
    fs.writeFileSync(script, [
      "const { parentPort } = require('worker_threads');",
      "parentPort.on('message', (m) => {",
      "  if (m.text === 'crash') process.exit(3);",
      "  if (m.text === 'answer then fail') { parentPort.postMessage({ id: m.id, echo: 'LAST' }); setImmediate(() => { throw new Error('failed after answering'); }); return; }",
      "  parentPort.postMessage({ id: -1, note: 'working on ' + m.id });",
      "  setTimeout(() => parentPort.postMessage({ id: m.id, echo: m.text.toUpperCase() }), m.text === 'slow' ? 50 : 0);",
      "});",
    ].join('\n'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const isEcho = (m: Answer, id: number): m is Answer => m.id === id && m.echo !== undefined;

  it('matches each answer to its request, and passes other messages to its listener', async () => {
    const notes: string[] = [];
    const host = new WorkerHost<Ask, Answer>(script, 'topics').listen({ onMessage: (m) => notes.push(m.note ?? '') });
    try {
      const [slow, quick] = await Promise.all([
        host.request((id) => ({ id, text: 'slow' }), isEcho),
        host.request((id) => ({ id, text: 'quick' }), isEcho),
      ]);
      assert.deepStrictEqual([slow?.echo, quick?.echo], ['SLOW', 'QUICK']);
      assert.notStrictEqual(slow?.id, quick?.id);
      assert.deepStrictEqual(notes.sort(), [`working on ${slow!.id}`, `working on ${quick!.id}`].sort());
    } finally {
      await host.terminate();
    }
  });

  it('a worker that stops on its own answers waiting requests with undefined and tells its listener once, why', async () => {
    const stops: string[] = [];
    const host = new WorkerHost<Ask, Answer>(script, 'topics').listen({ onStop: (why) => stops.push(why) });
    const waiting = host.request((id) => ({ id, text: 'slow' }), isEcho);
    host.post({ id: 0, text: 'crash' });
    assert.strictEqual(await waiting, undefined);
    await host.whenEnded();
    assert.deepStrictEqual(stops, ['exit code 3']);
    assert.strictEqual(host.stopped, 'exit code 3');
    assert.strictEqual(await host.request((id) => ({ id, text: 'late' }), isEcho), undefined);
  });

  it('an answer sent just before an uncaught error reaches its request, and the error is why it stopped', async () => {
    for (let i = 0; i < 20; i++) {
      const stops: string[] = [];
      const host = new WorkerHost<Ask, Answer>(script, 'topics').listen({ onStop: (why) => stops.push(why) });
      const last = await host.request((id) => ({ id, text: 'answer then fail' }), isEcho);
      assert.strictEqual(last?.echo, 'LAST', `try ${i}`);
      await host.whenEnded();
      assert.strictEqual(stops.length, 1);
      assert.match(stops[0], /failed after answering/);
    }
  });

  it('terminate() ends it without telling the listener it stopped', async () => {
    const stops: string[] = [];
    const host = new WorkerHost<Ask, Answer>(script, 'parse').listen({ onStop: (why) => stops.push(why) });
    const waiting = host.request((id) => ({ id, text: 'slow' }), isEcho);
    await host.terminate();
    assert.strictEqual(await waiting, undefined);
    assert.deepStrictEqual(stops, []);
    assert.strictEqual(host.stopped, 'terminated');
  });

  it('Restarts allows a bounded number of restarts within its window, and more once they age out', () => {
    let now = 0;
    const restarts = new Restarts(2, 1000, () => now);
    assert.deepStrictEqual([restarts.take(), restarts.take(), restarts.take()], [true, true, false]);
    now = 999;
    assert.strictEqual(restarts.take(), false, 'still within the window');
    now = 1001;
    assert.deepStrictEqual([restarts.take(), restarts.take(), restarts.take()], [true, true, false]);
    assert.deepStrictEqual([new Restarts().max, new Restarts().minutes], [3, 10], 'three within ten minutes unless told otherwise');
  });
});
