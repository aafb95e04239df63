/**
 * Rules the server and the client both apply, in one place (the client imports this module; it
 * imports nothing).
 */

/** Whether a link goes to code (a repository, a model) rather than data: "code" or "data" in hovers and the reader. */
export function isCodeUrl(url: string): boolean {
  if (/huggingface\.co\/datasets\//i.test(url)) return false;
  return /^https?:\/\/(www\.)?(github\.com|gitlab\.com|huggingface\.co|bitbucket\.org|codeberg\.org)\//i.test(url);
}

/**
 * Plain words typed incrementally (Ctrl+T, completion, the paper pickers) also match the word still
 * being typed: `text embed` -> `text embed embed*`. The whole word stays in the query because lunr
 * does not stem wildcard terms (`kronecker*` would miss the indexed stem `kroneck`). A query in
 * lunr's syntax is left as it is.
 */
export function incrementalQuery(text: string): string {
  const q = text.trim().replace(/\s+/g, ' ');
  if (!q || /[:+\-*~^]/.test(q)) return q;
  const last = q.split(' ').pop()!;
  return `${q} ${last}*`;
}

/** An arXiv DOI (`10.48550/arXiv.2409.06543`: arXiv's own, registered with DataCite, not Crossref), with the arXiv id after it. */
export const ARXIV_DOI = /^10\.48550\/arxiv\.(.+)$/i;

/**
 * Whether a local file is a document litnotes offers to open (a paper's PDF, EPUB or DjVu): by its
 * name, so that nothing a note or bibliography names (a script, an application, a web page) is ever
 * handed to the system to open. The server keeps only these, and the editor checks again.
 */
export function isDocumentPath(path: string): boolean {
  return /\.(pdf|epub|djvu?)$/i.test(path);
}

const NAMED_ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: '\u00a0' };

/**
 * Markup's character references as the characters they stand for: the named ones of XML (and
 * `&nbsp;`), and numeric ones; an unknown name stays as written, a number that is no character
 * becomes U+FFFD. For saved pages (digests) and the answers of web APIs (Add Paper) alike.
 */
export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
  });
}
