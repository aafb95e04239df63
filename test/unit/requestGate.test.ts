import * as assert from 'assert';
import { messageDispatched, yieldToRequests } from '../../server/src/runtime/requestGate';

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
