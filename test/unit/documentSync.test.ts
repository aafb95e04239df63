import * as assert from 'assert';
import { changeProblem, checkedDocumentSync, documentProblem, openProblem } from '../../server/src/lsp/documentSync';

const uri = 'file:///w/draft.md';

describe('document notifications are checked before the open documents take them in', () => {
  it('a didOpen needs a uri, a text, a languageId and an integer version', () => {
    assert.strictEqual(openProblem({ textDocument: { uri, languageId: 'markdown', version: 1, text: '' } }), undefined);
    for (const params of [null, 42, [], {}, { textDocument: null }, { textDocument: { uri: 42 } }, { textDocument: { uri: '' } },
      { textDocument: { uri, languageId: 'markdown', version: 1 } },
      { textDocument: { uri, languageId: 'markdown', version: 1, text: { length: 3 } } },
      { textDocument: { uri, version: 1, text: 'x' } },
      { textDocument: { uri, languageId: 'markdown', version: 1.5, text: 'x' } }]) {
      assert.notStrictEqual(openProblem(params), undefined, JSON.stringify(params));
    }
  });

  it('a didChange needs a version and changes with text, and ranges of non-negative integers', () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 1, character: 2 } };
    assert.strictEqual(changeProblem({ textDocument: { uri, version: 3 }, contentChanges: [{ text: 'whole' }, { range, text: 'part' }] }), undefined);
    for (const contentChanges of ['x', [{ text: null }], [null], [{ range: { start: { line: -1, character: 0 }, end: range.end }, text: 'x' }],
      [{ range: { start: range.start }, text: 'x' }], [{ range: { start: { line: 0.5, character: 0 }, end: range.end }, text: 'x' }]]) {
      assert.notStrictEqual(changeProblem({ textDocument: { uri, version: 3 }, contentChanges }), undefined, JSON.stringify(contentChanges));
    }
    assert.notStrictEqual(changeProblem({ textDocument: { uri, version: null }, contentChanges: [] }), undefined);
  });

  it('close and save need a document uri', () => {
    assert.strictEqual(documentProblem({ textDocument: { uri } }), undefined);
    assert.notStrictEqual(documentProblem({ textDocument: { uri: 42 } }), undefined);
  });

  it('passes good notifications on, and logs the misshapen ones instead', () => {
    const handlers = new Map<string, (p: unknown) => unknown>();
    const register = (name: string) => (h: (p: unknown) => unknown) => { handlers.set(name, h); return { dispose() { /* nothing held */ } }; };
    const connection = {
      onDidOpenTextDocument: register('open'), onDidChangeTextDocument: register('change'), onDidCloseTextDocument: register('close'),
      onWillSaveTextDocument: register('willSave'), onWillSaveTextDocumentWaitUntil: register('waitUntil'), onDidSaveTextDocument: register('save'),
    };
    const logged: string[] = [];
    const seen: unknown[] = [];
    const checked = checkedDocumentSync(connection as never, (line) => logged.push(line));
    checked.onDidOpenTextDocument((p) => { seen.push(p); });
    const good = { textDocument: { uri, languageId: 'markdown', version: 1, text: 'x' } };
    handlers.get('open')!(good);
    handlers.get('open')!({ textDocument: { uri, languageId: 'markdown', version: 1 } });
    assert.deepStrictEqual(seen, [good]);
    assert.deepStrictEqual(logged, [`textDocument/didOpen left out: ${uri}: the document has no text`]);
  });
});
