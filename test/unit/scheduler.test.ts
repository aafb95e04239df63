import * as assert from 'assert';
import { afterWhileBusy, messageDispatched, resultInSlices, runSliced, SLICE_MS, yieldToRequests } from '../../server/src/runtime/scheduler';
import { sortInSteps } from '../../server/src/model/steps';

/** Dispatches `count` messages one per turn of the event loop, as vscode-jsonrpc does. */
function dispatchOnePerTurn(count: number, log: string[]): void {
  let left = count;
  const next = () => {
    if (left-- <= 0) return;
    log.push('message');
    messageDispatched();
    setImmediate(next);
  };
  setImmediate(next);
}

describe('background slices give way to queued messages', () => {
  it('a slice resumes only after every queued message was dispatched, not after the first', async () => {
    const log: string[] = [];
    dispatchOnePerTurn(5, log);
    await yieldToRequests();
    log.push('slice');
    assert.deepStrictEqual(log, ['message', 'message', 'message', 'message', 'message', 'slice']);
  });

  it('with nothing queued, a slice resumes in the next turn', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('next turn'));
    await yieldToRequests();
    log.push('slice');
    setImmediate(() => log.push('turn after'));
    await new Promise((r) => setImmediate(r));
    assert.deepStrictEqual(log, ['next turn', 'slice', 'turn after']);
  });

  it('a client that never stops sending cannot hold a slice back for ever', async () => {
    const log: string[] = [];
    dispatchOnePerTurn(1000, log);
    await yieldToRequests();
    const dispatchedBefore = log.length;
    assert.ok(dispatchedBefore >= 60 && dispatchedBefore <= 70, `resumed after ${dispatchedBefore} messages`);
    while (log.length < 1000) await new Promise((r) => setImmediate(r)); // let the sender finish
  });
});

describe('runSliced', () => {
  /** Steps of about 1 ms of work each, logging every step. */
  function* busySteps(count: number, log: string[]): Generator<void> {
    for (let i = 0; i < count; i++) {
      const until = Date.now() + 1;
      while (Date.now() < until) { /* work */ }
      log.push('step');
      yield;
    }
  }

  it('lets a request queued meanwhile run after a slice, not after the whole computation', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('request'));
    await runSliced(busySteps(10 * SLICE_MS, log));
    const at = log.indexOf('request');
    assert.ok(at > 0 && at <= SLICE_MS + 2, `the request ran after ${at} of ${log.length - 1} steps`);
  });

  it('holds the thread for a whole slice before giving way, not for less', async () => {
    let requestAt = 0;
    setImmediate(() => (requestAt = performance.now()));
    const started = performance.now();
    await runSliced((function* () {
      for (let i = 0; i < 100; i++) {
        const until = performance.now() + 0.1;
        while (performance.now() < until) { /* work */ }
        yield;
      }
    })());
    assert.ok(requestAt - started >= SLICE_MS, `the request ran ${(requestAt - started).toFixed(2)} ms after the computation began`);
  });

  it('runs quick steps to the end without giving way', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('request'));
    await runSliced((function* () { for (let i = 0; i < 100; i++) { log.push('step'); yield; } })());
    assert.strictEqual(log.indexOf('request'), -1);
  });

  it('two computations at once take one slice per turn between them, not one each', async () => {
    const log: string[] = [];
    let done = false;
    const tick = () => { log.push('turn'); if (!done) setImmediate(tick); };
    setImmediate(tick);
    await Promise.all([runSliced(busySteps(10 * SLICE_MS, log)), runSliced(busySteps(10 * SLICE_MS, log))]);
    done = true;
    const perTurn = log.join(' ').split('turn').map((between) => between.split('step').length - 1);
    assert.strictEqual(perTurn.reduce((a, b) => a + b, 0), 20 * SLICE_MS, 'both ran to the end');
    // Both start in the turn they are called in; from then on they share one slice per turn.
    assert.ok(Math.max(...perTurn.slice(1)) <= SLICE_MS + 1, `steps in one turn: ${perTurn.join(' ')}`);
  });
});

describe('resultInSlices', () => {
  it('resolves to what the steps return, and lets a request queued meanwhile run before the end', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('request'));
    const items = Array.from({ length: 20000 }, (_, i) => `title ${(i * 7919) % 20000}`);
    const order = new Intl.Collator();
    const sorted = await resultInSlices(sortInSteps(items, (a, b) => { log.push('compare'); return order.compare(a, b); }, 256));
    assert.deepStrictEqual(sorted, [...items].sort(order.compare));
    const at = log.indexOf('request');
    assert.ok(at > 0 && at < log.length - 1, `the request ran after ${at} of ${log.length - 1} compares`);
  });
});

describe('afterWhileBusy', () => {
  it('runs once the delay has passed and nothing keeps it busy, looking again a delay later while something does', async () => {
    const started = Date.now();
    let busyUntil = started + 120;
    let looks = 0;
    const ran = await new Promise<number>((resolve) => {
      afterWhileBusy(50, () => { looks++; return Date.now() < busyUntil; }, () => resolve(Date.now() - started));
    });
    assert.ok(ran >= 120, `ran after ${ran} ms, while still busy`);
    assert.ok(looks >= 3, `${looks} looks: at ~50, ~100 and ~150 ms`);
    busyUntil = 0;
    const at = Date.now();
    const idle = await new Promise<number>((resolve) => afterWhileBusy(30, () => false, () => resolve(Date.now() - at)));
    assert.ok(idle >= 25 && idle < 1000, `ran after ${idle} ms when never busy`);
  });
});
