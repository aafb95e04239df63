import MarkdownIt = require('markdown-it');
import { citationLinksPlugin } from './citationPreview';
import { escapeHtml } from './escapeHtml';

/**
 * Note bodies in the reader, rendered by markdown-it (CommonMark, with tables and strikethrough). It
 * escapes text once and builds the HTML from its tokens, never reading its own output again. Here:
 * - raw HTML is off: it shows as text;
 * - a link is made only to an http(s) URL (written as a link, an autolink or a bare URL);
 *   anything else stays text;
 * - images are off (the page may load nothing from outside): `![x](u)` reads as `!` and a link;
 * - `[[key]]`, `[[key|label]]` and `[[key#heading]]` link to the paper, through an inline rule, and so
 *   do the keys of a pandoc citation (`[see @a, p. 3; @b]`: citationPreview.ts);
 * - headings are one level down (the page's h1 is the paper's title); math stays as written.
 * Every anchor has only the reader's own attributes: href, class, and title (outside links) or
 * data-key (paper links). Pure (no vscode), so it is unit-tested.
 */

export { escapeHtml };

/** The longest wikilink target or label (as the server's citation finder). */
const MAX_WIKILINK = 256;
const WIKILINK = new RegExp(`^([^\\[\\]|#\\n]{1,${MAX_WIKILINK}})(#[^\\[\\]|\\n]{0,${MAX_WIKILINK}})?(?:\\|([^\\[\\]\\n]{0,${MAX_WIKILINK}}))?$`);

/** `[[key]]`, `[[key#heading]]`, `[[key|label]]` at the current position, as a `paper_link` token. */
function wikilink(state: MarkdownIt.StateInline, silent: boolean): boolean {
  const start = state.pos;
  if (state.src.charCodeAt(start) !== 0x5b || state.src.charCodeAt(start + 1) !== 0x5b) return false;
  // Looked for within the longest possible wikilink only, so a line of `[[` costs no more than its length.
  const close = state.src.slice(start + 2, start + 2 + 3 * MAX_WIKILINK + 4).indexOf(']]');
  if (close < 0 || start + 2 + close > state.posMax) return false;
  const m = WIKILINK.exec(state.src.slice(start + 2, start + 2 + close));
  const key = m?.[1].trim();
  if (!m || !key) return false;
  if (!silent) {
    const token = state.push('paper_link', 'a', 0);
    token.meta = { key, label: m[3]?.trim() || key };
  }
  state.pos = start + 2 + close + 2;
  return true;
}

function createRenderer(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
  md.disable('image');
  md.validateLink = (url) => /^https?:\/\//i.test(url);
  md.inline.ruler.before('link', 'wikilink', wikilink);
  md.use(citationLinksPlugin);
  const rules = md.renderer.rules;
  rules.paper_link = (tokens, idx) => {
    const { key, label } = tokens[idx].meta as { key: string; label: string };
    return `<a href="#" class="paper-link" data-key="${escapeHtml(key)}">${escapeHtml(label)}</a>`;
  };
  rules.link_open = (tokens, idx, options, _env, self) => {
    const t = tokens[idx];
    const title = t.attrGet('title');
    t.attrs = [['href', t.attrGet('href') ?? ''], ['class', 'external'], ...(title ? [['title', title] as [string, string]] : [])];
    return self.renderToken(tokens, idx, options);
  };
  for (const rule of ['heading_open', 'heading_close']) {
    rules[rule] = (tokens, idx, options, _env, self) => {
      tokens[idx].tag = `h${Math.min(6, Number(tokens[idx].tag.slice(1)) + 1)}`;
      return self.renderToken(tokens, idx, options);
    };
  }
  // Table cells' alignment would be inline styles, which the page's policy refuses anyway.
  for (const rule of ['th_open', 'td_open']) {
    rules[rule] = (tokens, idx, options, _env, self) => {
      tokens[idx].attrs = null;
      return self.renderToken(tokens, idx, options);
    };
  }
  return md;
}

let renderer: MarkdownIt | undefined;

export function renderMarkdown(source: string): string {
  renderer ??= createRenderer();
  return renderer.render(source);
}
