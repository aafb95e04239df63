import { CompletionItem, DocumentSymbol, ErrorCodes, Hover, MarkupContent, MarkupKind, ResponseError, SymbolInformation } from 'vscode-languageserver/node';
import { markdownToPlainText } from '../util/untrusted';
import { canonicalUri } from '../ingest/indexer';
import { RenameError } from '../features/rename';

/**
 * Conversions between what the editor sends and what the session works with: document URIs (the
 * session uses one canonical spelling; answers use the editor's own), and errors.
 */
export class UriSpelling {
  /** The editor's spelling of each open document's URI, by canonical URI. */
  private readonly spelled = new Map<string, string>();

  /** A URI from the editor, canonical; an open document's spelling is remembered for the answers. */
  fromClient(uri: string, remember = false): string {
    const canonical = canonicalUri(uri);
    if (remember) this.spelled.set(canonical, uri);
    return canonical;
  }

  forget(canonical: string): void {
    this.spelled.delete(canonical);
  }

  toClient = (uri: string): string => this.spelled.get(uri) ?? uri;
}

/**
 * Whether an editor wants markdown in a hover or completion documentation: yes unless it lists the
 * formats it takes and markdown is not its first choice (LSP: the client's order is its preference).
 */
export function prefersMarkdown(formats: readonly string[] | undefined): boolean {
  return !formats?.length || formats[0] === MarkupKind.Markdown;
}

function plain(content: MarkupContent): MarkupContent {
  return content.kind === MarkupKind.Markdown ? { kind: MarkupKind.PlainText, value: markdownToPlainText(content.value) } : content;
}

/** A hover in the format the editor takes. */
export function hoverAs(hover: Hover, markdown: boolean): Hover {
  return markdown || !MarkupContent.is(hover.contents) ? hover : { ...hover, contents: plain(hover.contents) };
}

/** A completion item's documentation in the format the editor takes. */
export function completionItemAs(item: CompletionItem, markdown: boolean): CompletionItem {
  return markdown || !MarkupContent.is(item.documentation) ? item : { ...item, documentation: plain(item.documentation) };
}

/** A RenameError as the editor shows it (the request fails with its message); anything else as it is. */
export function toResponseError(err: unknown): unknown {
  return err instanceof RenameError ? new ResponseError(ErrorCodes.InvalidRequest, err.message) : err;
}

/** The same outline as a flat list, for an editor that takes no tree of symbols (its day as the container). */
export function flatSymbols(symbols: readonly DocumentSymbol[], uri: string): SymbolInformation[] {
  return symbols.flatMap((s) => (s.children?.length ? s.children.map((c) => ({ name: c.name, kind: c.kind, location: { uri, range: c.range }, containerName: s.name })) : [{ name: s.name, kind: s.kind, location: { uri, range: s.range } }]));
}
