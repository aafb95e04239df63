import * as assert from 'assert';
import type { Flow } from './harness';

/** Type `[@kas` in a draft, see KaSA in the suggestion list, accept it. */
export const flow: Flow = {
  name: 'completion',
  async run(wb, shot) {
    await wb.openFile('analysis.qmd');
    await wb.goToEndOfFile();
    await wb.page.keyboard.type('\nWe build on [@kas');
    const suggest = wb.page.locator('.suggest-widget.visible');
    await suggest.waitFor({ timeout: 20000 });
    const row = suggest.locator('.monaco-list-row', { hasText: 'jiang2024kasa' });
    await row.waitFor({ timeout: 20000 });
    await shot('completion');
    assert.match(await suggest.innerText(), /jiang2024kasa/);
    assert.match(await row.innerText(), /KaSA: Knowledge-Aware/, 'the title shows in the list');
    await wb.page.keyboard.press('Enter');
    await wb.expectText(/We build on \[@jiang2024kasa/, 'accepted completion');
  },
};
