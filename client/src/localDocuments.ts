import { isDocumentPath } from '../../server/src/shared/rules';

/**
 * Why a paper's document (a `file:` URI the server read from a note or bibliography entry) is not
 * one litnotes hands to the system to open, or undefined when it is: a local file (no host: a
 * network share would be contacted) whose name says it is a PDF, EPUB or DjVu (never a script, an
 * application or a web page, whatever a cloned repository's bibliography names). Whether it exists
 * is checked where it is opened.
 */
export function documentProblem(uri: string): string | undefined {
  let url: URL;
  try { url = new URL(uri); } catch { return 'not a file location'; }
  if (url.protocol !== 'file:') return 'not a local file';
  if (url.host !== '') return 'on a network share';
  let path: string;
  try { path = decodeURIComponent(url.pathname); } catch { return 'not a file location'; }
  if (path.includes('\0')) return 'not a file location';
  return isDocumentPath(path) ? undefined : 'not a PDF, EPUB or DjVu document';
}

/** The file name a document is shown by in a picker. */
export function documentName(uri: string): string {
  const path = (() => { try { return decodeURIComponent(new URL(uri).pathname); } catch { return uri; } })();
  return path.split('/').filter(Boolean).pop() ?? path;
}
