import * as assert from 'assert';
import { findCitations, completionContext, citationAt, CURSOR_WINDOW } from '../../server/src/parse/citations';
import { readFixture } from './helpers';

describe('finding citations', () => {
  it('pandoc: @key, [@key], [see @a, p. 3; -@b], @{braced}; emails and code are not citations', () => {
    const text = 'A @one and [@two]. [see @three, p. 3; -@four] and @{odd:key}.\nmail me@example.com or `@code`\n```\n@fenced\n```\n';
    assert.deepStrictEqual(findCitations(text, 'markdown').map((c) => c.key), ['one', 'two', 'three', 'four', 'odd:key']);
  });

  it('pandoc keys keep inner punctuation but not sentence punctuation or an HTML tag after them', () => {
    assert.deepStrictEqual(findCitations('As @zip-fit. And @a:b/c, then @x.', 'markdown').map((c) => c.key), ['zip-fit', 'a:b/c', 'x']);
    // Nor an HTML tag right after it, which pandoc reads as HTML.
    assert.deepStrictEqual(findCitations('<span>@inSpan2020</span> and @beforeBreak2020<br> and @x2020.</p>', 'markdown').map((c) => c.key), ['inSpan2020', 'beforeBreak2020', 'x2020']);
  });

  it('LaTeX: every cite command, optional arguments, lists with spaces; comments skipped', () => {
    const cits = findCitations(readFixture('library/drafts/paper.tex'), 'latex');
    assert.deepStrictEqual(cits.map((c) => c.key), ['dense-passage-retrieval', 'neural-ranking-models', 't2ranking', 'konig2020common', 'DART_2025', 'zip-fit']);
    const t2 = cits[2];
    assert.deepStrictEqual(t2.range, { start: { line: 2, character: 95 }, end: { line: 2, character: 104 } });
  });

  it('LaTeX: biblatex multicite notes, apacite prenotes, an optional argument with braced brackets', () => {
    const text = 'See \\autocites(see)(and more)[p.~1][]{multiA}[ch.~2]{multiB} and \\cite<e.g.,>[p.~5]{apaKey}, \\cite[{[}a{]}]{bracedKey}.';
    const cits = findCitations(text, 'latex');
    assert.deepStrictEqual(cits.map((c) => c.key), ['multiA', 'multiB', 'apaKey', 'bracedKey']);
    for (const c of cits) assert.strictEqual(text.slice(c.range.start.character, c.range.end.character), c.key);
    // And completion is offered while such a list is typed.
    for (const before of ['\\autocites(see)(and more)[p.~1][]{multiA}[ch.~2]{mu', '\\cite<e.g.,>[p.~5]{ap', '\\cite[{[}a{]}]{br']) {
      assert.strictEqual(completionContext(before, 'latex')?.prefix, before.slice(-2), before);
    }
  });

  it('wikilinks: [[key]], [[key|label]], [[key#heading]], ![[key]]; attachments are not papers; [[@key]] is the citation inside', () => {
    assert.deepStrictEqual(findCitations('[[a]] [[b|B]] [[c#Intro]] ![[d.png]] ![[e]] [[f.PDF|paper]]', 'markdown').map((c) => c.key), ['a', 'b', 'c', 'e']);
    const [at] = findCitations('See [[@vaswani2017]].', 'markdown');
    assert.deepStrictEqual([at.key, at.syntax, at.range.start.character, at.range.end.character], ['vaswani2017', 'pandoc', 7, 18]);
  });

  it('front matter of a markdown file is not searched, but for pandoc\'s nocite field', () => {
    assert.deepStrictEqual(findCitations('---\nauthors: [[Peize Sun]]\nemail: "@x"\n---\n[@real]\n', 'markdown').map((c) => c.key), ['real']);
    const text = '---\ntitle: A Draft\nnocite: |\n  @listedA, @listedB\nabstract: mail @notACitation\n---\n[@real]\n';
    const cits = findCitations(text, 'markdown');
    assert.deepStrictEqual(cits.map((c) => [c.key, c.range.start.line, c.range.start.character]), [['listedA', 3, 3], ['listedB', 3, 13], ['real', 6, 2]]);
    assert.deepStrictEqual(findCitations('---\nnocite: "[@one; @two]"\n---\n', 'markdown').map((c) => c.key), ['one', 'two']);
    assert.deepStrictEqual(findCitations('---\nnocite: "@*"\n---\n', 'markdown'), [], '@* (every reference) names no paper');
  });

  it('pandoc example list labels are not citations: (@good) defines an example, (@good) elsewhere refers to it', () => {
    const text = '(@good) This is a good example.\n\nAs (@good) shows, and @paper2020 says.\n\n(@bad)\n';
    assert.deepStrictEqual(findCitations(text, 'markdown').map((c) => c.key), ['paper2020']);
  });

  it('ranges point at the key itself', () => {
    const [c] = findCitations('See [@kasa; @nola].', 'markdown');
    assert.deepStrictEqual(c.range, { start: { line: 0, character: 6 }, end: { line: 0, character: 10 } });
  });

  it('finds every citation in the example draft', () => {
    const keys = findCitations(readFixture('library/drafts/related-work.md'), 'markdown').map((c) => c.key);
    assert.deepStrictEqual(keys, ['compacter', 'nola', 'kasa', 'jiang2024kasa', 'lin2022truthfulqa', 'kalai2024hallucinate', 'lin2022truthfulqa', 'sunTransTrackMultipleObjectTracking2020', 'rewardbench-2', 'rag-rewardbench', 'truthfulqa2022lin', 'kasaa']);
  });
});

describe('citations in hostile lines', () => {
  it('a citation deep inside a long line is found, with its range in the whole line', () => {
    const pad = 'word '.repeat(20000);
    const line = `${pad}see [@kasa] and \\cite{nola}`;
    const at = line.indexOf('kasa') + 2;
    assert.deepStrictEqual(citationAt(line, 3, at, 'markdown'), { key: 'kasa', range: { start: { line: 3, character: line.indexOf('kasa') }, end: { line: 3, character: line.indexOf('kasa') + 4 } }, syntax: 'pandoc' });
    assert.strictEqual(citationAt(line, 0, line.indexOf('nola'), 'markdown')?.key, 'nola');
    assert.strictEqual(citationAt(line, 0, 10, 'markdown'), undefined);
    const before = `${pad}[@a; @no`;
    assert.deepStrictEqual(completionContext(before, 'markdown'), { syntax: 'pandoc', prefix: 'no', start: before.length - 2 });
  });

  it('the window around the cursor does not begin inside a key', () => {
    // A key that starts just before the window must not be found as its own tail.
    const line = 'x'.repeat(10) + ' @' + 'k'.repeat(CURSOR_WINDOW) + ' @end';
    assert.strictEqual(citationAt(line, 0, line.length - 1, 'markdown')?.key, 'end');
    assert.strictEqual(citationAt(line, 0, line.length - 6, 'markdown'), undefined, 'no key that long');
  });

  it('unbalanced and nested brackets: what is well-formed is found, the rest is not a citation', () => {
    const text = '[[[[[[[[a]] [[x|[y](z)]] \\cite{a\\cite{b} @{' + 'q'.repeat(300) + '} [@ok]';
    assert.deepStrictEqual(findCitations(text, 'markdown').map((c) => c.key), ['b', 'a', 'ok']);
    assert.deepStrictEqual(findCitations('\\cite{a\\cite{a\\cite{a', 'latex'), []);
  });

  it('sentence punctuation after a pandoc key is trimmed, however much there is', () => {
    assert.deepStrictEqual(findCitations(`@a-b${'-'.repeat(100)}x and @c${'.'.repeat(100)}`, 'markdown').map((c) => c.key), [`a-b${'-'.repeat(100)}x`, 'c']);
  });

  it('inline code is skipped by matching backtick runs, as markdown does', () => {
    assert.deepStrictEqual(findCitations('`@a` ``@b ` @c`` @d ``` @e', 'markdown').map((c) => c.key), ['d', 'e']);
  });
});

describe('completion contexts', () => {
  const ctx = (before: string, flavor: 'markdown' | 'latex' = 'markdown') => completionContext(before, flavor);
  it('after @, [@, ; @ and -@', () => {
    assert.deepStrictEqual(ctx('see @'), { syntax: 'pandoc', prefix: '', start: 5 });
    assert.deepStrictEqual(ctx('[@ka'), { syntax: 'pandoc', prefix: 'ka', start: 2 });
    assert.deepStrictEqual(ctx('[@a; @no'), { syntax: 'pandoc', prefix: 'no', start: 6 });
    assert.deepStrictEqual(ctx('[-@b'), { syntax: 'pandoc', prefix: 'b', start: 3 });
    assert.deepStrictEqual(ctx('@'), { syntax: 'pandoc', prefix: '', start: 1 });
  });
  it('inside \\cite{ and after a comma', () => {
    assert.deepStrictEqual(ctx('\\cite{', 'latex'), { syntax: 'latex', prefix: '', start: 6 });
    assert.deepStrictEqual(ctx('\\citep[p.~3]{a, ka', 'latex'), { syntax: 'latex', prefix: 'ka', start: 16 });
    assert.deepStrictEqual(ctx('\\parencite{x,', 'markdown')?.prefix, '');
  });
  it('after [[', () => {
    assert.deepStrictEqual(ctx('see [[lin'), { syntax: 'wikilink', prefix: 'lin', start: 6 });
  });
  it('not in foo@bar, not after a closed citation, not pandoc in LaTeX', () => {
    assert.strictEqual(ctx('foo@bar'), undefined);
    assert.strictEqual(ctx('mail someone@exa'), undefined);
    assert.strictEqual(ctx('\\cite{a} and '), undefined);
    assert.strictEqual(ctx('see @', 'latex'), undefined);
  });
});

describe('citations in Org documents', () => {
  const keys = (text: string) => findCitations(text, 'org').map((c) => `${c.key}@${c.range.start.line}:${c.range.start.character}`);

  it('org-cite: [cite:@a], styles, prefixes and suffixes, several references; keys as Org takes them', () => {
    assert.deepStrictEqual(keys('As [cite:@a] and [cite/t/b:see @b p. 3; @c:d.e].'), ['a@0:10', 'b@0:32', 'c:d.e@0:41']);
    // A global prefix without a key; an email address and a bare @word in prose are not citations.
    assert.deepStrictEqual(keys('[cite:for example;@x] mail a@b.org, @notacite'), ['x@0:19']);
    // An org-ref link's words in an org-cite's prefix are text.
    assert.deepStrictEqual(keys('[cite:compare cite:x with @a]'), ['a@0:27']);
  });

  it('org-cite: a citation filled over lines ends at its ], or at the end of the paragraph', () => {
    assert.deepStrictEqual(keys('Long [cite:@a;\n@b; see\n @c p. 2] then @d\n[cite:@e;\n\n@f]'), ['a@0:12', 'b@1:1', 'c@2:2', 'e@3:7']);
    // Hover on the line that ends a citation begun above.
    assert.strictEqual(citationAt('@b; see @c p. 2] then', 1, 9, 'org')?.key, 'c');
    assert.strictEqual(citationAt('no citation @here] at all [x]', 1, 13, 'org')?.key, 'here', 'a line that closes a bracket it did not open is taken as a continuation');
    assert.strictEqual(citationAt('[x] @here', 1, 5, 'org'), undefined);
  });

  it('org-ref links, version 2 and 3, bare and in brackets; LaTeX commands too', () => {
    assert.deepStrictEqual(keys('cite:a,b and citep:&c;&d. [[citet:see &e p. 3;&f][text]] [[cite:g]] \\citep{h}'), ['a@0:5', 'b@0:7', 'c@0:20', 'd@0:23', 'e@0:39', 'f@0:47', 'g@0:64', 'h@0:75']);
    // org-ref's own examples write a version 2 list with a comma first.
    assert.deepStrictEqual(keys('[[cite:,a,b2]] x'), ['a@0:8', 'b2@0:10']);
    // Prose after a version 2 list ends it; a word that only contains "cite" is no link type of org-ref's.
    assert.deepStrictEqual(keys('cite:a, and excite:b or recite:c, Parencite:d citet*:e'), ['a@0:5', 'd@0:44', 'e@0:53']);
  });

  it('source, example and export blocks, comments and keywords are skipped; captions and quotes are prose', () => {
    const text = '#+title: [cite:@t]\n# [cite:@comment]\n#+BEGIN_SRC python\nx = "[cite:@code]"\n#+END_SRC\n#+begin_example\ncite:&ex\n#+end_example\n[cite:@real]\n#+caption: After [cite:@fig]\n#+begin_quote\n[cite:@quoted]\n#+end_quote';
    assert.deepStrictEqual(keys(text), ['real@8:7', 'fig@9:24', 'quoted@11:7']);
    // Inline verbatim and code show syntax; the same link after them is a citation.
    assert.deepStrictEqual(keys('- =[[citet:See &k p. 2]]= :: [[citet:See &k p. 2]], and ~cite:x~ or a=b cite:y'), ['k@0:42', 'y@0:77']);
  });

  it('completion inside [cite:…], after cite:& and cite:', () => {
    const ctx = (before: string) => completionContext(before, 'org');
    assert.deepStrictEqual(ctx('[cite:@'), { syntax: 'org', prefix: '', start: 7 });
    assert.deepStrictEqual(ctx('[cite/t:see @a p. 3; @ka'), { syntax: 'org', prefix: 'ka', start: 22 });
    assert.deepStrictEqual(ctx('citep:&a;&ka'), { syntax: 'org', prefix: 'ka', start: 10 });
    assert.deepStrictEqual(ctx('[[cite:see &ka'), { syntax: 'org', prefix: 'ka', start: 12 });
    assert.deepStrictEqual(ctx('cite:a,ka'), { syntax: 'org', prefix: 'ka', start: 7 });
    assert.strictEqual(ctx('mail me@ex'), undefined);
    assert.strictEqual(ctx('[cite:@a] and @'), undefined);
    assert.strictEqual(ctx('see [@'), undefined, 'pandoc syntax is not Org\'s');
  });

  it('hostile org lines: unclosed links and citations, thousands of openers, are no citations or what is well-formed', () => {
    assert.deepStrictEqual(findCitations('[[cite:'.repeat(1400), 'org'), []);
    assert.deepStrictEqual(findCitations('[[citep:&'.repeat(1100), 'org'), []);
    assert.deepStrictEqual(findCitations('[cite:'.repeat(1600), 'org'), []);
    assert.strictEqual(findCitations('cite:a,'.repeat(1400), 'org').length, 1400);
    // One link path is read up to 4,096 characters: the key cut there is lost, no other.
    const many = findCitations(`${'cite:&a;'.repeat(600)} ${'[[cite:'.repeat(600)}`, 'org');
    assert.ok(many.length >= 598 && many.every((c) => c.key === 'a'), `${many.length} citations`);
    assert.strictEqual(completionContext(`${'[cite:'.repeat(340)} ;`, 'org'), undefined);
    assert.strictEqual(citationAt('[cite:'.repeat(1600), 0, 5000, 'org'), undefined);
    // Thousands of verbatim markers that never close.
    assert.deepStrictEqual(findCitations(`${' =a'.repeat(3300)} cite:k`, 'org').map((c) => c.key), ['k']);
  });
});
