/**
 * What the user pasted into Add Paper: an arXiv id or link, a DOI or doi.org link, or a Daily
 * Papers (Hugging Face papers) link. Pure, no network.
 */
import { ARXIV_DOI } from '../../../server/src/shared/rules';

export type PaperRef = { kind: 'arxiv'; id: string } | { kind: 'doi'; doi: string } | { kind: 'dailyPapers'; id: string };

/** New-style arXiv ids (`2401.00001`, `0704.0001`, with a version) and old-style ones (`hep-th/9901001`). */
const ARXIV_NEW = /^(\d{4}\.\d{4,5})(v\d+)?$/;
const ARXIV_OLD = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/;
const DOI = /^(10\.\d{4,9}\/\S+)$/;

export function recognizePaper(input: string): PaperRef | undefined {
  let text = input.trim().replace(/^<|>$/g, '');
  if (!text || text.length > 2000) return undefined;
  text = text.replace(/^arxiv:\s*/i, 'arXiv:');
  if (/^arXiv:/.test(text)) return arxiv(text.slice(6));
  if (/^doi:\s*/i.test(text)) return doi(text.replace(/^doi:\s*/i, ''));
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try { url = new URL(text); } catch { return undefined; }
    const host = url.hostname.toLowerCase().replace(/^www\./, '');
    const path = decodeURIComponent(url.pathname);
    if (host === 'arxiv.org' || host === 'export.arxiv.org' || host.endsWith('.arxiv.org')) {
      const m = /^\/(?:abs|pdf|html)\/(.+?)(?:\.pdf)?\/?$/.exec(path);
      return m ? arxiv(m[1]) : undefined;
    }
    if (host === 'doi.org' || host === 'dx.doi.org') return doi(path.slice(1));
    if (host === 'huggingface.co' || host === 'hf.co') {
      const m = /^\/papers\/([^/]+)\/?$/.exec(path);
      const id = m && arxiv(m[1]);
      return id ? { kind: 'dailyPapers', id: id.id } : undefined;
    }
    return undefined;
  }
  return arxiv(text) ?? doi(text);
}

function arxiv(text: string): { kind: 'arxiv'; id: string } | undefined {
  const t = text.trim();
  const m = ARXIV_NEW.exec(t);
  // Four digits after the month until 2014, five since 2015 (1501).
  if (m) return m[1].length === (Number(m[1].slice(0, 4)) >= 1501 ? 10 : 9) ? { kind: 'arxiv', id: m[1] } : undefined;
  const old = ARXIV_OLD.exec(t);
  return old ? { kind: 'arxiv', id: old[1] } : undefined;
}

function doi(text: string): PaperRef | undefined {
  const m = DOI.exec(text.trim().replace(/[.,;]+$/, ''));
  if (!m) return undefined;
  // arXiv's own DOIs (DataCite's, which Crossref does not know) name an arXiv paper.
  const arxivDoi = ARXIV_DOI.exec(m[1]);
  return (arxivDoi && arxiv(arxivDoi[1])) || { kind: 'doi', doi: m[1] };
}
