import * as assert from 'assert';
import { BUDGETS, checkBudgets, L_BUDGETS } from '../bench/budgets';

/** A tier's medians with every budgeted metric at `fraction` of its budget. */
function medians(tier: string, fraction: number, budgets = BUDGETS): { tier: string; [metric: string]: unknown } {
  const m: { tier: string; [metric: string]: unknown } = { tier };
  for (const b of budgets) m[b.metric] = b.max * fraction;
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

  it('holds S to no budget', () => {
    assert.deepStrictEqual(checkBudgets([medians('S', 10)]), []);
  });

  it('holds L to issue #30\'s budgets: tighter than M\'s where the issue says so, 400 MB of peak RSS', () => {
    const atL = medians('L', 1, L_BUDGETS);
    assert.ok(checkBudgets([atL]).every((v) => v.met));
    assert.strictEqual(checkBudgets([atL]).length, L_BUDGETS.length);
    // M's figures at L: within M's budgets, but over L's where L's are tighter (first completion, latencies).
    const mAtL = medians('L', 1);
    mAtL.fullIndexMs = 9000;
    mAtL.peakRssMB = 350;
    const missed = checkBudgets([mAtL]).filter((v) => !v.met).map((v) => v.budget.metric).sort();
    assert.deepStrictEqual(missed, ['completionP95', 'definitionP95', 'firstCompletionMs', 'hoverP95', 'noteChangeVisibleMs']);
    const heavy = medians('L', 0.5, L_BUDGETS);
    heavy.peakRssMB = 583;
    assert.deepStrictEqual(checkBudgets([heavy]).filter((v) => !v.met).map((v) => [v.budget.metric, v.median]), [['peakRssMB', 583]]);
  });
});
