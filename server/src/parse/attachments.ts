import { isDocumentPath } from '../shared/rules';

/**
 * A paper's local documents (its PDF), as `file:` URIs, from what reference managers and note
 * templates write:
 * - BibTeX `file` fields: Better BibTeX's absolute paths separated by `;`
 *   (`/home/ann/Zotero/storage/AB12CD34/Vaswani - 2017 - Attention.pdf;…/Snapshot.html`), and the
 *   JabRef / Mendeley / Zotero form `description:path:type` (`Full Text PDF:files/12/x.pdf:application/pdf`),
 *   with `\:` `\;` `\\` escapes and Windows drive letters;
 * - a note's `pdf`, `file` or `attachment` fields (one or a list): a path, a `file:` URI, an
 *   Obsidian `[[x.pdf]]` or a markdown `[x](x.pdf)` link, and `file:` links to documents in its text.
 * A relative path is taken from the folder of the file that names it. Only documents (PDF, EPUB,
 * DjVu) are kept: a snapshot page or a script is never offered for opening. Network locations
 * (`\\host\share`, `//host/x`, `file://host/x`) are dropped, since opening one would reach out to
 * that host. The files are not looked for here: the editor checks that one exists before it opens it.
 */

/** At most this many documents per paper, and only paths of a sane length. */
const MAX_DOCUMENTS = 10;
const MAX_PATH = 1024;
const MAX_FIELD = 64 * 1024;

/** A path or link as written, made a `file:` URI against `baseUri` (the naming file's uri); undefined if it is none we open. */
export function documentUri(written: string, baseUri: string): string | undefined {
  let p = written.trim();
  if (!p || p.length > MAX_PATH || /[\0\r\n]/.test(p)) return undefined;
  const link = /^!?\[\[([^\]|#]+)(?:[#|][^\]]*)?\]\]$/.exec(p) ?? /^\[[^\]]*\]\(<?([^()<>]+)>?\)$/.exec(p);
  if (link) p = link[1].trim();
  let uri: string | undefined;
  if (/^file:/i.test(p)) {
    // Only a local file: no host (file://host/share is a network location).
    if (!/^file:\/\/\/|^file:\/(?!\/)/i.test(p)) return undefined;
    uri = safeUrl(p.replace(/^file:\/*/i, 'file:///'));
  } else if (/^[a-z][a-z0-9+.-]+:\/\//i.test(p)) return undefined; // http, zotero: not a local file
  else {
    p = p.replace(/\\/g, '/');
    if (p.startsWith('//') || p.startsWith('~')) return undefined; // a network share; a home folder is the shell's
    const drive = /^[A-Za-z]:\//.test(p);
    if (drive || p.startsWith('/')) uri = safeUrl('file://' + (drive ? '/' : '') + encodePath(p));
    else if (/^[^/]*:/.test(p)) return undefined; // another scheme (`javascript:`), or C:x.pdf (relative to a drive's current folder)
    else uri = safeUrl(encodePath(p), baseUri);
  }
  if (!uri || !uri.startsWith('file:///')) return undefined;
  const path = decodeURIComponentSafe(new URL(uri).pathname);
  return isDocumentPath(path) && !path.includes('\0') ? uri : undefined;
}

/** The documents a BibTeX `file` field names (see the module comment), as `file:` URIs. */
export function bibtexFileDocuments(field: string, bibUri: string): string[] {
  const out: string[] = [];
  // Ten paths of at most MAX_PATH, with their descriptions and types, fit well within this.
  for (const record of splitUnescaped(field.slice(0, MAX_FIELD), ';')) {
    const parts = splitUnescaped(record, ':');
    let path: string;
    if (parts.length >= 3) path = parts.slice(1, -1).join(':'); // description:path:type (a path's drive letter is escaped)
    else if (parts.length === 2 && /^[A-Za-z]$/.test(parts[0].trim())) path = parts.join(':'); // C:\Users\…
    else if (parts.length === 1) path = parts[0];
    else continue;
    const uri = documentUri(unescapeBibtex(path), bibUri);
    if (uri && !out.includes(uri)) out.push(uri);
    if (out.length >= MAX_DOCUMENTS) break;
  }
  return out;
}

/** The documents a note names in its front matter fields (values as read) and as `file:` links in its text. */
export function noteDocuments(values: readonly unknown[], body: string, noteUri: string): string[] {
  const out: string[] = [];
  const add = (written: string) => {
    const uri = out.length < MAX_DOCUMENTS ? documentUri(written, noteUri) : undefined;
    if (uri && !out.includes(uri)) out.push(uri);
  };
  for (const v of values) {
    for (const item of Array.isArray(v) ? v : [v]) if (typeof item === 'string') add(item);
  }
  // `[x.pdf](file:///…)` as Zotero Integration's templates write it; bounded, and one pass.
  const links = /\]\(<?(file:[^\s()<>]{1,1024})>?\)/gi;
  let m: RegExpExecArray | null;
  let seen = 0;
  while ((m = links.exec(body)) && seen++ < 100) add(m[1]);
  return out;
}

/** `text` split at each `sep` not preceded by a backslash escape. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) { current += c + text[i + 1]; i++; continue; }
    if (c === sep) { parts.push(current); current = ''; continue; }
    current += c;
  }
  parts.push(current);
  return parts;
}

/** `\:` `\;` `\\` as the characters they stand for (a lone backslash stays: a Windows separator). */
function unescapeBibtex(text: string): string {
  return text.replace(/\\([\\:;])/g, '$1');
}

/** A path's segments percent-encoded (`#`, `?`, `%` and spaces are file name characters here). */
function encodePath(p: string): string {
  return p.split('/').map((seg, i) => (i === 0 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg))).join('/');
}

function safeUrl(text: string, base?: string): string | undefined {
  try { return new URL(text, base).href; } catch { return undefined; }
}

function decodeURIComponentSafe(text: string): string {
  try { return decodeURIComponent(text); } catch { return text; }
}
