import * as assert from 'assert';
import { BUDGETS, checkBudgets } from '../bench/budgets';

/** A tier's medians with every budgeted metric at `fraction` of its budget. */
function medians(tier: string, fraction: number): { tier: string; [metric: string]: unknown } {
  const m: { tier: string; [metric: string]: unknown } = { tier };
  for (const b of BUDGETS) m[b.metric] = b.max * fraction;
  return m;
}

describe('bench budgets (npm run bench -- --check)', () => {
  it('meets every budget when each median is within it, at M and MB', () => {
    const verdicts = checkBudgets([medians('M', 1), medians('MB', 0.5)]);
    assert.strictEqual(verdicts.length, 2 * BUDGETS.length);
    assert.ok(verdicts.every((v) => v.met));
  });

  it('misses exactly the budget whose median is over it', () => {
    const m = medians('M', 0.5);
    m.peakRssMB = 301;
    const missed = checkBudgets([m]).filter((v) => !v.met);
    assert.deepStrictEqual(missed.map((v) => [v.tier, v.budget.metric, v.median]), [['M', 'peakRssMB', 301]]);
  });

  it('counts a metric the run did not measure, or a topics run that did not finish (negative), as missed', () => {
    const m = medians('MB', 0.5);
    delete m.queryP95;
    m.topicsMs = -2000;
    const missed = checkBudgets([m]).filter((v) => !v.met).map((v) => v.budget.metric).sort();
    assert.deepStrictEqual(missed, ['queryP95', 'topicsMs']);
  });

  it('holds S and L to no budget', () => {
    assert.deepStrictEqual(checkBudgets([medians('S', 10), medians('L', 10)]), []);
  });
});
