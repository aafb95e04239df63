import * as assert from 'assert';
import MarkdownIt = require('markdown-it');
import { previewCitations, MAX_PREVIEW_KEYS } from '../../server/src/features/citationPreview';
import { citationPreviewPlugin, CitationLookup, isApaStyle, isNumericStyle } from '../../client/src/citationPreview';
import type { PreviewCitation } from '../../server/src/shared/protocol';
import { exampleLibraryFiles, libraryOf } from './helpers';

describe('citations in the markdown preview', () => {
  const files = exampleLibraryFiles();
  files['notes/hostile.md'] = '---\ncitekey: hostile2023\ntitle: "<img src=x onerror=alert(1)> Title"\nauthors: ["Eve <script>alert(1)</script> Attacker", "Bob Builder", "Carol Chen", "Dan Dunn", "Erin Eck", "Finn Fox", "Gil Gray", "Hal Hill", "Ida Ivy", "Jon Jay", "Kim Kay"]\nyear: 2023\ndoi: "10.1000/x\\"onmouseover=alert(1)"\n---\n';
  files['notes/two.md'] = '---\ncitekey: two2021\ntitle: A Paper of Two\nauthors: [Ada van der Berg, Li Wei]\nyear: 2021\narxiv: "2101.00001"\n---\n';
  files['refs/journal.bib'] = '@article{journal2019,\n  title = {In a Journal},\n  author = {Ng, Andrew},\n  journal = {Journal of Tests},\n  volume = {3},\n  number = {2},\n  pages = {1--9},\n  year = {2019},\n  doi = {10.1000/abc}\n}\n';
  files['notes/wang-b.md'] = '---\ncitekey: wangOther2024\ntitle: Another Paper of the Same Year\nauthors: [Fan Wang, Xia Yu, Zhi Wu]\nyear: 2024\n---\n';
  const many = Array.from({ length: 22 }, (_, i) => `Given${i + 1} Family${i + 1}`);
  files['notes/many.md'] = `---\ncitekey: many2020\ntitle: A Paper of Many\nauthors: [${many.join(', ')}]\nyear: 2020\n---\n`;
  files['notes/hyphen.md'] = '---\ncitekey: kim2022\ntitle: Hyphenated Names\nauthors: [Yu-Xin Kim, Jean Paul Sartre]\nyear: 2022\n---\n';
  const library = libraryOf(files);

  /** A lookup answering from the library as the server does (previewCitations), recording what the preview asked for. */
  function lookupOf(): CitationLookup & { asked: string[][] } {
    const known = new Map<string, PreviewCitation | null>();
    const asked: string[][] = [];
    return {
      asked,
      get: (key) => known.get(key),
      want: (keys) => {
        asked.push([...keys]);
        previewCitations(library, keys).forEach((p, i) => known.set(keys[i], p));
      },
    };
  }
  const md = (lookup: CitationLookup) => new MarkdownIt().use(citationPreviewPlugin, lookup);
  /** What VS Code's engine does with front matter (markdown-it-front-matter): one token, the YAML in `meta`. */
  const frontMatter = (m: MarkdownIt) => m.block.ruler.before('fence', 'front_matter', (state, start, _end, silent) => {
    if (start !== 0 || state.src.slice(0, 4) !== '---\n') return false;
    const close = state.src.indexOf('\n---\n', 3);
    if (close < 0) return false;
    if (!silent) Object.assign(state.push('front_matter', '', 0), { meta: state.src.slice(4, close), block: true, hidden: true });
    state.line = state.src.slice(0, close + 5).split('\n').length - 1;
    return true;
  });
  /** The preview as VS Code's engine runs it on a document with front matter. */
  const withFrontMatter = (lookup: CitationLookup) => new MarkdownIt().use(frontMatter).use(citationPreviewPlugin, lookup);

  it('the server gives the names and year an author-date citation prints, and the reference line; null for an unknown key', () => {
    const [kasa, two, nola, hostile, none, journal] = previewCitations(library, ['kasa', 'two2021', 'nola', 'hostile2023', 'nosuchkey2099', 'journal2019']);
    assert.deepStrictEqual([kasa?.paperKey, kasa?.names, kasa?.year], ['jiang2024kasa', 'Wang et al.', '2024'], 'a digest key resolves to its paper');
    assert.strictEqual(kasa?.reference, 'Wang, Fan, Juyong Jiang, and Chansung Park. 2024. “KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models.”');
    assert.deepStrictEqual([two?.names, two?.reference, two?.url], ['van der Berg and Wei', 'van der Berg, Ada, and Li Wei. 2021. “A Paper of Two.” arXiv:2101.00001.', 'https://arxiv.org/abs/2101.00001']);
    assert.deepStrictEqual([journal?.names, journal?.reference, journal?.url], ['Ng', 'Ng, Andrew. 2019. “In a Journal.” Journal of Tests 3 (2): 1–9.', 'https://doi.org/10.1000/abc']);
    assert.deepStrictEqual([nola?.names, nola?.year, nola?.reference], ['“NOLA: Networks as Linear Combination of…”', 'n.d.', '“NOLA: Networks as Linear Combination of Low Rank Random Basis.” n.d.'], 'no authors: the title, as pandoc prints it');
    assert.match(hostile!.reference, /^Attacker, Eve <script>alert\(1\)<\/script>, Bob Builder, .*Gil Gray, et al\. 2023\./, 'more than ten authors: the first seven');
    assert.doesNotMatch(hostile?.url ?? '', /["'<>\s]/, 'a link is a plain address');
    assert.strictEqual(none, null);
    assert.strictEqual(previewCitations(library, Array(MAX_PREVIEW_KEYS + 5).fill('nola')).length, MAX_PREVIEW_KEYS);
    assert.deepStrictEqual(previewCitations(library, [42, null, 'x'.repeat(300)]), [null, null, null]);
  });

  it('the server gives APA\'s shapes too: "&" in parentheses, initials, up to 20 authors, the title first without authors', () => {
    const [kasa, two, journal, nola, many, kim, hostile] = previewCitations(library, ['kasa', 'two2021', 'journal2019', 'nola', 'many2020', 'kim2022', 'hostile2023']);
    assert.deepStrictEqual(kasa?.apa, { names: 'Wang et al.', reference: 'Wang, F., Jiang, J., & Park, C. (2024). KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models.' });
    assert.deepStrictEqual(two?.apa, { names: 'van der Berg & Wei', reference: 'van der Berg, A., & Wei, L. (2021). A Paper of Two. arXiv:2101.00001.' });
    assert.strictEqual(two?.names, 'van der Berg and Wei', 'in the text APA writes "and", as `names` has it');
    assert.strictEqual(journal?.apa.reference, 'Ng, A. (2019). In a Journal. Journal of Tests, 3(2), 1–9.');
    assert.strictEqual(nola?.apa.reference, 'NOLA: Networks as Linear Combination of Low Rank Random Basis. (n.d.).');
    assert.strictEqual(many?.apa.reference, `${Array.from({ length: 19 }, (_, i) => `Family${i + 1}, G.`).join(', ')}, … Family22, G. (2020). A Paper of Many.`, 'more than 20 authors: the first 19, an ellipsis, the last');
    assert.strictEqual(kim?.apa.reference, 'Kim, Y.-X., & Sartre, J. P. (2022). Hyphenated Names.');
    assert.match(hostile!.apa.reference, /^Attacker, E\. S\., Builder, B\., .*, & Kay, K\. \(2023\)\. <img src=x onerror=alert\(1\)> Title\.$/, 'plain text: the preview escapes it');
  });

  it('prints citations as pandoc does: groups, locators, prefixes, the author suppressed, in-text; unknown keys as "key?"', () => {
    const lookup = lookupOf();
    const text = 'As [@kasa; see @two2021, p. 3] show, [-@two2021] and @two2021 agree; [@nosuchkey2099] does not.\n';
    md(lookup).render(text); // the first render asks
    assert.deepStrictEqual(lookup.asked, [['kasa', 'two2021', 'nosuchkey2099']]);
    const html = md(lookup).render(text);
    const plain = html.replace(/<[^>]+>/g, '');
    assert.match(plain, /^As \(Wang et al\. 2024; see van der Berg and Wei 2021, p\. 3\) show, \(2021\) and van der Berg and Wei \(2021\) agree; \(nosuchkey2099\?\) does not\./);
    assert.match(html, /<a href="#ref-jiang2024kasa" title="KaSA: Knowledge-Aware/);
    assert.match(html, /<span class="litnotes-missing"[^>]*>nosuchkey2099\?<\/span>/);
    assert.strictEqual(lookup.asked.length, 1, 'nothing asked twice');
  });

  it('lists the papers cited once each, sorted by author, under a References heading unless the document has one', () => {
    const lookup = lookupOf();
    const text = 'See [@two2021] and [@kasa], [@jiang2024kasa] again, [@nosuchkey2099].\n';
    md(lookup).render(text);
    const html = md(lookup).render(text);
    const refs = [...html.matchAll(/<div class="litnotes-reference" id="([^"]+)">/g)].map((m) => m[1]);
    assert.deepStrictEqual(refs, ['ref-two2021', 'ref-jiang2024kasa'], 'van der Berg before Wang; two keys of one paper listed once; an unknown key not');
    assert.match(html, /<h2>References<\/h2>/);
    const own = md(lookup).render(`${text}\n# References\n`);
    assert.doesNotMatch(own, /<h2>References<\/h2>/);
    assert.ok(own.indexOf('<h1>References</h1>') < own.indexOf('litnotes-reference'), 'the list goes under the document\'s own heading');
    const placed = md(lookup).render(`${text}\n# References\n\n::: {#refs}\n:::\n\n# Appendix\n\nMore.\n`);
    assert.ok(placed.indexOf('litnotes-reference') < placed.indexOf('<h1>Appendix</h1>'), 'pandoc\'s ::: {#refs} div says where the list goes');
    assert.doesNotMatch(placed, /:::/);
  });

  it('leaves alone what is not a citation: links, e-mail addresses, cross-references, code, escaped @, an @word no paper has', () => {
    const lookup = lookupOf();
    const text = '[see @kasa](https://example.com) mail a@kasa.org, @fig-one, [@tbl-two], `[@kasa]`, \\@kasa, @someone, [@kasa]\n';
    md(lookup).render(text);
    const html = md(lookup).render(text);
    assert.match(html, /<a href="https:\/\/example.com">see @kasa<\/a>/);
    assert.match(html, /a@kasa\.org, @fig-one, \[@tbl-two\], <code>\[@kasa\]<\/code>, @kasa, @someone, <span class="litnotes-citation">\(<a href="#ref-jiang2024kasa"/);
    assert.deepStrictEqual(lookup.asked, [['someone', 'kasa']], 'an @word is asked about once; then it stays as written');
  });

  it('renders the same tokens again once the server answered, as VS Code does with an unchanged document: citations and the list appear', () => {
    const known = new Map<string, PreviewCitation | null>();
    const wanted: string[] = [];
    const lookup: CitationLookup = { get: (key) => known.get(key), want: (keys) => { wanted.push(...keys); } };
    const engine = md(lookup);
    // Parsed once; each rendering with an env of its own, as VS Code's engine renders.
    const tokens = engine.parse('See [@kasa] and @two2021.\n\n::: {#refs}\n:::\n', {});
    const before = engine.renderer.render(tokens, engine.options, {});
    assert.match(before, /litnotes-pending/);
    assert.doesNotMatch(before, /litnotes-reference|:::/);
    assert.deepStrictEqual([...new Set(wanted)], ['kasa', 'two2021']);
    previewCitations(library, ['kasa', 'two2021']).forEach((p, i) => known.set(['kasa', 'two2021'][i], p));
    const after = engine.renderer.render(tokens, engine.options, {});
    assert.match(after.replace(/<[^>]+>/g, ''), /^See \(Wang et al\. 2024\) and van der Berg and Wei \(2021\)\./);
    assert.deepStrictEqual([...after.matchAll(/id="(ref-[^"]+)"/g)].map((m) => m[1]), ['ref-two2021', 'ref-jiang2024kasa']);
    // A host that passes no env to the parse or the render.
    const bare = engine.renderer.render(engine.parse('See [@kasa].\n', undefined), engine.options, undefined);
    assert.match(bare, /Wang et al\. 2024.*litnotes-reference/s);
    // Answers forgotten (the setting switched, the lookup full): asked for again as they are rendered.
    known.clear();
    wanted.length = 0;
    engine.renderer.render(tokens, engine.options, {});
    assert.deepStrictEqual([...new Set(wanted)], ['kasa', 'two2021']);
  });

  it('papers of one author and year are told apart by a letter, in the list\'s order, as pandoc does: 2024a, 2024b', () => {
    const lookup = lookupOf();
    const text = 'See [@wangOther2024; @kasa], @wangOther2024 and [-@kasa].\n';
    md(lookup).render(text);
    const html = md(lookup).render(text);
    assert.match(html.replace(/<[^>]+>/g, ''), /^See \(Wang et al\. 2024b; Wang et al\. 2024a\), Wang et al\. \(2024b\) and \(2024a\)\./);
    const refs = [...html.matchAll(/<div class="litnotes-reference" id="([^"]+)">([^<]*)/g)].map((m) => [m[1], m[2].replace(/“.*/, '')]);
    assert.deepStrictEqual(refs, [['ref-jiang2024kasa', 'Wang, Fan, Juyong Jiang, and Chansung Park. 2024a. '], ['ref-wangOther2024', 'Wang, Fan, Xia Yu, and Zhi Wu. 2024b. ']]);
  });

  it('a draft whose csl: names a numeric style (front matter as VS Code\'s engine reads it) gets numbers in the order first cited, and a numbered list', () => {
    const lookup = lookupOf();
    const engine = withFrontMatter(lookup);
    const text = '---\ntitle: Draft\ncsl: styles/ieee.csl\n---\n\nAs [@two2021; @kasa, p. 3] and @jiang2024kasa show; [@nosuchkey2099].\n';
    engine.render(text);
    const html = engine.render(text);
    assert.match(html.replace(/<[^>]+>/g, ''), /As \[1, 2, p\. 3\] and Wang et al\. \[2\] show; \[nosuchkey2099\?\]\./);
    const refs = [...html.matchAll(/<div class="litnotes-reference" id="([^"]+)">(\[\d\])/g)].map((m) => [m[1], m[2]]);
    assert.deepStrictEqual(refs, [['ref-two2021', '[1]'], ['ref-jiang2024kasa', '[2]']], 'in the order first cited, not by author');
    assert.match(engine.render(text.replace('styles/ieee.csl', 'chicago-author-date.csl')).replace(/<[^>]+>/g, ''), /As \(van der Berg and Wei 2021; Wang et al\. 2024, p\. 3\)/);
    assert.deepStrictEqual(['ieee.csl', 'IEEE', 'C:\\styles\\vancouver-superscript.csl', 'nature', 'acm-sig-proceedings.csl', 'apa.csl', 'chicago-author-date', 'harvard-cite-them-right', undefined, ''].map(isNumericStyle),
      [true, true, true, true, true, false, false, false, false, false]);
  });

  it('a draft whose csl: names an APA style gets APA\'s citations and reference list: a comma before the year, "&" in parentheses, letters as (2024a)', () => {
    const lookup = lookupOf();
    const engine = withFrontMatter(lookup);
    const text = '---\ncsl: apa.csl\n---\n\nAs [@kasa; see @two2021, p. 3] show, @two2021 and [-@wangOther2024] agree.\n';
    engine.render(text);
    const html = engine.render(text);
    assert.match(html.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&'), /As \(Wang et al\., 2024a; see van der Berg & Wei, 2021, p\. 3\) show, van der Berg and Wei \(2021\) and \(2024b\) agree\./);
    const refs = [...html.matchAll(/<div class="litnotes-reference" id="([^"]+)">([^<]*)/g)].map((m) => m[2].replace(/&amp;/g, '&').replace(/\)\..*/, ').'));
    assert.deepStrictEqual(refs, ['van der Berg, A., & Wei, L. (2021).', 'Wang, F., Jiang, J., & Park, C. (2024a).', 'Wang, F., Yu, X., & Wu, Z. (2024b).'], 'sorted by author, the letters in the list\'s order');
    const hostileText = '---\ncsl: apa.csl\n---\n\nSee [@hostile2023] and @hostile2023.\n';
    engine.render(hostileText);
    const hostileHtml = engine.render(hostileText);
    assert.match(hostileHtml, /Attacker, E\. S\., Builder, B\./, 'the APA list is rendered');
    assert.doesNotMatch(hostileHtml, /<(img|script)/i, 'an APA reference line is escaped as any other');
    assert.deepStrictEqual(['apa.csl', 'styles/apa-6th-edition.csl', 'APA', 'apa-numeric-superscript', 'apsa', 'chicago-author-date', undefined].map(isApaStyle), [true, true, true, false, false, false, false]);
  });

  it('shows citations as written while the server has not answered, and never emits markup from a title, name or key', () => {
    const silent: CitationLookup = { get: () => undefined, want: () => undefined };
    assert.match(md(silent).render('See [@kasa; @two2021].\n'), /<span class="litnotes-citation litnotes-pending">\[@kasa; @two2021\]<\/span>/);
    assert.doesNotMatch(md(silent).render('See [@kasa].\n'), /litnotes-references/);
    const lookup = lookupOf();
    const text = 'See [@hostile2023] and [<b>x</b> @hostile2023, "><img src=x>] and [@a<b>].\n';
    md(lookup).render(text);
    const html = md(lookup).render(text);
    assert.doesNotMatch(html, /<(img|script|b)[\s>]/i, html);
    assert.doesNotMatch(html, /onmouseover|href="[^"#h]/, 'no attribute comes from the data, every link is the plugin\'s own');
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt; Title/);
  });

  it('renders a page of hostile brackets and @ signs whole: lines of 400,000 `[`, `[@`, `@a` and one unclosed group', function () {
    this.timeout(30000);
    const lookup = lookupOf();
    for (const text of ['['.repeat(400000), '[@'.repeat(200000), '@a '.repeat(130000), `[@kasa; ${'x'.repeat(400000)}]`]) {
      const html = md(lookup).render(text);
      assert.ok(html.length >= text.length, 'nothing of the page is lost');
    }
  });
});
