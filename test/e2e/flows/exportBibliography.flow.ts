import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Flow } from './harness';

/**
 * Export Bibliography from the Command Palette, as a person does it: for the open draft, as CSL
 * JSON, saved where the dialog proposes; then the draft's front matter gets its `bibliography:` line.
 */
export const flow: Flow = {
  name: 'export-bibliography',
  prepare(folder) {
    fs.writeFileSync(path.join(folder, 'drafts/export-me.md'), '---\ntitle: Export me\n---\n\nReward models [@dmoerm] and embeddings [@mmteb; @kasa].\n');
  },
  async run(wb, shot, folder) {
    const exported = path.join(folder, 'drafts/references.json');
    try {
      await wb.openFile('export-me.md');
      const input = wb.page.locator('.quick-input-widget input');
      const pick = async (text: string) => {
        await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 20000 });
        await input.fill('');
        await input.pressSequentially(text);
        await wb.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: text }).first().waitFor();
        await wb.page.keyboard.press('Enter');
      };
      await wb.page.keyboard.press('F1');
      await input.waitFor();
      await input.fill('>Literature Notes: Export Bibliography');
      await wb.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Export Bibliography' }).first().waitFor();
      await wb.page.keyboard.press('Enter');
      await pick('Papers cited in drafts/export-me.md');
      await pick('CSL JSON');
      // The save dialog (in the browser, VS Code's own) proposes references.json beside the draft.
      await wb.page.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith('references.json'), undefined, { timeout: 20000 });
      await wb.page.keyboard.press('Enter');
      const add = wb.page.locator('.notifications-toasts .monaco-button', { hasText: 'Add "bibliography: references.json"' }).first();
      await add.waitFor({ timeout: 20000 });
      await shot('export-bibliography');
      await add.click();
      await wb.expectText(/bibliography: references\.json/, 'the front matter names the export');
      const ids = (JSON.parse(fs.readFileSync(exported, 'utf8')) as { id: string }[]).map((i) => i.id);
      assert.deepStrictEqual(ids, ['dmoerm', 'mmteb', 'kasa']);
    } finally {
      await wb.page.keyboard.press('Escape');
      // Leave the folder as it was for the next flow: the draft closed unsaved, no export.
      await wb.page.keyboard.press('F1');
      const input = wb.page.locator('.quick-input-widget input');
      await input.fill('>View: Revert and Close Editor');
      await wb.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Revert and Close Editor' }).first().waitFor({ timeout: 10000 }).catch(() => undefined);
      await wb.page.keyboard.press('Enter');
      fs.rmSync(exported, { force: true });
    }
  },
};
