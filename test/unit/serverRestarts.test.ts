import * as assert from 'assert';
import { CloseAction, ErrorAction } from 'vscode-languageclient/node';
import { RestartBudget, restartingErrorHandler } from '../../client/src/serverRestarts';

describe('restarting a language server that stopped unasked', () => {
  it('allows a bounded number of restarts within the window, and more once old ones age out', () => {
    let now = 0;
    const budget = new RestartBudget(2, 1000, () => now);
    assert.deepStrictEqual([budget.take(), budget.take(), budget.take()], [true, true, false]);
    now = 1500;
    assert.strictEqual(budget.take(), true);
    assert.strictEqual(budget.total, 3);
    assert.strictEqual(budget.take(), false);
    budget.reset();
    assert.strictEqual(budget.take(), true);
  });

  it('the handler restarts and says so, then gives up and says so', async () => {
    const said: string[] = [];
    const handler = restartingErrorHandler(new RestartBudget(1, 60_000), { restarting: (n, max) => said.push(`restart ${n}/${max}`), gaveUp: (max, minutes) => said.push(`gave up after ${max} in ${minutes} min`) });
    assert.strictEqual((await handler.closed()).action, CloseAction.Restart);
    assert.strictEqual((await handler.closed()).action, CloseAction.DoNotRestart);
    assert.deepStrictEqual(said, ['restart 1/1', 'gave up after 1 in 1 min']);
  });

  it('a few unreadable messages do not stop the client; many do', async () => {
    const handler = restartingErrorHandler(new RestartBudget(), { restarting: () => undefined, gaveUp: () => undefined });
    assert.strictEqual((await handler.error(new Error('x'), undefined, 1)).action, ErrorAction.Continue);
    assert.strictEqual((await handler.error(new Error('x'), undefined, 4)).action, ErrorAction.Shutdown);
  });
});
