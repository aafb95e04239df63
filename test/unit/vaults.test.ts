import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Library } from '../../server/src/model/library';
import { Indexer, uriOf } from '../../server/src/ingest/indexer';
import { keyAt } from '../../server/src/features/keyAt';
import { completionContext } from '../../server/src/parse/citations';
import { declaresCitationKey, isMachineId, isPaperNote } from '../../server/src/parse/note';
import { DEFAULT_SETTINGS } from '../../server/src/shared/settings';
import { FIXTURES } from './helpers';

/** Scans a fixture vault from disk with the default settings, as a user who opens it would. */
async function scanVault(name: string) {
  const root = path.join(FIXTURES, 'vaults', name);
  const library = new Library();
  const lines: string[] = [];
  const folder = { uri: uriOf(root), fsPath: root, realPath: fs.realpathSync(root) };
  await new Indexer(library, [folder], DEFAULT_SETTINGS, { log: (l) => lines.push(l) }).scan();
  const uri = (rel: string) => uriOf(path.join(root, rel));
  const text = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
  /** The paper the text at `needle` (its first character) in file `rel` resolves to, through keyAt as hover does. */
  const resolve = (rel: string, needle: string) => {
    const lines = text(rel).split('\n');
    const line = lines.findIndex((l) => l.includes(needle));
    assert.ok(line >= 0, needle);
    return keyAt(library, uri(rel), lines[line], { line, character: lines[line].indexOf(needle) + 1 }, 'markdown');
  };
  return { library, lines, uri, resolve, problems: () => [...library.allFiles()].flatMap((f) => [...f.problems, ...library.mergeProblems(f.uri)]) };
}

describe('vaults made by other tools', () => {
  it('Obsidian: its settings and trash are not read, so the live note of a key is the only one', async () => {
    const { library, uri, problems } = await scanVault('obsidian');
    assert.ok(![...library.allFiles()].some((f) => /\/\.(trash|obsidian)\//.test(f.uri)), [...library.allFiles()].map((f) => f.uri).join('\n'));
    const paper = library.get('vaswani2017')!;
    assert.strictEqual(paper.year, 2017);
    assert.strictEqual(paper.definition.uri, uri('Reading notes/@vaswani2017.md'), 'the Citation plugin\'s @key.md note, keyed without the @');
    assert.deepStrictEqual(problems(), []);
  });

  it('Obsidian: aliases are keys of the paper, body #tags are topics, and every link form resolves', async () => {
    const { library, resolve } = await scanVault('obsidian');
    const lora = library.get('hu2021lora')!;
    assert.deepStrictEqual(lora.aliases, ['hu2022lora', 'LoRA']);
    assert.strictEqual(library.get('hu2022lora'), lora);
    assert.deepStrictEqual(lora.topics, ['peft', 'methods/adapters'], 'a #word inside code is not a tag');
    assert.deepStrictEqual(library.get('vaswani2017')!.topics, ['architecture/transformers']);
    const vaswani = library.get('vaswani2017');
    assert.strictEqual(resolve('drafts/related.md', 'vaswani2017]]')?.paper, vaswani, '[[@key]]');
    assert.strictEqual(resolve('drafts/related.md', 'Attention Is All')?.paper, vaswani, '[[Exact title]]');
    assert.strictEqual(resolve('drafts/related.md', 'LoRA]]')?.paper, lora, '[[alias]]');
    assert.strictEqual(resolve('drafts/related.md', 'hu2022lora]')?.paper, lora, '[@alias]');
    assert.strictEqual(resolve('drafts/related.md', 'hu2021lora]]')?.paper, lora, '![[key]]');
    const citing = library.citationsOf(vaswani!);
    assert.deepStrictEqual([...citing.values()].flat().map((c) => c.key).sort(), ['Attention Is All You Need', 'vaswani2017'], 'references find the title link too');
  });

  it('Foam: templates are not papers, and a journal page is a draft', async () => {
    const { library } = await scanVault('foam');
    assert.deepStrictEqual(library.papers().map((p) => p.key), ['jiang2024kasa']);
    assert.strictEqual([...library.allFiles()].find((f) => f.relativePath === 'journal/2024-01-02.md')?.kind, 'draft');
  });

  it('Dendron: notes with only an id and a title are not papers; a paper\'s note is keyed by its hierarchical name', async () => {
    const { library, resolve } = await scanVault('dendron');
    assert.deepStrictEqual(library.papers().map((p) => p.key), ['lit.vaswani2017attention']);
    assert.strictEqual(resolve('notes/journal.2024.01.02.md', 'lit.vaswani')?.paper, library.get('lit.vaswani2017attention'));
  });

  it('generated ids are told from keys', () => {
    for (const id of ['3s9f0k2m8x1p7q4r6t5v2w0', '0f8fad5b-d9cb-469f-a165-70867728950e', '20240102113015']) assert.ok(isMachineId(id), id);
    for (const key of ['vaswani2017attention', 'vaswaniAttentionAllYou2017', 'smith2020', 'hu2021loralowrankadaptation']) assert.ok(!isMachineId(key), key);
  });

  it('typing [[@ completes citation keys as [@ does', () => {
    assert.deepStrictEqual(completionContext('See [[@vas', 'markdown'), { syntax: 'pandoc', prefix: 'vas', start: 7 });
    assert.deepStrictEqual(completionContext('See ![[vas', 'markdown'), { syntax: 'wikilink', prefix: 'vas', start: 7 });
  });
});

describe('which markdown files declare a citation key', () => {
  it('an empty `citekey:` with the next field below declares none; a value on the next, indented line does', () => {
    assert.strictEqual(declaresCitationKey('---\ncitekey:\ntitle: A draft\n---\n'), false);
    assert.strictEqual(declaresCitationKey('---\ncitekey:   \ntitle: A draft\n---\n'), false);
    assert.strictEqual(declaresCitationKey('---\ncitekey:\n  vaswani2017attention\n---\n'), true);
    assert.strictEqual(declaresCitationKey('---\r\ncitekey: vaswani2017\r\n---\r\n'), true);
    assert.strictEqual(isPaperNote('---\ncitekey:\ntitle: A draft\n---\n', 'drafts/draft.md', false), false);
    // In a notes folder, an empty `id:` is no tool's id: the file is a paper's note.
    assert.strictEqual(isPaperNote('---\nid:\ntitle: Attention\n---\n', 'notes/attention.md', true), true);
  });
});
