import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Flow } from './harness';

/** Lines that once put note text inside the reader's tags, and other nested and overlapping links. */
const PAYLOADS = [
  '[x](https://a.example/(https://b.example/z/onmouseover=window.__pwned=1//)',
  '[[ https://e.example/a/onfocus=window.__pwned=1/autofocus/]]',
  '[a](b [c](d)) [[x|[y](z)]] [https://a.example/ <https://b.example/>](https://c.example/" onmouseover="window.__pwned=1)',
  '<img src=x onerror="window.__pwned=1"> <a href="javascript:window.__pwned=1">js</a> [c](command:workbench.action.quit)',
];

/**
 * A note whose body carries link and HTML payloads, opened in the reader (Search Papers): in the
 * webview's real DOM no element has an on* attribute, every link has only the reader's own
 * attributes and an http(s) or # target, and nothing ran.
 */
export const flow: Flow = {
  name: 'reader-payloads',
  async run(wb, shot, folder) {
    const note = path.join(folder, 'notes/reader-payloads.md');
    const text = `---\ncitekey: payloads2024\ntitle: Reader Payloads\n---\n\n${PAYLOADS.join('\n\n')}\n`;
    try {
      // The editor's file watcher (code-server's, in its own process) can start watching after the
      // extension has indexed this new window's folder; a note written in that gap is only seen
      // at its next change (once in seven runs it never was). So it is saved again, as a person
      // would, until the status bar counts it.
      for (let attempt = 1; ; attempt++) {
        fs.writeFileSync(note, text + '\n'.repeat(attempt - 1)); // new content each time: a change to notice
        try {
          await wb.indexed(97, 20000);
          break;
        } catch (err) {
          if (attempt === 3) throw err;
        }
      }
      await wb.page.keyboard.press('F1');
      const input = wb.page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill('>Literature Notes: Search Papers');
      await wb.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Search Papers' }).first().waitFor();
      await wb.page.keyboard.press('Enter');
      await input.fill('payloads2024');
      await wb.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'payloads2024' }).first().waitFor({ timeout: 20000 });
      await wb.page.keyboard.press('Enter');
      const frame = wb.page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      await frame.locator('h1', { hasText: 'Reader Payloads' }).waitFor({ timeout: 20000 });
      await frame.locator('article.note a.paper-link').first().waitFor();
      const found = await frame.locator('body').evaluate((body) => {
        const handlers = Array.from(body.querySelectorAll('*')).flatMap((el) => el.getAttributeNames().filter((n) => /^on/i.test(n)).map((n) => `${el.tagName}[${n}]`));
        const links = Array.from(body.querySelectorAll('article.note a')).map((a) => ({ attributes: a.getAttributeNames(), href: a.getAttribute('href') ?? '' }));
        const elements = Array.from(body.querySelectorAll('article.note *')).map((el) => el.tagName.toLowerCase());
        return { handlers, links, elements, pwned: (window as unknown as { __pwned?: unknown }).__pwned };
      });
      await shot('reader-payloads');
      assert.deepStrictEqual(found.handlers, [], 'elements with event-handler attributes');
      assert.ok(found.links.length >= 3, JSON.stringify(found.links));
      for (const l of found.links) {
        assert.ok(l.attributes.every((a) => ['href', 'class', 'data-key', 'title'].includes(a)), JSON.stringify(l));
        assert.match(l.href, /^(https?:\/\/|#$)/, l.href);
      }
      assert.ok(!found.elements.some((t) => ['img', 'script', 'iframe', 'object', 'embed', 'svg'].includes(t)), found.elements.join(','));
      assert.strictEqual(found.pwned, undefined, 'a payload ran');
    } finally {
      fs.rmSync(note, { force: true });
      await wb.indexed(96); // as the next flow expects
    }
  },
};
