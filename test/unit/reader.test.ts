import * as assert from 'assert';
import * as crypto from 'crypto';
import { readerHtml, makeNonce, ReaderResources } from '../../client/src/readerHtml';
import { renderMarkdown } from '../../client/src/markdown';
import type { PaperDetails } from '../../server/src/protocol';

const paper = (over: Partial<PaperDetails> = {}): PaperDetails => ({
  key: 'kasa', aliases: [], title: 'KaSA: Knowledge-Aware Singular-Value Adaptation', authors: ['Fan Wang'], year: 2024,
  codeUrls: ['https://github.com/juyongjiang/KaSA'], abstract: 'An abstract.', topics: ['peft'], digests: [{ uri: 'file:///ws/d.txt', line: 3 }],
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

describe('note markdown in the reader', () => {
  it('renders headings, lists, tables, code, emphasis and http(s) links; math stays text', () => {
    const html = renderMarkdown('# Title\n\nSome *em* and **strong** and `code`, $E=mc^2$.\n\n- one\n- two\n\n1. first\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nx < y\n```\n\nSee https://example.org/p and [doc](https://example.org/d).\n');
    assert.match(html, /<h2>Title<\/h2>/);
    assert.match(html, /<em>em<\/em> and <strong>strong<\/strong> and <code>code<\/code>, \$E=mc\^2\$/);
    assert.match(html, /<ul><li>one<\/li><li>two<\/li><\/ul>/);
    assert.match(html, /<ol><li>first<\/li><\/ol>/);
    assert.match(html, /<table><thead><tr><th>a<\/th><th>b<\/th><\/tr><\/thead><tbody><tr><td>1<\/td><td>2<\/td><\/tr><\/tbody><\/table>/);
    assert.match(html, /<pre><code>x &lt; y<\/code><\/pre>/);
    assert.match(html, /<a href="https:\/\/example.org\/p" class="external">https:\/\/example.org\/p<\/a>/);
    assert.match(html, /<a href="https:\/\/example.org\/d" class="external">doc<\/a>/);
  });

  it('raw HTML and non-http links stay text', () => {
    const html = renderMarkdown('<b onclick="x()">hi</b> [x](javascript:alert(1)) [y](data:text/html,hi)');
    assert.ok(!/<b\b/.test(html));
    assert.ok(!/href="(javascript|data):/.test(html));
    assert.match(html, /&lt;b onclick=&quot;x\(\)&quot;&gt;hi&lt;\/b&gt;/);
  });
});
