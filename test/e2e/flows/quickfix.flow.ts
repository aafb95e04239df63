import type { Flow } from './harness';

/** A misspelt key shows a squiggle; its quick fix repairs it. */
export const flow: Flow = {
  name: 'quickfix',
  async run(wb, shot) {
    await wb.openFile('related-work.md');
    await wb.editor().locator('.squiggly-warning').first().waitFor({ timeout: 20000 });
    await wb.clickText('truthfulqa2022lin', 3);
    await wb.page.keyboard.press('Control+.');
    const fix = wb.page.locator('.action-widget .monaco-list-row, .context-view .action-item', { hasText: 'Replace with "lin2022truthfulqa"' }).first();
    await fix.waitFor({ timeout: 20000 });
    await shot('quickfix');
    await wb.page.keyboard.press('Enter'); // the preferred fix is focused
    await wb.expectText(/A misspelt key: \[@lin2022truthfulqa\]/, 'quick fix applied');
  },
};
