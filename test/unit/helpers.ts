import * as fs from 'fs';
import * as path from 'path';
import { Library } from '../../server/src/model/library';
import { parseFile } from '../../server/src/parse/parseFile';
import { Classifier } from '../../server/src/parse/classify';
import { DEFAULT_SETTINGS } from '../../server/src/shared/settings';
import type { Position } from '../../server/src/util/text';
import MarkdownIt = require('markdown-it');
import * as assert from 'assert';

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
export const SAMPLE_DIGEST = path.join(FIXTURES, 'library/digests/daily-papers-sep-8.txt');

export function readFixture(rel: string): string {
  return fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
}

/** The cursor marker in in-memory fixtures. */
export const CURSOR = '‸';

/** Text with one cursor marker -> the text without it and the marker's position. */
export function withCursor(marked: string): { text: string; pos: Position; lineText: string } {
  const offset = marked.indexOf(CURSOR);
  if (offset < 0) throw new Error('fixture has no cursor marker');
  const text = marked.slice(0, offset) + marked.slice(offset + CURSOR.length);
  const before = text.slice(0, offset).split('\n');
  const pos = { line: before.length - 1, character: before[before.length - 1].length };
  return { text, pos, lineText: text.split('\n')[pos.line] };
}

/** An in-memory workspace: relative path -> text. Files are classified with the default settings. */
export function libraryOf(files: Record<string, string>): Library {
  const library = new Library();
  const classifier = new Classifier(DEFAULT_SETTINGS);
  for (const [rel, text] of Object.entries(files)) {
    const candidate = classifier.classify(rel);
    if (!candidate) throw new Error(`fixture ${rel} would not be indexed`);
    library.setFile(parseFile(uriFor(rel), rel, candidate, text).entry);
  }
  library.rebuild();
  return library;
}

export function uriFor(rel: string): string {
  return `file:///ws/${rel}`;
}

/** The example library under test/fixtures/library, in memory. */
export function exampleLibraryFiles(): Record<string, string> {
  const root = path.join(FIXTURES, 'library');
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(root, full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

/** A Linux thread's scheduling policy from its /proc stat line (field 41): 0 normal, 5 SCHED_IDLE. */
export function schedulingPolicyOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
}

/**
 * Asserts that markdown from the server renders as text only, even by a renderer that allows raw
 * HTML (VS Code's does not; this is the worst case): no HTML, no link but http(s), no block but
 * paragraphs, and as many of those as the parts the server made (file text never ends one).
 */
export function assertInertMarkdown(markdown: string, paragraphs: number): void {
  const tokens = new MarkdownIt({ html: true, linkify: false }).parse(markdown, {});
  const all = tokens.flatMap((t) => [t, ...(t.children ?? [])]);
  for (const t of all) {
    assert.ok(t.type !== 'html_inline' && t.type !== 'html_block', `raw HTML rendered: ${t.content}`);
    assert.ok(!/^heading_open|^bullet_list|^ordered_list|^code_block|^fence|^blockquote/.test(t.type), `file text made a ${t.type}`);
    if (t.type === 'link_open') assert.match(t.attrGet('href') ?? '', /^https?:\/\//, 'a link that is not http(s)');
  }
  assert.strictEqual(tokens.filter((t) => t.type === 'paragraph_open').length, paragraphs, 'file text ended a paragraph');
}
