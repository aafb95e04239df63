import type { Flow } from './harness';

/** Hover a key and read the abstract. */
export const flow: Flow = {
  name: 'hover',
  async run(wb, shot) {
    await wb.openFile('related-work.md');
    const hover = wb.page.locator('.monaco-hover:not(.hidden)', { hasText: 'Adapting large-scale pretrained language models' });
    // One pointer move now and then shows no hover at all (the workbench still settling after Quick
    // Open, in one CI run): as a person would, move away and hover again, up to 20 s in all.
    for (let attempt = 1; ; attempt++) {
      await wb.hoverText('compacter');
      try {
        await hover.waitFor({ timeout: 5000 });
        break;
      } catch (err) {
        if (attempt === 4) throw err;
        await wb.page.mouse.move(5, 5);
      }
    }
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
