import * as assert from 'assert';
import matter = require('gray-matter');
import { readFrontMatter, parseYamlBounded, SAFE_MATTER_OPTIONS } from '../../server/src/parse/frontMatter';
import { parseNote } from '../../server/src/parse/note';

const g = globalThis as Record<string, unknown>;

describe('front matter: nothing in it ever runs', () => {
  afterEach(() => delete g.__litnotesRan);

  for (const opener of ['---js', '---javascript', '---JS', '--- js', '---Javascript', '---coffee']) {
    it(`refuses ${JSON.stringify(opener)} front matter and runs nothing`, () => {
      const text = `${opener}\n{ citekey: (globalThis.__litnotesRan = true, "pwned") }\n---\n# A title\n`;
      const fm = readFrontMatter(text);
      assert.strictEqual(g.__litnotesRan, undefined, 'the front matter was executed');
      assert.ok(fm.error, 'expected a problem to be reported');
      assert.match(fm.error!.message, /not read/);
      const note = parseNote('file:///ws/notes/x.md', text, { relativePath: 'notes/x.md' });
      assert.strictEqual(g.__litnotesRan, undefined);
      assert.strictEqual(note.papers.length, 1, 'the note is still indexed');
      assert.strictEqual(note.problems.length, 1);
    });
  }

  it('the gray-matter options themselves refuse js and javascript (defence in depth)', () => {
    for (const lang of ['js', 'javascript', 'JS']) {
      assert.throws(() => matter(`---${lang}\n{ a: (globalThis.__litnotesRan = true) }\n---\n`, SAFE_MATTER_OPTIONS as never), /not allowed/);
      assert.strictEqual(g.__litnotesRan, undefined);
    }
  });
});

describe('front matter: hostile YAML stays bounded', () => {
  it('an alias bomb is cut off by the node budget', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++) {
      const prev = String.fromCharCode(97 + i), cur = String.fromCharCode(98 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill('*' + prev).join(',')}]`);
    }
    const fm = readFrontMatter(`---\n${lines.join('\n')}\ntitle: Bomb\n---\n`);
    assert.ok(fm.error, 'expected the bomb to be reported');
    assert.match(fm.error!.message, /more than \d+ values/);
    assert.strictEqual(fm.data.title, 'Bomb', 'fields are recovered line by line');
  });

  it('merge-key chains do not expand without bound', () => {
    const lines = ['a0: &a0 {k: 1}'];
    for (let i = 1; i < 30; i++) lines.push(`a${i}: &a${i} {<<: [*a${i - 1}, *a${i - 1}], k${i}: ${i}}`);
    const fm = readFrontMatter(`---\n${lines.join('\n')}\n---\n`);
    assert.ok(Object.keys(fm.data).length <= 30);
  });

  it('deep nesting is refused, not recursed into', () => {
    const fm = readFrontMatter(`---\ntitle: Deep\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n---\n`);
    assert.ok(fm.error);
    assert.strictEqual(fm.data.title, 'Deep');
  });

  it('megabytes of front matter are not parsed as YAML', () => {
    const big = `---\ntitle: Big\n${'filler: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n'.repeat(50000)}---\nbody\n`;
    const fm = readFrontMatter(big);
    assert.ok(fm.error);
    assert.match(fm.error!.message, /over the \d+ KB limit/);
    assert.strictEqual(fm.data.title, 'Big');
  });

  it('__proto__ and constructor keys pollute nothing', () => {
    const fm = readFrontMatter('---\n__proto__: {polluted: yes}\nconstructor: {prototype: {polluted: yes}}\nnested: {__proto__: {polluted: yes}}\ntitle: Safe\n---\n');
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
    assert.strictEqual(Object.prototype.hasOwnProperty.call(fm.data, '__proto__'), false);
    assert.strictEqual(fm.data.title, 'Safe');
    const direct = parseYamlBounded('__proto__: {polluted: 1}\n');
    assert.strictEqual((direct as Record<string, unknown>).polluted, undefined);
  });

  it('invalid YAML is recovered line by line with the error line reported', () => {
    const fm = readFrontMatter('---\ntitle: TransTrack\ncitekey: sun2020\nauthors: [[Peize Sun]], [[Yi Jiang]]\n---\nbody');
    assert.ok(fm.error);
    assert.strictEqual(fm.error!.line, 3);
    assert.strictEqual(fm.data.citekey, 'sun2020');
    assert.strictEqual(fm.data.authors, '[[Peize Sun]], [[Yi Jiang]]');
    assert.strictEqual(fm.body, 'body');
  });

  it('gray-matter keeps no cache of what it parsed', () => {
    readFrontMatter('---\ntitle: Cached?\n---\n');
    assert.deepStrictEqual(Object.keys((matter as unknown as { cache: object }).cache), []);
  });
});
