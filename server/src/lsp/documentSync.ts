import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** What TextDocuments.listen takes: the connection's document notifications. */
type TextDocumentConnection = Parameters<TextDocuments<TextDocument>['listen']>[0];

/**
 * The document notifications (open, change, close, save) as the editor sends them, checked before
 * the open documents take them in. A notification has no answer to carry an error, and one taken
 * in with a missing text or a broken range left a document that failed every request after it. A
 * misshapen notification is left out with a line in the output channel, and the documents stay as
 * they were.
 */
export function checkedDocumentSync(connection: TextDocumentConnection, log: (line: string) => void): TextDocumentConnection {
  const checked = <P>(method: string, why: (params: unknown) => string | undefined, handler: (params: P) => void) => (params: P) => {
    const problem = why(params);
    if (problem === undefined) return handler(params);
    log(`${method} left out: ${problem}`);
  };
  return {
    onDidOpenTextDocument: (h) => connection.onDidOpenTextDocument(checked('textDocument/didOpen', openProblem, h)),
    onDidChangeTextDocument: (h) => connection.onDidChangeTextDocument(checked('textDocument/didChange', changeProblem, h)),
    onDidCloseTextDocument: (h) => connection.onDidCloseTextDocument(checked('textDocument/didClose', documentProblem, h)),
    onWillSaveTextDocument: (h) => connection.onWillSaveTextDocument(checked('textDocument/willSave', documentProblem, h)),
    onWillSaveTextDocumentWaitUntil: (h) => connection.onWillSaveTextDocumentWaitUntil((params, token) => documentProblem(params) === undefined ? h(params, token) : []),
    onDidSaveTextDocument: (h) => connection.onDidSaveTextDocument(checked('textDocument/didSave', documentProblem, h)),
  };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const isVersion = (x: unknown): x is number => Number.isSafeInteger(x);

/** Why a notification's `textDocument` names no document (undefined if it does). */
export function documentProblem(params: unknown): string | undefined {
  if (!isObject(params) || !isObject(params.textDocument)) return 'no textDocument';
  if (typeof params.textDocument.uri !== 'string' || params.textDocument.uri === '') return 'the textDocument has no uri';
  return undefined;
}

/** Why a didOpen cannot be taken in (undefined if it can). */
export function openProblem(params: unknown): string | undefined {
  const no = documentProblem(params);
  if (no !== undefined) return no;
  const doc = (params as { textDocument: Record<string, unknown> }).textDocument;
  if (typeof doc.text !== 'string') return `${doc.uri as string}: the document has no text`;
  if (typeof doc.languageId !== 'string') return `${doc.uri as string}: the document has no languageId`;
  if (!isVersion(doc.version)) return `${doc.uri as string}: the document's version is not an integer`;
  return undefined;
}

/** Why a didChange cannot be applied (undefined if it can). */
export function changeProblem(params: unknown): string | undefined {
  const no = documentProblem(params);
  if (no !== undefined) return no;
  const p = params as { textDocument: Record<string, unknown>; contentChanges?: unknown };
  const uri = p.textDocument.uri as string;
  if (!isVersion(p.textDocument.version)) return `${uri}: the change's version is not an integer`;
  if (!Array.isArray(p.contentChanges)) return `${uri}: no contentChanges`;
  for (const change of p.contentChanges) {
    if (!isObject(change) || typeof change.text !== 'string') return `${uri}: a change has no text`;
    if (change.range !== undefined && !isRange(change.range)) return `${uri}: a change's range is not a range`;
  }
  return undefined;
}

function isPosition(x: unknown): boolean {
  return isObject(x) && isCount(x.line) && isCount(x.character);
}

function isRange(x: unknown): boolean {
  return isObject(x) && isPosition(x.start) && isPosition(x.end);
}
