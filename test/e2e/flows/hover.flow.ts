import type { Flow } from './harness';

/** Hover a key and read the abstract. */
export const flow: Flow = {
  name: 'hover',
  async run(wb, shot) {
    await wb.openFile('related-work.md');
    await wb.hoverText('compacter');
    const hover = wb.page.locator('.monaco-hover:not(.hidden)', { hasText: 'Adapting large-scale pretrained language models' });
    await hover.waitFor({ timeout: 20000 });
    await shot('hover');
  },
};
