import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '../../..');
const GRAMMARS: Record<string, string> = {
  'litnotes.citations.injection': path.join(ROOT, 'syntaxes/citations.injection.tmLanguage.json'),
  'litnotes.citations.org.injection': path.join(ROOT, 'syntaxes/citations.org.injection.tmLanguage.json'),
  'text.litnotes.digest': path.join(ROOT, 'syntaxes/digest.tmLanguage.json'),
};
// Minimal host grammars: the injection is tested on its own, into markdown and LaTeX scopes.
const HOSTS: Record<string, object> = {
  'text.html.markdown': { scopeName: 'text.html.markdown', patterns: [{ begin: '^```', end: '^```', name: 'markup.fenced_code.block.markdown' }, { match: '`[^`]*`', name: 'markup.inline.raw.string.markdown' }] },
  'text.tex.latex': { scopeName: 'text.tex.latex', patterns: [{ match: '%.*$', name: 'comment.line.percentage.tex' }] },
  // The scopes the Org extensions' grammar (vscode-org-mode, `source.org`) gives links, source blocks, verbatim and comments.
  'source.org': {
    scopeName: 'source.org',
    patterns: [
      { begin: '(?i)^\\s*#\\+BEGIN_SRC\\s+python\\b.*$', end: '(?i)^\\s*#\\+END_SRC$', name: 'meta.block.source.python.org', patterns: [{ begin: '(^|\\G)(\\s*)(.*)', while: '(^|\\G)(?!\\s*#\\+END_SRC\\s*)', contentName: 'meta.embedded.block.python' }] },
      { begin: '(?i)(#\\+BEGIN_(\\w+))\\b\\s*(.*)$', end: '(?i)(#\\+END_\\2)$', name: 'meta.block.${2:/downcase}' },
      { match: '(\\[\\[)([^\\[\\]]+)(\\])(?:(\\[)([^\\[\\]]+)(\\]))?(\\])', name: 'meta.link.inline.org' },
      { match: '(^|\\s)\\=[^\\s](.*?[^\\s])?\\=($|\\W)', name: 'variable.org' },
      { match: '(^|\\s)(#)\\s(.*)$', captures: { 3: { name: 'comment.line' } } },
    ],
  },
};

let registry: textmate.Registry;
before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => {
      if (HOSTS[scope]) return textmate.parseRawGrammar(JSON.stringify(HOSTS[scope]), 'host.json');
      const file = GRAMMARS[scope];
      return file ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scope) => (scope === 'text.html.markdown' || scope === 'text.tex.latex' ? ['litnotes.citations.injection'] : scope === 'source.org' ? ['litnotes.citations.org.injection'] : undefined),
  });
});

/** [text, scopes] for each token of each line. */
async function tokens(scope: string, text: string): Promise<[string, string[]][]> {
  const grammar = (await registry.loadGrammar(scope))!;
  let state = textmate.INITIAL;
  const out: [string, string[]][] = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push([line.slice(t.startIndex, t.endIndex), t.scopes]);
    state = r.ruleStack;
  }
  return out;
}

const KEY = 'entity.name.label.citation-key.litnotes';
const keysIn = (toks: [string, string[]][]) => toks.filter(([, s]) => s.includes(KEY)).map(([t]) => t);

describe('citation grammar (injected into markdown and LaTeX)', () => {
  it('colours pandoc citations, bracketed and bare, but not emails', async () => {
    assert.deepStrictEqual(keysIn(await tokens('text.html.markdown', 'See [@kasa; -@nola, p. 3] and @zip-fit. Mail me@example.com.')), ['kasa', 'nola', 'zip-fit']);
  });
  it('colours wikilinks and their keys', async () => {
    assert.deepStrictEqual(keysIn(await tokens('text.html.markdown', '[[lin2022truthfulqa]] and [[sun2020|TransTrack]] but not ![[image.png]]')), ['lin2022truthfulqa', 'sun2020']);
  });
  it('colours \\cite keys in LaTeX, not in comments', async () => {
    const toks = await tokens('text.tex.latex', '\\citep[p.~3]{neural-ranking-models, t2ranking} % \\cite{ignored}');
    assert.deepStrictEqual(keysIn(toks), ['neural-ranking-models', 't2ranking']);
    assert.ok(toks.some(([t, s]) => t === '\\citep' && s.includes('keyword.control.cite.litnotes')));
  });
  it('leaves code in markdown alone', async () => {
    assert.deepStrictEqual(keysIn(await tokens('text.html.markdown', '```\n@nola in code\n```\n`@inline`')), []);
  });
});

describe('citation grammar (injected into Org, as the Org extensions scope it)', () => {
  it('colours org-cite keys, over a style and prefixes, and not an email in a suffix', async () => {
    assert.deepStrictEqual(keysIn(await tokens('source.org', 'As [cite/t:see @kasa p. 3; @nola] and [cite:@lin2022truthfulqa] (mail me@example.com).')), ['kasa', 'nola', 'lin2022truthfulqa']);
  });
  it('colours org-ref links, version 3 and 2, bare and bracketed, not excite: or the prose after them', async () => {
    const toks = await tokens('source.org', 'See cite:&kasa;&nola, then citep:a2020,b2021. Also [[citet:see &lin2022 p. 3;&kalai][the two]] and [[cite:x1,y2]]; not excite:z or cite:q, and more.');
    assert.deepStrictEqual(keysIn(toks), ['kasa', 'nola', 'a2020', 'b2021', 'lin2022', 'kalai', 'x1', 'y2', 'q']);
  });
  it('colours \\cite in Org, and nothing in source blocks, verbatim or comments', async () => {
    const text = ['\\citep{neural-ranking}', '#+BEGIN_SRC python', 'x = "[cite:@incode]"', '#+END_SRC', '#+BEGIN_EXAMPLE', 'cite:&inexample', '#+END_EXAMPLE', 'Not =[cite:@verbatim]= here.', '# [cite:@commented]', '#+BEGIN_QUOTE', 'Quoted [cite:@quoted].', '#+END_QUOTE'].join('\n');
    assert.deepStrictEqual(keysIn(await tokens('source.org', text)), ['neural-ranking', 'quoted']);
  });
});

describe('digest grammar', () => {
  it('marks the date, titles (with their short name) and URLs in abstracts', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'test/fixtures/library/digests/daily-papers-sep-8.txt'), 'utf8').split('\n').slice(10, 19).join('\n');
    const toks = await tokens('text.litnotes.digest', text);
    assert.ok(toks.some(([t, s]) => t === 'Sep 8' && s.includes('constant.other.date.litnotes')));
    assert.ok(toks.some(([t, s]) => t.startsWith('Pruning as a Domain-specific') && s.includes('markup.heading.title.litnotes')));
    assert.ok(toks.some(([t, s]) => t === 'StyDeco' && s.includes('entity.name.section.short-name.litnotes')));
    assert.ok(toks.some(([t, s]) => t === 'https://github.com/psunlpgroup/D-Pruner' && s.includes('markup.underline.link.litnotes')), 'the URL without its trailing period');
  });
});
