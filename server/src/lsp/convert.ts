import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
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

/** A RenameError as the editor shows it (the request fails with its message); anything else as it is. */
export function toResponseError(err: unknown): unknown {
  return err instanceof RenameError ? new ResponseError(ErrorCodes.InvalidRequest, err.message) : err;
}
