import type { Flow } from './harness';

/** Open the Literature view, expand a derived field (multi-task learning, HoME directly under it), open a paper from it in the reader. */
export const flow: Flow = {
  name: 'topics',
  async run(wb, shot) {
    await wb.page.locator('.activitybar .action-item a[aria-label^="Literature"]').first().click();
    const view = wb.page.locator('.pane-body .monaco-list[aria-label*="Topics"], .pane-body .monaco-list').first();
    const topic = wb.page.locator('.monaco-list-row', { hasText: 'multi task learning' }).first();
    await topic.waitFor({ timeout: 30000 });
    await topic.click();
    const paper = wb.page.locator('.monaco-list-row', { hasText: 'HoME: Hierarchy of Multi-Gate Experts' }).first();
    await paper.waitFor({ timeout: 20000 });
    void view;
    await shot('topics');
    await paper.click();
    const reader = wb.page.locator('.tab.active[aria-label*="Paper: home"]');
    await reader.waitFor({ timeout: 20000 });
    // The reader's content lives in nested iframes; wait for its title there.
    const frame = wb.page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    await frame.locator('h1', { hasText: 'HoME: Hierarchy of Multi-Gate Experts' }).waitFor({ timeout: 20000 });
    await frame.locator('button[data-action="cite"]').waitFor();
    await shot('reader');
    // Reload the window as a person does (Developer: Reload Window): the reader comes back.
    await wb.page.keyboard.press('F1');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>Developer: Reload Window');
    await wb.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Reload Window' }).first().waitFor();
    await Promise.all([wb.page.waitForEvent('framenavigated', { timeout: 30000 }), wb.page.keyboard.press('Enter')]);
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    const tab = wb.page.locator('.tab[aria-label*="Paper: home"]').first();
    await tab.waitFor({ timeout: 60000 });
    await tab.click();
    const restored = wb.page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    await restored.locator('h1', { hasText: 'HoME: Hierarchy of Multi-Gate Experts' }).waitFor({ timeout: 60000 });
  },
};
