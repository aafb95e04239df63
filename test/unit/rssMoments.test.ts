import * as assert from 'assert';
import { RssMoments, statusMB } from '../bench/rssMoments';

describe('the bench\'s memory by moment', () => {
  it('keeps the highest resident memory sampled in each moment, a moment\'s memory taken after it counting for it', async () => {
    if (process.platform !== 'linux') return;
    const moments = new RssMoments(process.pid, 'before', 5);
    await new Promise((r) => setTimeout(r, 30));
    moments.enter('holding');
    // 200 MB touched, so that this moment's resident memory is clearly above the one before.
    const held = Buffer.alloc(200 * 1024 * 1024, 1);
    await new Promise((r) => setTimeout(r, 30));
    moments.enter('after');
    const highest = moments.stop();
    assert.deepStrictEqual([...highest.keys()], ['before', 'holding', 'after']);
    assert.ok(highest.get('holding')!.mb >= highest.get('before')!.mb + 150, JSON.stringify([...highest]));
    assert.ok(held[held.length - 1] === 1);
  });

  it('reads nothing of a process that is not there', () => {
    assert.ok(Number.isNaN(statusMB(2 ** 30, 'VmRSS')));
  });
});
