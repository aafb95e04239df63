import type { Flow } from './harness';

/** F12 on a digest key lands on the digest entry. */
export const flow: Flow = {
  name: 'definition',
  async run(wb, shot) {
    await wb.openFile('related-work.md');
    await wb.clickText('@compacter', 2);
    await wb.page.keyboard.press('F12');
    await wb.page.locator('.tab.active[aria-label*="daily-papers-sep-8.txt"]').waitFor({ timeout: 20000 });
    await wb.page.locator('.view-line', { hasText: 'Compacter: Efficient Low-Rank Hypercomplex Adapter Layers' }).first().waitFor();
    await shot('definition');
  },
};
