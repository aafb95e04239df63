import * as assert from 'assert';
import * as crypto from 'crypto';
import { readerHtml, makeNonce, ReaderResources } from '../../client/src/readerHtml';
import { renderMarkdown } from '../../client/src/markdown';
import { caywKeys, caywUrl, zoteroSelectUri } from '../../client/src/zotero';
import type { PaperDetails } from '../../server/src/shared/protocol';

const paper = (over: Partial<PaperDetails> = {}): PaperDetails => ({
  key: 'kasa', aliases: [], title: 'KaSA: Knowledge-Aware Singular-Value Adaptation', authors: ['Fan Wang'], year: 2024,
  codeUrls: ['https://github.com/juyongjiang/KaSA'], files: [], abstract: 'An abstract.', topics: ['peft'], entries: [], digests: [{ uri: 'file:///ws/d.txt', line: 3 }],
  citedIn: ['file:///ws/drafts/a.md'], related: [{ key: 'nola', title: 'NOLA', score: 1 }], ...over,
});
const resources = (): ReaderResources => ({
  cspSource: 'vscode-resource:', nonce: makeNonce((n) => crypto.randomBytes(n)), scriptUri: 'vscode-resource:/media/reader.js', styleUri: 'vscode-resource:/media/reader.css',
  relativePath: (u) => u.replace('file:///ws/', ''),
});

/** Tags in the page outside the ones the template itself writes. */
function tagsIn(html: string): string[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => m[1].toLowerCase());
}

describe('reader HTML', () => {
  it('offers Show in Zotero for a paper with a bibliography entry, linking the entry\'s own key; never a link for a key no citation key looks like', () => {
    assert.doesNotMatch(readerHtml(paper(), resources()), /showInZotero/);
    assert.match(readerHtml(paper({ entries: [{ uri: 'file:///ws/refs/zotero.bib', line: 4, key: 'wangKaSA2024' }] }), resources()), /<button data-action="showInZotero"[^>]*>Show in Zotero<\/button>/);
    assert.strictEqual(zoteroSelectUri('wangKaSA2024'), 'zotero://select/items/@wangKaSA2024');
    assert.strictEqual(zoteroSelectUri('müller:2020/a.b-c+d'), 'zotero://select/items/@müller:2020/a.b-c+d');
    for (const bad of ['', 'a b', 'a?x=1', 'a#b', '../x', '@x', 'a\nb']) assert.strictEqual(zoteroSelectUri(bad), undefined, bad);
  });

  it('Zotero\'s citation picker: its address under litnotes.zotero.url, and the keys of what it answers', () => {
    assert.strictEqual(caywUrl('http://127.0.0.1:23119/'), 'http://127.0.0.1:23119/better-bibtex/cayw?format=pandoc&brackets=true');
    assert.strictEqual(caywUrl('http://127.0.0.1:23119', true), 'http://127.0.0.1:23119/better-bibtex/cayw?probe=true');
    assert.strictEqual(caywUrl('file:///etc/passwd'), undefined);
    assert.deepStrictEqual(caywKeys('[@vaswani2017; @kasa, p. 3; -@nola]'), ['vaswani2017', 'kasa', 'nola']);
    assert.deepStrictEqual(caywKeys('@a:b. [@a:b]'), ['a:b'], 'each once, sentence punctuation dropped');
    assert.deepStrictEqual(caywKeys(''), [], 'cancelled in Zotero');
    assert.deepStrictEqual(caywKeys('mail me@example.com'), []);
  });

  it('has a strict Content-Security-Policy with a nonce, and only its own script', () => {
    const r = resources();
    const html = readerHtml(paper(), r);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, new RegExp(`script-src 'nonce-${r.nonce}'`));
    assert.ok(!/unsafe-inline|unsafe-eval/.test(csp));
    assert.deepStrictEqual([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]), [`<script nonce="${r.nonce}" src="vscode-resource:/media/reader.js">`]);
  });

  it('uses a fresh nonce for every render', () => {
    const a = resources(), b = resources();
    assert.notStrictEqual(a.nonce, b.nonce);
    assert.ok(a.nonce.length >= 16 && /^[A-Za-z0-9]+$/.test(a.nonce));
    assert.notStrictEqual(readerHtml(paper(), a), readerHtml(paper(), b));
  });

  it('shows untrusted titles, abstracts and note bodies as text: <script> and <img onerror> run nothing', () => {
    const evil = '<script>alert(1)</script><img src=x onerror="alert(2)"><iframe src="javascript:alert(3)">';
    const html = readerHtml(paper({
      title: evil, abstract: evil, authors: [evil], topics: [evil], key: 'k"><script>',
      note: { uri: 'file:///ws/notes/k.md', line: 1, body: `# Heading ${evil}\n\n${evil}\n\n[click](javascript:alert(4))\n` },
      related: [{ key: '"><img onerror=x>', title: evil, score: 1 }],
    }), resources());
    const tags = tagsIn(html);
    assert.ok(!tags.includes('img') && !tags.includes('iframe'), tags.join(','));
    assert.strictEqual(tags.filter((t) => t === 'script').length, 1, 'only the nonce script');
    // No element has an event-handler attribute (quoted values blanked out first, escaped text stays inside them).
    const attributes = html.replace(/"[^"]*"/g, '""');
    assert.ok(!/<[^>]*\son[a-z]+\s*=/i.test(attributes), 'an on* attribute made it into a tag');
    assert.ok(!html.includes('href="javascript:'), 'no javascript: links');
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('an Org note (org-roam) is shown as its text, escaped, not read as markdown', () => {
    const body = ':PROPERTIES:\n:ROAM_REFS: @k\n:END:\n* Heading <img src=x onerror="alert(1)">\n/italic/ and *bold*';
    const html = readerHtml(paper({ note: { uri: 'file:///ws/roam/k.org', line: 1, body } }), resources());
    assert.match(html, /<pre class="note org">:PROPERTIES:\n:ROAM_REFS: @k\n:END:\n\* Heading &lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;\n\/italic\/ and \*bold\*<\/pre>/);
    assert.ok(!tagsIn(html).includes('img'));
  });

  it('links only to https, and shows sources, citing documents and related papers', () => {
    const html = readerHtml(paper({ url: 'javascript:alert(1)', codeUrls: ['https://github.com/x/y', 'ftp://bad'], arxiv: '2401.00001' }), resources());
    assert.match(html, /<a href="https:\/\/arxiv.org\/abs\/2401.00001" class="external">arXiv:2401.00001<\/a>/);
    assert.match(html, /href="https:\/\/github.com\/x\/y" class="external">code/);
    assert.ok(!html.includes('ftp://bad') && !html.includes('javascript:alert'));
    assert.match(html, /data-open="file:\/\/\/ws\/d.txt" data-line="3">d.txt<\/a> line 4 \(digest\)/);
    assert.match(html, /drafts\/a.md/);
    assert.match(html, /class="paper-link" data-key="nola">NOLA<\/a>/);
    assert.match(html, /<button data-action="createNote">/, 'a digest-only paper offers to create a note');
  });
});

describe('note markdown in the reader (markdown-it)', () => {
  it('renders headings, lists, tables, code, emphasis and http(s) links; math stays text', () => {
    const html = renderMarkdown('# Title\n\nSome *em* and **strong** and `code`, $E=mc^2$.\n\n- one\n- two\n\n1. first\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n```\nx < y\n```\n\nSee https://example.org/p and [doc](https://example.org/d "The doc").\n');
    const flat = html.replace(/\n/g, '');
    assert.match(flat, /<h2>Title<\/h2>/, 'one level below the page title');
    assert.match(flat, /<em>em<\/em> and <strong>strong<\/strong> and <code>code<\/code>, \$E=mc\^2\$/);
    assert.match(flat, /<ul><li>one<\/li><li>two<\/li><\/ul>/);
    assert.match(flat, /<ol><li>first<\/li><\/ol>/);
    assert.match(flat, /<table><thead><tr><th>a<\/th><th>b<\/th><\/tr><\/thead><tbody><tr><td>1<\/td><td>2<\/td><\/tr><\/tbody><\/table>/, 'no inline styles');
    assert.match(html, /<pre><code>x &lt; y\n<\/code><\/pre>/);
    assert.match(html, /<a href="https:\/\/example.org\/p" class="external">https:\/\/example.org\/p<\/a>/);
    assert.match(html, /<a href="https:\/\/example.org\/d" class="external" title="The doc">doc<\/a>/);
  });

  it('wikilinks link to papers: [[key]], [[key|label]], [[key#heading]]; not inside code', () => {
    const html = renderMarkdown('See [[kasa]], [[jiang2024kasa|KaSA]] and [[nola#Results]], not `[[code]]`.');
    assert.deepStrictEqual(anchors(html), [
      { href: '#', class: 'paper-link', 'data-key': 'kasa' },
      { href: '#', class: 'paper-link', 'data-key': 'jiang2024kasa' },
      { href: '#', class: 'paper-link', 'data-key': 'nola' },
    ]);
    assert.match(html, />KaSA<\/a>/);
    assert.match(html, /<code>\[\[code\]\]<\/code>/);
  });

  it('a pandoc citation\'s keys link to their papers, the text as written; not a link\'s text, code, or a group with a bracket inside', () => {
    const html = renderMarkdown('As [see @kasa, p. 3; -@nola] show. [@x](https://example.org/a) `[@code]` [@a [b]] [@<img src=x>]\n');
    assert.deepStrictEqual(anchors(html), [
      { href: '#', class: 'paper-link', 'data-key': 'kasa' },
      { href: '#', class: 'paper-link', 'data-key': 'nola' },
      { href: 'https://example.org/a', class: 'external' },
    ]);
    assert.match(html, /As \[see <a [^>]*>@kasa<\/a>, p\. 3; <a [^>]*>-@nola<\/a>\] show\./);
    assert.match(html, /<code>\[@code\]<\/code> \[@a \[b\]\] \[@&lt;img src=x&gt;\]/);
  });

  it('raw HTML, images and non-http links stay text', () => {
    const html = renderMarkdown('<b onclick="x()">hi</b> [x](javascript:alert(1)) [y](data:text/html,hi) ![i](https://x.org/i.png) <command:workbench.action.quit> www.example.org\n\n<div onmouseover="x()">block</div>\n');
    assert.ok(!/<(b|div|img)\b/.test(html), html);
    assert.ok(!/href="(javascript|data|command|file):/.test(html), html);
    assert.match(html, /&lt;b onclick=&quot;x\(\)&quot;&gt;hi&lt;\/b&gt;/);
    assert.deepStrictEqual(anchors(html), [{ href: 'https://x.org/i.png', class: 'external' }], 'the image is a plain link; a bare domain is text');
  });

  // Lines that made the previous renderer put note text inside a tag (it rewrote its own output).
  const hostile = [
    '[x](https://a.example/(https://b.example/z/onmouseover=window.__pwned=1//)',
    '[[ https://e.example/a/onfocus=window.__pwned=1/autofocus/]]',
    '[a](b [c](d))',
    '[a](https://b.example/ [c](https://d.example/))',
    '[[x|[y](z)]]',
    '[[x|[y](https://z.example/)]]',
    '[https://a.example/ <https://b.example/>](https://c.example/" onmouseover="x)',
    '[[https://a.example/"onmouseover="x]] [[k|"onfocus=x autofocus "]]',
    '<https://a.example/"onmouseover="x> https://b.example/"onmouseover="x',
    '**[x](https://a.example/)** _[[k]]_ `[y](https://b.example/)`',
  ];
  for (const line of hostile) {
    it(`nested and overlapping links give anchors with only the reader's attributes: ${line}`, () => {
      for (const html of [renderMarkdown(line), renderMarkdown(`# ${line}\n\n- ${line}\n\n> ${line}\n\n| ${line} |\n|---|\n| ${line} |\n`)]) {
        const found = anchors(html);
        for (const a of found) {
          assert.ok(Object.keys(a).every((name) => ['href', 'class', 'data-key', 'title'].includes(name)), JSON.stringify(a));
          assert.match(a.href, /^(https?:\/\/[^\s"<>]*|#)$/, a.href);
          assert.ok(a.class === 'external' || (a.class === 'paper-link' && a.href === '#' && 'data-key' in a), JSON.stringify(a));
        }
        assert.ok(!/<(?!\/?(a|p|h[1-6]|ul|ol|li|blockquote|table|thead|tbody|tr|th|td|code|pre|em|strong|s|br|hr)\b)[a-z]/i.test(html), `an unexpected tag: ${html}`);
      }
    });
  }

  it('renders a note as long as a body can be (64 KB), wikilinks included', () => {
    const body = Array.from({ length: 400 }, (_, i) => `## Section ${i}\n\nText with [[key${i}]] and [a link](https://x.org/${i}), *em* \`code\` ${'[['.repeat(20)}\n`).join('\n').slice(0, 64 * 1024);
    const html = renderMarkdown(body);
    assert.ok(html.includes('data-key="key0"'));
  });
});

/**
 * Every <a> tag's attributes, read strictly: each must be name="value" (what a renderer that
 * escapes attribute values writes); anything else in the tag fails the test.
 */
function anchors(html: string): Record<string, string>[] {
  return [...html.matchAll(/<a\b([^>]*)>/g)].map((m) => {
    const attrs: Record<string, string> = {};
    const rest = m[1].replace(/\s([a-z-]+)="([^"<>]*)"/g, (_, name: string, value: string) => { attrs[name] = value; return ''; });
    assert.strictEqual(rest, '', `unexpected text in a tag: <a${m[1]}>`);
    return attrs;
  });
}
