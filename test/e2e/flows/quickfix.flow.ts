import type { Flow } from './harness';

/** A misspelt key shows a squiggle; its quick fix repairs it. */
export const flow: Flow = {
  name: 'quickfix',
  async run(wb, shot) {
    await wb.openFile('related-work.md');
    await wb.editor().locator('.squiggly-warning').first().waitFor({ timeout: 20000 });
    const fix = wb.page.locator('.action-widget .monaco-list-row, .context-view .action-item', { hasText: 'Replace with "lin2022truthfulqa"' }).first();
    // As a person would: put the cursor on the key, press Ctrl+. and, if no menu shows, try again.
    for (let attempt = 1; ; attempt++) {
      await wb.clickText('truthfulqa2022lin', 3);
      await wb.page.keyboard.press('Control+.');
      try {
        await fix.waitFor({ timeout: 5000 });
        break;
      } catch (err) {
        if (attempt === 4) throw err;
        await wb.page.keyboard.press('Escape');
      }
    }
    await shot('quickfix');
    await wb.page.keyboard.press('Enter'); // the preferred fix is focused
    await wb.expectText(/A misspelt key: \[@lin2022truthfulqa\]/, 'quick fix applied');
  },
};
