import * as assert from 'assert';
import type { Page, Locator } from 'playwright-core';

/** What a person does in the VS Code workbench, as small steps the flows share. */
export class Workbench {
  constructor(readonly page: Page) {}

  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await this.page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60000 });
  }

  /** The status bar says the library is indexed (what a person would look at). */
  async indexed(papers: number, timeout = 60000): Promise<void> {
    await this.page.locator('.statusbar-item', { hasText: `${papers} papers` }).filter({ has: this.page.locator('.codicon-library') }).first().waitFor({ timeout });
  }

  /** Quick Open (Ctrl+P), type a file name, Enter; resolves when its tab is active. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    // Wait for the row of that file: until the list updates, the first row is a recent file.
    await this.page.locator(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`).first().waitFor();
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tab.active[aria-label*="${name}"]`).waitFor();
    await this.editor().waitFor();
  }

  editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  async editorText(): Promise<string> {
    return (await this.editor().locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * Where the first on-screen span holding `text` is, with its text. The editor re-renders its
   * spans whenever decorations change (a squiggle arriving, say), so a span found a moment ago can be
   * detached by the time it is measured: look it up again until it can be measured.
   */
  private async spanAt(text: string): Promise<{ box: { x: number; y: number; width: number; height: number }; full: string }> {
    const span = this.editor().locator('.view-line span', { hasText: text }).first();
    for (let attempt = 1; ; attempt++) {
      await span.waitFor();
      const box = await span.boundingBox();
      const full = box ? await span.innerText().catch(() => undefined) : undefined;
      if (box && full !== undefined) return { box, full: full.replace(/\u00a0/g, ' ') };
      if (attempt === 10) throw new Error(`the span holding "${text}" could not be measured`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Puts the cursor right after the first occurrence of `text` on screen by clicking it. */
  async clickText(text: string, offsetFromEnd = 0): Promise<void> {
    const { box, full } = await this.spanAt(text);
    const charWidth = box.width / Math.max(1, full.length);
    const index = full.indexOf(text) + text.length - offsetFromEnd;
    await this.page.mouse.click(box.x + charWidth * index - 1, box.y + box.height / 2);
  }

  async hoverText(text: string): Promise<void> {
    const { box, full } = await this.spanAt(text);
    const charWidth = box.width / Math.max(1, full.length);
    const index = full.indexOf(text) + Math.floor(text.length / 2);
    await this.page.mouse.move(box.x + charWidth * index, box.y + box.height / 2);
  }

  async goToEndOfFile(): Promise<void> {
    await this.editor().click();
    await this.page.keyboard.press('Control+End');
  }

  async expectText(pattern: RegExp, what: string, ms = 15000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const text = await this.editorText();
      if (pattern.test(text)) return;
      if (Date.now() > deadline) assert.fail(`${what}: ${pattern} not in editor text:\n${text}`);
      await this.page.waitForTimeout(100);
    }
  }
}
