import type { Flow } from './harness';

/** Hover a key and read the abstract. */
export const flow: Flow = {
  name: 'hover',
  async run(wb, shot) {
    await wb.openFile('related-work.md');
    await wb.hoverText('compacter');
    const hover = wb.page.locator('.monaco-hover:not(.hidden)', { hasText: 'Adapting large-scale pretrained language models' });
    await hover.waitFor({ timeout: 20000 });
    // The hover fades in: shoot once it is fully opaque.
    await wb.page.waitForFunction(() => {
      const el = document.querySelector('.monaco-hover:not(.hidden)');
      let node: Element | null = el;
      while (node) { if (Number(getComputedStyle(node).opacity) < 1) return false; node = node.parentElement; }
      return !!el;
    }, undefined, { timeout: 5000 });
    await shot('hover');
  },
};
