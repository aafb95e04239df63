import * as assert from 'assert';
import * as fs from 'fs';
import { parseNote, folderTopic, parseTopics } from '../../server/src/parse/note';
import { parseDigest } from '../../server/src/parse/digest';
import { parseAuthors } from '../../server/src/parse/authors';
import { parseFile } from '../../server/src/parse/parseFile';
import { libraryOf, readFixture, SAMPLE_DIGEST, uriFor } from './helpers';

function note(rel: string, text = readFixture(`library/${rel}`)) {
  const parsed = parseNote(`file:///ws/${rel}`, text, { relativePath: rel });
  return { ...parsed.papers[0], problems: parsed.problems };
}

describe('note schemas', () => {
  it('flat schema: citekey, title, "Last, First" pairs, year, arXiv from venue, nested tags', () => {
    const n = note('notes/lin2022truthfulqa.md');
    assert.strictEqual(n.key, 'lin2022truthfulqa');
    assert.strictEqual(n.title, 'TruthfulQA — Measuring How Models Mimic Human Falsehoods');
    assert.deepStrictEqual(n.authors, ['Stephanie Lin', 'Jacob Hilton', 'Owain Evans']);
    assert.strictEqual(n.year, 2022);
    assert.strictEqual(n.arxiv, '2109.07958');
    assert.deepStrictEqual(n.topics, ['evaluation/truthfulness', 'benchmarks']);
    assert.match(String(n.summary), /^A benchmark of 817 questions/);
    assert.strictEqual(n.abstract, undefined, 'no abstract field');
    assert.deepStrictEqual(n.keyRange, { start: { line: 1, character: 9 }, end: { line: 1, character: 26 } });
    assert.strictEqual(n.problems.length, 0);
  });

  it('nested work: metadata', () => {
    const n = note('notes/konig2020common.md');
    assert.strictEqual(n.key, 'konig2020common');
    assert.strictEqual(n.title, 'Accelerating MPC by Online Detection of Common Structures');
    assert.deepStrictEqual(n.authors, ['Kai König', 'Martin Mönnigmann']);
    assert.strictEqual(n.year, 2020);
    assert.strictEqual(n.arxiv, '2009.08764');
    assert.match(String(n.summary), /^Model predictive control/);
  });

  it('wikilink front matter (not valid YAML) is recovered, with a diagnostic', () => {
    const n = note('notes/transtrack.md');
    assert.strictEqual(n.key, 'sunTransTrackMultipleObjectTracking2020');
    assert.strictEqual(n.title, 'TransTrack');
    assert.deepStrictEqual(n.authors, ['Peize Sun', 'Yi Jiang']);
    assert.deepStrictEqual(n.topics, ['MOT', 'zotero', 'literature-notes']);
    assert.strictEqual(n.problems.length, 1);
    assert.strictEqual(n.problems[0].code, 'front-matter');
    assert.strictEqual(n.problems[0].range.start.line, 3, 'points at the authors line');
  });

  it('no front matter: title from the heading, key from the file, arXiv and code from body links, topic from folders', () => {
    const n = note('papers/04-multimodal/vlm/efficiency/DART_2025.md');
    assert.strictEqual(n.key, 'DART_2025');
    assert.strictEqual(n.title, 'DART: Stop Looking for Important Tokens in Multimodal Language Models');
    assert.deepStrictEqual(n.titleRange, { start: { line: 0, character: 2 }, end: { line: 0, character: 2 + n.title.length } });
    assert.strictEqual(n.arxiv, '2502.11494');
    assert.deepStrictEqual(n.codeUrls, ['https://github.com/ZichenWen1/DART']);
    assert.deepStrictEqual(n.topics, ['04-multimodal/vlm/efficiency']);
    assert.match(String(n.summary), /^Token reduction by duplication/);
  });

  it('CSL authors, date, DOI and a folded abstract field', () => {
    const n = note('notes/kalai2024hallucinate.md');
    assert.strictEqual(n.key, 'kalai2024hallucinate');
    assert.deepStrictEqual(n.authors, ['Adam Tauman Kalai', 'Santosh S. Vempala']);
    assert.strictEqual(n.year, 2024);
    assert.strictEqual(n.doi, '10.1145/3618260.3649777');
    assert.match(String(n.abstract), /^Recent language models generate false/);
  });

  it('a year from each way a note writes its date: a year, a date, CSL date-parts, a year map or a list of them; the paper\'s date fields before `date`', () => {
    const yearOf = (field: string) => note('notes/dated.md', `---\ncitekey: dated2020\ntitle: Dated\n${field}\n---\nBody.\n`).year;
    assert.deepStrictEqual(
      ['year: 2020', 'date: 2020-05-01', 'issued:\n  date-parts: [[2020, 5]]', 'issued:\n  year: 2020\n  month: 5', 'issued:\n- year: 2020\n- year: 2021', 'year: [2020]', 'issued: sometime'].map(yearOf),
      [2020, 2020, 2020, 2020, 2020, 2020, undefined],
    );
    // The paper's date before the note's own (`date:`, which many templates fill with the day the note was made).
    // Front matter that is not YAML (wikilinks) is recovered line by line, keys with spaces too.
    const recovered = note('notes/wiki.md', '---\ncitekey: wiki2020\nauthors: [[Ann Lee]], [[Bo Chen]]\npublication date: [[2020-12-31]]\n---\nBody.\n');
    assert.deepStrictEqual([recovered.authors, recovered.year, recovered.problems.map((p) => p.code)], [['Ann Lee', 'Bo Chen'], 2020, ['front-matter']]);
    assert.deepStrictEqual(['publication date: [[2020-12-31]]\ndate: 2024-05-01', 'publicationDate: 2020\ndate: 2024-05-01', 'date-published: 2020-01-01\ndate: 2024', 'issued: 2020\ndate: 2024'].map(yearOf), [2020, 2020, 2020, 2020]);
  });

  it('Zotero Integration notes: metadata in Dataview inline fields of a callout, the abstract in an Abstract callout', () => {
    const text = [
      '---', 'category: literaturenote', 'tags: [style, embeddings]', 'citekey: patelStyleEmbeddings2023', 'status: read', '---',
      '# Learning interpretable style embeddings', '',
      '> [!info]- : [**Zotero**](zotero://select/library/items/ABCD1234)',
      '> **FirstAuthor**:: Patel, Ajay  ', '> **Author**:: Rao, Delip  ', '> ---', '~    ',
      '> **Title**:: "Learning interpretable style embeddings via prompting LLMs"  ', '> **Year**:: 2023   ',
      '> **Citekey**:: patelStyleEmbeddings2023  ', '> **DOI**:: 10.48550/arXiv.2305.12696', '> **URL**:: https://example.org/paper', '',
      '> [!Abstract]', '> Style representation learning builds', '> content-independent representations.', '',
      '# Notes', 'What I made of it.', '',
    ].join('\n');
    const n = note('notes/patel.md', text);
    assert.deepStrictEqual(
      [n.key, n.title, n.authors, n.year, n.doi, n.arxiv, n.url, n.abstract, n.summary],
      ['patelStyleEmbeddings2023', 'Learning interpretable style embeddings via prompting LLMs', ['Ajay Patel', 'Delip Rao'], 2023, '10.48550/arXiv.2305.12696', '2305.12696', 'https://example.org/paper',
        'Style representation learning builds content-independent representations.', 'What I made of it.'],
    );
    assert.deepStrictEqual(n.titleRange.start, { line: 13, character: 15 }, 'the title where the field writes it');
    // Without a key in the front matter, the inline Citekey (a wikilink too) is the key; the front matter wins where it speaks.
    const bare = note('notes/2023-01-01-CreateYourWorld.md', '---\ntitle: Front Matter Title\n---\n> [!md]\n> **Author**:: Sun, Gan\n> **Title**:: Inline Title\n> **Year**:: 2023\n> **Citekey**:: [[@sunCreateYourWorld2023]]\n');
    assert.deepStrictEqual([bare.key, bare.keyRange?.start.line, bare.title, bare.authors, bare.year], ['sunCreateYourWorld2023', 7, 'Front Matter Title', ['Gan Sun'], 2023]);
    // A field line as long as a page of prose is not a field (a very long line costs no regular expression time).
    const long = note('notes/long.md', `> **Title**:: ${'word '.repeat(1000)}\n`);
    assert.strictEqual(long.title, 'long');
    // Prose with `::` in it (C++ written without backticks) is a summary, not fields.
    assert.strictEqual(note('notes/cpp.md', 'We use std::vector for the buffers.\n').summary, 'We use std::vector for the buffers.');
  });

  it('Dataview inline fields for the abstract and the summary (`Abstract::`, `Summary::`, `TLDR::`), where nothing else gives one', () => {
    const n = note('notes/field.md', '---\ncitekey: f2024\n---\n**Summary**:: Adapts LoRA with singular values.\nAbstract:: We propose KaSA.\n\nMy own first paragraph.\n');
    assert.deepStrictEqual([n.summary, n.abstract], ['Adapts LoRA with singular values.', 'We propose KaSA.']);
    assert.strictEqual(note('notes/tldr.md', '- TL;DR:: not a field (a key of letters, digits, spaces)\n- TLDR:: One line.\n\nProse.\n').summary, 'One line.');
    // The front matter, a Summary section or callout still win; without a field the first paragraph is the summary, as before.
    const fm = note('notes/fm.md', '---\ncitekey: g2024\nabstract: From the front matter.\n---\nAbstract:: From the body.\nSummary:: From a field.\n\n## Summary\n\nFrom a section.\n');
    assert.deepStrictEqual([fm.abstract, fm.summary], ['From the front matter.', 'From a section.']);
    assert.strictEqual(note('notes/plain.md', 'Status:: read\n\nThe first paragraph.\n').summary, 'The first paragraph.');
  });

  it('key fields: citationKey, key, id; TL;DR section as summary', () => {
    for (const field of ['citationKey', 'key', 'id']) {
      assert.strictEqual(note('notes/a.md', `---\n${field}: smith2020\n---\n`).key, 'smith2020');
    }
    assert.strictEqual(note('notes/jiang2024kasa.md').summary, 'SVD-based PEFT that scales singular values by task relevance. Compare with @nola and [@compacter].');
  });

  it('an Abstract section wins over the first paragraph', () => {
    const n = note('notes/x.md', '# X\n\nFirst paragraph.\n\n## Abstract\n\nThe real abstract\nover two lines.\n\n## Notes\n\nmine');
    assert.strictEqual(n.summary, 'The real abstract over two lines.');
  });

  it('an empty file is still a note, named by its file', () => {
    const parsed = parseNote('file:///ws/notes/empty.md', '', { relativePath: 'notes/empty.md' });
    assert.strictEqual(parsed.papers[0].key, 'empty');
    assert.strictEqual(parsed.papers[0].title, 'empty');
    assert.match(parsed.log[0], /empty note/);
  });

  it('authors in every common shape', () => {
    assert.deepStrictEqual(parseAuthors('Lin, Stephanie and Hilton, Jacob'), ['Stephanie Lin', 'Jacob Hilton']);
    assert.deepStrictEqual(parseAuthors(['Ada Lovelace', 'Alan Turing']), ['Ada Lovelace', 'Alan Turing']);
    assert.deepStrictEqual(parseAuthors([{ name: 'Ada Lovelace' }, { family: 'Turing', given: 'Alan' }]), ['Ada Lovelace', 'Alan Turing']);
    assert.deepStrictEqual(parseAuthors('Lin, Stephanie'), ['Stephanie Lin']);
    assert.deepStrictEqual(parseAuthors([['Peize Sun'], ['Yi Jiang']]), ['Peize Sun', 'Yi Jiang']);
  });

  it('tags in every common shape', () => {
    assert.deepStrictEqual(parseTopics('#ml/peft #nlp'), ['ml/peft', 'nlp']);
    assert.deepStrictEqual(parseTopics('peft, low-rank adaptation'), ['peft', 'low-rank adaptation']);
    assert.deepStrictEqual(parseTopics([['MOT'], 'a / b']), ['MOT', 'a/b']);
    assert.deepStrictEqual(folderTopic('notes/ml/peft/x.md'), ['ml/peft']);
    assert.deepStrictEqual(folderTopic('x.md'), []);
  });
});

describe('digests', () => {
  const text = fs.readFileSync(SAMPLE_DIGEST, 'utf8');
  const parsed = parseDigest('file:///ws/digests/sep8.txt', text, 'text');

  it('reads all 89 papers of the saved Daily Papers page and none of its chrome', () => {
    assert.strictEqual(parsed.papers.length, 89);
    assert.deepStrictEqual(parsed.log, []);
    const titles = parsed.papers.map((p) => p.title);
    for (const chrome of ['new', 'Subscribe', 'Daily Papers', 'Sep 8', 'byAK and the research community']) assert.ok(!titles.includes(chrome), chrome);
    assert.strictEqual(titles[0], 'Pruning as a Domain-specific LLM Extractor');
    assert.strictEqual(titles[88], 'Unlock Predictable Scaling from Emergent Abilities');
    assert.ok(parsed.papers.every((p) => typeof p.abstract === 'string' && p.abstract.length > 100), 'every paper has its abstract');
  });

  it('keeps the date and points each paper at its title line', () => {
    assert.ok(parsed.papers.every((p) => p.digestDate === 'Sep 8'));
    const lines = text.split('\n');
    for (const p of parsed.papers) assert.strictEqual(lines[p.titleRange.start.line], p.title);
  });

  it('takes code and data URLs from abstracts, trailing punctuation trimmed', () => {
    const by = (prefix: string) => parsed.papers.find((p) => p.title.startsWith(prefix))!;
    assert.deepStrictEqual(by('Pruning as').codeUrls, ['https://github.com/psunlpgroup/D-Pruner']);
    assert.deepStrictEqual(by('Masked Scene').codeUrls, ['https://github.com/phermosilla/msm']);
    assert.deepStrictEqual(by('On Giant').codeUrls, ['https://github.com/Facico/Dynamic-Logit-Fusion']);
    assert.deepStrictEqual(by('Compacter').codeUrls, ['https://github.com/rabeehk/compacter']);
    assert.deepStrictEqual(by('RAG-RewardBench').codeUrls, ['https://huggingface.co/datasets/jinzhuoran/RAG-RewardBench/']);
    assert.deepStrictEqual(by('Inverse Scaling').codeUrls, ['https://inversescaling.com/data']);
  });

  it('markdown digest: ## Title then abstract, date from the heading', () => {
    const md = parseDigest('file:///ws/digests/2025-09-09.md', readFixture('library/digests/2025-09-09.md'), 'markdown');
    assert.deepStrictEqual(md.papers.map((p) => p.title), ['Dense Passage Retrieval for Open-Domain Question Answering', 'KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models']);
    assert.strictEqual(md.papers[0].digestDate, 'Sep 9');
    assert.deepStrictEqual(md.papers[0].codeUrls, ['https://github.com/facebookresearch/DPR']);
    assert.deepStrictEqual(md.papers[0].titleRange, { start: { line: 2, character: 3 }, end: { line: 2, character: 3 + md.papers[0].title.length } });
  });

  it('Daily Papers JSON: id, title, summary, authors, publishedAt', () => {
    const js = parseDigest('file:///ws/digests/hf.json', readFixture('library/digests/hf-2025-09-10.json'), 'json');
    assert.strictEqual(js.papers.length, 2);
    const [a, b] = js.papers;
    assert.strictEqual(a.arxiv, '2502.11494');
    assert.deepStrictEqual(a.authors, ['Zichen Wen', 'Yifeng Gao']);
    assert.strictEqual(a.digestDate, '2025-09-10');
    assert.strictEqual(a.titleRange.start.line, 4);
    assert.strictEqual(b.title, 'Mixture of Experts Routing for Sparse Transformers');
  });

  it('Daily Papers JSON written with \\u escapes (as Python writes it): each title is pointed at where it is', () => {
    const entries = ['Ünïcode — first', 'Plain second', 'Ünïcode — first'].map((title, i) => ({ paper: { id: `2409.0000${i}`, title, summary: 'Äbstract.' } }));
    const text = JSON.stringify({ papers: entries }, null, 2).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const js = parseDigest('file:///ws/digests/py.json', text, 'json');
    const lines = text.split('\n');
    assert.deepStrictEqual(js.papers.map((p) => p.title), ['Ünïcode — first', 'Plain second', 'Ünïcode — first']);
    for (const p of js.papers) {
      const r = p.titleRange;
      assert.strictEqual(JSON.parse(`"${lines[r.start.line].slice(r.start.character, r.end.character)}"`), p.title);
    }
    assert.notStrictEqual(js.papers[0].titleRange.start.line, js.papers[2].titleRange.start.line, 'two equal titles, two places');
  });

  it('a Daily Papers page saved as HTML: the papers its DailyPapers data holds, each pointed at where the page shows its title', () => {
    const text = readFixture('digests-html/daily-papers-2025-09-08.html');
    const page = parseDigest('file:///ws/digests/sep-8.html', text, 'html');
    assert.deepStrictEqual(page.problems, []);
    assert.deepStrictEqual(page.papers.map((p) => p.title), [
      'KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models',
      'Retrieval & Reranking: <Fast> "Dense" Search',
      '<img src=x onerror=alert(1)> Unsafe Titles in Saved Pages',
    ]);
    const [kasa, retrieval] = page.papers;
    assert.deepStrictEqual([kasa.arxiv, kasa.authors, kasa.digestDate, kasa.year, kasa.keywords], ['2409.06543', ['Jiarui Wang', 'Jie Zhao'], '2025-09-08', 2024, ['singular value decomposition', 'parameter-efficient fine-tuning']]);
    assert.match(String(kasa.abstract), /computational overhead & memory usage/);
    assert.ok(kasa.codeUrls.includes('https://github.com/juyongjiang/KaSA'));
    assert.deepStrictEqual(retrieval.authors, ["Ana O'Neil"]);
    // The title as the page shows it (escaped), in a card below the data.
    const lines = text.split('\n');
    const r = retrieval.titleRange;
    assert.strictEqual(lines[r.start.line].slice(r.start.character, r.end.character), 'Retrieval &amp; Reranking: &lt;Fast&gt; "Dense" Search');
    assert.ok(lines[r.start.line].includes('<article'));
  });

  it('an arXiv listing saved as HTML: each entry\'s id, title, authors and abstract, the listing\'s date; a cross-list once', () => {
    const text = readFixture('digests-html/arxiv-cs-cl-new.html');
    const page = parseDigest('file:///ws/digests/cs-cl.html', text, 'html');
    assert.deepStrictEqual(page.papers.map((p) => [p.arxiv, p.title, p.authors, p.digestDate]), [
      ['2603.17021', 'Sparse Attention & Routing for Long-Context Retrieval', ['Zhihao Pei', 'Anna Müller'], '2026-03-19'],
      ['2603.17063', "The $\\epsilon'/\\epsilon$ of Calibration: <b>Bounds</b> for Language Models", ['Jin Lee'], '2026-03-19'],
      ['2603.16001', 'Curriculum Data Selection for Pretraining', ['Lovelace Ada'], '2026-03-19'],
      ['2509.01234', 'An Older Paper, Replaced', ['A. Old'], '2026-03-19'],
    ]);
    const [sparse, calibration, , replaced] = page.papers;
    assert.match(String(sparse.abstract), /^Long-context retrieval suffers from quadratic attention cost\./);
    assert.deepStrictEqual(sparse.codeUrls, ['https://github.com/example/sparse-route']);
    assert.strictEqual(String(calibration.abstract), 'We bound calibration error of alert(1) language models.');
    assert.strictEqual(replaced.abstract, undefined);
    const lines = text.split('\n');
    const r = sparse.titleRange;
    assert.strictEqual(lines[r.start.line].slice(r.start.character, r.end.character), 'Sparse Attention &amp; Routing for Long-Context Retrieval');
    // An older page's heading, with a two-digit year.
    const older = parseDigest('file:///ws/digests/old.html', text.replace(/<h3>[^<]*<\/h3>/, '<h3>Thu, 19 Mar 26</h3>'), 'html');
    assert.deepStrictEqual([older.papers.length, older.papers[0].digestDate, older.papers[0].year], [4, '2026-03-19', 2026]);
  });

  it('an HTML page without Daily Papers data, or with broken data, is said so, not an exception', () => {
    const plain = parseDigest('file:///ws/digests/other.html', '<html><body><h1>Something else</h1></body></html>', 'html');
    assert.deepStrictEqual([plain.papers.length, plain.problems[0].code], [0, 'digest-html']);
    assert.match(plain.log[0], /neither Daily Papers data .* nor an arXiv listing/);
    const broken = parseDigest('file:///ws/digests/broken.html', "<div data-props='{&quot;dailyPapers&quot;: [' data-target='DailyPapers'></div>", 'html');
    assert.match(broken.log[0], /not valid JSON/);
    // Single quotes, the attributes in the other order, and numeric entities.
    const other = parseDigest('file:///ws/digests/o.html', "<div data-props='{\"dailyPapers\":[{\"title\":\"Caf&#233; &#x2014; Paper\",\"summary\":\"S.\"}]}' data-target='DailyPapers'></div>", 'html');
    assert.deepStrictEqual(other.papers.map((p) => [p.title, p.titleRange.start]), [['Café — Paper', { line: 0, character: 0 }]]);
  });

  it('invalid JSON gives a problem and a log line, not an exception', () => {
    const js = parseDigest('file:///ws/digests/bad.json', '{"papers": [', 'json');
    assert.strictEqual(js.papers.length, 0);
    assert.strictEqual(js.problems[0].code, 'digest-json');
    assert.match(js.log[0], /not valid/);
  });

  it('stray text between papers is reported, not silently dropped or mispaired', () => {
    const d = parseDigest('file:///ws/d.txt', 'Sep 9\n\nA Title\n\nIts abstract. It has sentences.\n\nThis is a long stray paragraph that is not a title. It ends with a period and goes on.\n\nB Title\n\nAnother abstract. Two sentences.\n', 'text');
    assert.deepStrictEqual(d.papers.map((p) => p.title), ['A Title', 'B Title']);
    assert.strictEqual(d.log.length, 1);
    assert.match(d.log[0], /skipped text/);
  });
});

describe('Org notes (org-roam literature notes)', () => {
  const org = (text: string, rel = 'roam/x.org') => parseFile(uriFor(rel), rel, 'draft', text);

  it('an org-roam-bibtex note: key from ROAM_REFS, title, authors, year, DOI, URL, tags, abstract, summary; its own refs are no citations', () => {
    const text = readFixture('org/vaswani2017attention.org');
    const { entry } = org(text, 'roam/vaswani.org');
    assert.strictEqual(entry.kind, 'note');
    const [p] = entry.sources;
    assert.deepStrictEqual([p.key, p.aliases, p.title, p.authors, p.year, p.doi, p.arxiv, p.url], ['vaswani2017attention', ['vaswaniAttention2017'], 'Attention Is All You Need', ['Ashish Vaswani', 'Noam Shazeer', 'Niki Parmar'], 2017, '10.48550/arXiv.1706.03762', '1706.03762', 'https://arxiv.org/abs/1706.03762']);
    assert.deepStrictEqual(p.topics, ['transformers', 'attention']);
    assert.strictEqual(p.abstract, 'The dominant sequence transduction models are based on complex recurrent networks.');
    assert.match(String(p.summary), /^The Transformer replaces recurrence with attention/);
    assert.deepStrictEqual(p.codeUrls, ['https://github.com/tensorflow/tensor2tensor']);
    const lines = text.split('\n');
    const at = (r: { start: { line: number; character: number }; end: { character: number } }) => lines[r.start.line].slice(r.start.character, r.end.character);
    assert.deepStrictEqual([at(p.keyRange!), at(p.titleRange)], ['vaswani2017attention', 'Attention Is All You Need']);
    assert.deepStrictEqual(entry.citations.map((c) => c.key), ['bahdanau2015neural']);
  });

  it('org-roam 1 (#+roam_key: cite:key) and #+citekey:; a heading as the title; an Org file without a key is a draft', () => {
    const v1 = org('#+roam_key: cite:lin2022truthfulqa\n\n* TruthfulQA\nNotes.\n').entry;
    assert.deepStrictEqual([v1.kind, v1.sources[0].key, v1.sources[0].title, v1.sources[0].summary], ['note', 'lin2022truthfulqa', 'TruthfulQA', 'Notes.']);
    const keyed = org('#+citekey: @kalai2024hallucinate\n#+title: Calibrated\n').entry;
    assert.deepStrictEqual([keyed.kind, keyed.sources[0].key], ['note', 'kalai2024hallucinate']);
    const draft = org('#+title: My review\n\nAs [cite:@a] shows.\n').entry;
    assert.deepStrictEqual([draft.kind, draft.citations.map((c) => c.key)], ['draft', ['a']]);
    // A ROAM_REFS of web links only is a web page's note, not a paper's.
    assert.strictEqual(org(':PROPERTIES:\n:ROAM_REFS: https://example.com/post\n:END:\n#+title: A blog post\n').entry.kind, 'draft');
  });

  it('the note and the bibliography entry of one key are one paper, the note\'s text beside the entry\'s metadata', () => {
    const l = libraryOf({
      'roam/vaswani.org': readFixture('org/vaswani2017attention.org'),
      'refs/library.bib': '@article{vaswani2017attention,\n  title = {Attention Is All You Need},\n  author = {Vaswani, Ashish and Shazeer, Noam},\n  journal = {NeurIPS},\n  year = {2017}\n}\n',
    });
    const p = l.get('vaswani2017attention')!;
    assert.deepStrictEqual([p.key, p.note?.uri, p.entries.map((e) => e.uri)], ['vaswani2017attention', uriFor('roam/vaswani.org'), [uriFor('refs/library.bib')]]);
    assert.strictEqual(p.entries[0].container, 'NeurIPS');
    assert.strictEqual(l.get('vaswaniAttention2017')?.key, 'vaswani2017attention');
  });
});
