import * as assert from 'assert';
import { onConnectionError, onServerClosed, RestartBudget } from '../../client/src/serverRestarts';

describe('restarting a language server that stopped unasked', () => {
  it('allows a bounded number of restarts within the window, and more once old ones age out', () => {
    let now = 0;
    const budget = new RestartBudget(2, 1000, () => now);
    assert.deepStrictEqual([budget.take(), budget.take(), budget.take()], [true, true, false]);
    now = 1500; // both earlier restarts are out of the window
    assert.deepStrictEqual([budget.take(), budget.take(), budget.take()], [true, true, false]);
    assert.strictEqual(budget.total, 4);
    budget.reset();
    assert.strictEqual(budget.take(), true);
  });

  it('restarts and says so, then gives up and says so', () => {
    const said: string[] = [];
    const events = { restarting: (n: number, max: number) => said.push(`restart ${n}/${max}`), gaveUp: (max: number, minutes: number) => said.push(`gave up after ${max} in ${minutes} min`) };
    const budget = new RestartBudget(1, 60_000);
    assert.deepStrictEqual([onServerClosed(budget, events), onServerClosed(budget, events)], ['restart', 'stop']);
    assert.deepStrictEqual(said, ['restart 1/1', 'gave up after 1 in 1 min']);
  });

  it('a few unreadable messages do not stop the client; many do', () => {
    assert.deepStrictEqual([onConnectionError(1), onConnectionError(3), onConnectionError(4)], ['continue', 'continue', 'shutdown']);
  });

  it('a stream error (a write to a killed server, no count) leaves the decision to the close that follows', () => {
    assert.strictEqual(onConnectionError(undefined), 'continue');
  });

  it('so do writes after the server died, however many ("Channel closed" for each request sent meanwhile)', () => {
    const closed = new Error('Channel closed');
    assert.deepStrictEqual([1, 4, 10].map((n) => onConnectionError(n, closed)), ['continue', 'continue', 'continue']);
    assert.strictEqual(onConnectionError(5, Object.assign(new Error('write failed'), { code: 'EPIPE' })), 'continue');
    assert.strictEqual(onConnectionError(4, new Error('Header must provide a Content-Length property.')), 'shutdown', 'a server that keeps sending garbage is stopped');
  });
});
