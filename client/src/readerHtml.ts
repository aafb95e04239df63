import type { PaperDetails } from '../../server/src/shared/protocol';
import { escapeHtml, renderMarkdown } from './markdown';
import { isCodeUrl } from '../../server/src/shared/rules';
import { zoteroSelectUri } from './zotero';

/** Where the reader's script and style come from (webview URIs) and the CSP source and nonce. */
export interface ReaderResources {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  relativePath(uri: string): string;
}

export function makeNonce(random: (n: number) => Uint8Array): string {
  return Buffer.from(random(18)).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

const SAFE_URL = /^https:\/\/[^\s"'<>`]+$/i;

function link(href: string, label: string): string {
  return SAFE_URL.test(href) ? `<a href="${escapeHtml(href)}" class="external">${escapeHtml(label)}</a>` : '';
}

/**
 * The reader page for one paper. Every string from notes and digests is escaped (titles, authors,
 * abstracts) or rendered by the escape-first markdown renderer (note body). The page allows no
 * source but its own style file and one script carrying this render's nonce.
 */
export function readerHtml(p: PaperDetails, r: ReaderResources): string {
  const e = escapeHtml;
  const meta = [p.authors.length ? e(p.authors.join(', ')) : '', p.year ? String(p.year) : '', p.digestDate ? `digest ${e(p.digestDate)}` : ''].filter(Boolean).join(' · ');
  const links = [
    p.arxiv ? link(`https://arxiv.org/abs/${p.arxiv}`, `arXiv:${p.arxiv}`) : '',
    p.arxiv ? link(`https://arxiv.org/pdf/${p.arxiv}`, 'PDF') : '',
    p.doi ? link(`https://doi.org/${encodeURI(p.doi)}`, `doi:${p.doi}`) : '',
    ...p.codeUrls.map((u) => link(u.replace(/^http:/, 'https:'), isCodeUrl(u) ? 'code' : 'data')),
    p.url ? link(p.url.replace(/^http:/, 'https:'), 'web') : '',
  ].filter(Boolean);
  const section = (title: string, body: string) => (body ? `<section><h2>${title}</h2>${body}</section>` : '');
  const sources = [
    p.note ? `<li><a href="#" data-open="${e(p.note.uri)}" data-line="${p.note.line}">${e(r.relativePath(p.note.uri))}</a> (note)</li>` : '',
    ...p.entries.map((d) => `<li><a href="#" data-open="${e(d.uri)}" data-line="${d.line}">${e(r.relativePath(d.uri))}</a> line ${d.line + 1} (bibliography)</li>`),
    ...p.digests.map((d) => `<li><a href="#" data-open="${e(d.uri)}" data-line="${d.line}">${e(r.relativePath(d.uri))}</a> line ${d.line + 1} (digest)</li>`),
  ].join('');
  const cited = p.citedIn.map((u) => `<li><a href="#" data-open="${e(u)}" data-line="0">${e(r.relativePath(u))}</a></li>`).join('');
  const related = p.related.map((x) => `<li><a href="#" class="paper-link" data-key="${e(x.key)}">${e(x.title)}</a> <span class="key">${e(x.key)}</span></li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${r.cspSource}; script-src 'nonce-${r.nonce}'; img-src ${r.cspSource};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${e(r.styleUri)}" rel="stylesheet">
<title>${e(p.key)}</title>
</head>
<body data-key="${e(p.key)}">
<main>
<header>
<h1>${e(p.title)}</h1>
<p class="meta">${meta}</p>
<p class="key-line"><code>${e(p.key)}</code>${p.aliases.length ? ` <span class="aliases">also ${p.aliases.map((a) => `<code>${e(a)}</code>`).join(' ')}</span>` : ''}</p>
<div class="actions" role="toolbar" aria-label="Paper actions">
<button data-action="cite" title="Insert [@${e(p.key)}] into the last active editor">Insert citation</button>
${p.note ? '<button data-action="openNote">Open note</button>' : '<button data-action="createNote">Create literature note</button>'}
<button data-action="copyKey">Copy key</button>
<button data-action="copyReference" title="Copy its BibTeX, BibLaTeX or CSL entry">Copy reference</button>
${p.entries.some((x) => x.key && zoteroSelectUri(x.key)) ? '<button data-action="showInZotero" title="Select its entry in Zotero (with Better BibTeX)">Show in Zotero</button>' : ''}
${p.files.length ? `<button data-action="openDocument" title="${e(p.files.length === 1 ? 'Open the PDF its note or bibliography entry names' : `${p.files.length} local documents`)}">Open PDF</button>` : ''}
</div>
${links.length ? `<p class="links">${links.join(' · ')}</p>` : ''}
${p.topics.length ? `<p class="topics">${p.topics.map((t) => `<span class="topic">${e(t)}</span>`).join(' ')}</p>` : ''}
</header>
${section('Abstract', p.abstract ? `<p>${e(p.abstract)}</p>` : '')}
${section('Summary', p.summary && !p.note?.body ? `<p>${e(p.summary)}</p>` : '')}
${section('Note', p.note?.body?.trim() ? noteHtml(p.note.uri, p.note.body) : '')}
${section('Related papers', related ? `<ul>${related}</ul>` : '')}
${section('Cited in', cited ? `<ul>${cited}</ul>` : '<p class="muted">Not cited in any document yet.</p>')}
${section('Sources', sources ? `<ul>${sources}</ul>` : '')}
</main>
<script nonce="${r.nonce}" src="${e(r.scriptUri)}"></script>
</body>
</html>`;
}

/** A note's text: markdown rendered (escape first); an Org note (org-roam) as its text, which no markdown renderer reads right. */
function noteHtml(uri: string, body: string): string {
  return /\.org$/i.test(uri) ? `<pre class="note org">${escapeHtml(body)}</pre>` : `<article class="note">${renderMarkdown(body)}</article>`;
}
