import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { recognizePaper } from '../../client/src/papers/recognize';
import { getText, NetworkError } from '../../client/src/papers/http';
import { fetchArxivListing, fetchDailyPapers, lookUpPaper, PaperSites, parseArxivAtom, splitCategories } from '../../client/src/papers/sources';
import { FIXTURES } from './helpers';

const web = (name: string) => fs.readFileSync(path.join(FIXTURES, 'web', name), 'utf8');

describe('what Add Paper recognizes', () => {
  const table: [string, ReturnType<typeof recognizePaper>][] = [
    ['1706.03762', { kind: 'arxiv', id: '1706.03762' }],
    ['arXiv:1706.03762v7', { kind: 'arxiv', id: '1706.03762' }],
    ['  https://arxiv.org/abs/2409.06543v2 ', { kind: 'arxiv', id: '2409.06543' }],
    ['https://arxiv.org/pdf/2409.06543v1.pdf', { kind: 'arxiv', id: '2409.06543' }],
    ['https://arxiv.org/pdf/2409.06543', { kind: 'arxiv', id: '2409.06543' }],
    ['http://export.arxiv.org/abs/hep-th/9901001', { kind: 'arxiv', id: 'hep-th/9901001' }],
    ['hep-th/9901001v2', { kind: 'arxiv', id: 'hep-th/9901001' }],
    ['math.GT/0309136', { kind: 'arxiv', id: 'math.GT/0309136' }],
    ['10.1145/3618260.3649777', { kind: 'doi', doi: '10.1145/3618260.3649777' }],
    ['doi:10.1038/nature14539.', { kind: 'doi', doi: '10.1038/nature14539' }],
    ['https://doi.org/10.1145/3442188.3445922', { kind: 'doi', doi: '10.1145/3442188.3445922' }],
    // arXiv's DOIs are DataCite's, unknown to Crossref: looked up on arXiv.
    ['https://dx.doi.org/10.48550/arXiv.1706.03762', { kind: 'arxiv', id: '1706.03762' }],
    ['doi:10.48550/ARXIV.hep-th/9901001', { kind: 'arxiv', id: 'hep-th/9901001' }],
    ['10.48550/arXiv.not-an-id', { kind: 'doi', doi: '10.48550/arXiv.not-an-id' }],
    ['https://huggingface.co/papers/2410.00100', { kind: 'dailyPapers', id: '2410.00100' }],
    ['attention is all you need', undefined],
    ['https://example.com/abs/1706.03762', undefined],
    ['javascript:alert(1)', undefined],
    ['1706.0376', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of table) it(JSON.stringify(input), () => assert.deepStrictEqual(recognizePaper(input), expected));
});

describe('papers from the web, against a local server that answers as the real sites do', function () {
  this.timeout(20000);
  let server: http.Server;
  let base: string;
  let sites: PaperSites;
  const served: string[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      served.push(`${url.pathname}${url.search}`);
      const send = (status: number, body: string, headers: http.OutgoingHttpHeaders = {}) => { res.writeHead(status, headers); res.end(body); };
      const id = url.searchParams.get('id_list');
      if (url.pathname === '/api/query' && id === '1706.03762') return send(200, web('arxiv-1706.03762.atom.xml'));
      if (url.pathname === '/api/query') return send(200, web('arxiv-unknown.atom.xml'));
      if (url.pathname === '/works/10.1145%2F3442188.3445922') return send(200, web('crossref-10.1145-3442188.3445922.json'));
      if (url.pathname === '/api/papers/2410.00100') return send(200, web('hf-paper-2410.00100.json'));
      if (url.pathname === '/api/daily_papers' && url.searchParams.get('date') === '2025-09-10') return send(200, fs.readFileSync(path.join(FIXTURES, 'library/digests/hf-2025-09-10.json'), 'utf8'));
      if (url.pathname === '/api/daily_papers' && url.searchParams.get('date') === '2025-09-11') return send(200, '{"error":"Invalid date"}');
      if (url.pathname === '/api/daily_papers') return send(200, '<html>not json</html>');
      if (url.pathname === '/list/cs.CL/new') return send(200, fs.readFileSync(path.join(FIXTURES, 'digests-html/arxiv-cs-cl-new.html'), 'utf8'));
      if (url.pathname === '/list/cs.XX/new') return send(200, '<html><body>Maintenance</body></html>');
      if (url.pathname === '/429') return send(429, 'slow down', { 'retry-after': '30' });
      if (url.pathname === '/503') return send(503, 'down');
      if (url.pathname === '/redirect') return send(302, '', { location: '/api/papers/2410.00100' });
      if (url.pathname === '/big') { res.writeHead(200); res.end(Buffer.alloc(3 * 1024 * 1024, 120)); return; }
      if (url.pathname === '/slow') return; // never answers
      send(404, 'not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sites = { arxiv: base, crossref: `${base}/`, dailyPapers: base };
  });
  after(() => { server.closeAllConnections(); server.close(); });

  it('an arXiv id: title, authors, date, abstract (entities decoded, lines folded), categories, links', async () => {
    const p = await lookUpPaper({ kind: 'arxiv', id: '1706.03762' }, sites);
    assert.strictEqual(p.title, 'Attention Is All You Need');
    assert.deepStrictEqual(p.authors, ['Ashish Vaswani', 'Noam Shazeer', 'Łukasz Kaiser']);
    assert.deepStrictEqual([p.year, p.published, p.arxiv, p.url], [2017, '2017-06-12', '1706.03762', 'https://arxiv.org/abs/1706.03762']);
    assert.match(p.abstract!, /^The dominant sequence transduction models .* superior in quality & more parallelizable\.$/);
    assert.deepStrictEqual(p.categories, ['cs.CL', 'cs.LG']);
  });

  it('an arXiv answer for several ids gives each paper, old-style ids and DOIs included', () => {
    const one = web('arxiv-1706.03762.atom.xml');
    const entry = one.slice(one.indexOf('<entry>'), one.indexOf('</entry>') + 8);
    const old = entry.replace(/1706\.03762v7/g, 'hep-th/9901001v1').replace('Attention Is All You Need', 'Large N Field Theories, String Theory and Gravity').replace('</summary>', '</summary>\n    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">10.1023/A:1026654312961</arxiv:doi>');
    const both = parseArxivAtom(one.replace('</feed>', `${old}\n</feed>`));
    assert.deepStrictEqual(both.map((p) => [p.arxiv, p.title, p.doi]), [['1706.03762', 'Attention Is All You Need', undefined], ['hep-th/9901001', 'Large N Field Theories, String Theory and Gravity', '10.1023/A:1026654312961']]);
  });

  it('an id arXiv does not know is said so', async () => {
    await assert.rejects(lookUpPaper({ kind: 'arxiv', id: '9999.99999' }, sites), (e: Error) => e instanceof NetworkError && /arXiv has no paper 9999\.99999/.test(e.message));
    assert.deepStrictEqual(parseArxivAtom(web('arxiv-unknown.atom.xml')), []);
  });

  it('a DOI through Crossref: its JATS abstract as text, the venue, the year', async () => {
    const p = await lookUpPaper({ kind: 'doi', doi: '10.1145/3442188.3445922' }, sites);
    assert.match(p.title, /^On the Dangers of Stochastic Parrots/);
    assert.deepStrictEqual(p.authors, ['Emily M. Bender', 'Timnit Gebru', 'Angelina McMillan-Major']);
    assert.deepStrictEqual([p.year, p.published, p.doi], [2021, '2021-03', '10.1145/3442188.3445922']);
    assert.strictEqual(p.abstract, 'The past 3 years of work in NLP have been characterized by the development and deployment of ever larger language models, especially for English.');
    assert.match(p.container!, /Fairness, Accountability/);
  });

  it('a Daily Papers link: code link and keywords', async () => {
    const p = await lookUpPaper({ kind: 'dailyPapers', id: '2410.00100' }, sites);
    assert.deepStrictEqual([p.title, p.arxiv, p.year, p.codeUrls, p.categories], ['Mixture of Experts Routing for Sparse Transformers', '2410.00100', 2024, ['https://github.com/example/moe-routing'], ['mixture of experts', 'routing', 'sparse transformers']]);
  });

  it('a day of Daily Papers comes as the site serves it; anything else is refused', async () => {
    const day = await fetchDailyPapers('2025-09-10', sites);
    assert.strictEqual(day.count, 2);
    assert.strictEqual(day.text, fs.readFileSync(path.join(FIXTURES, 'library/digests/hf-2025-09-10.json'), 'utf8'));
    await assert.rejects(fetchDailyPapers('2025-09-11', sites), /not a list of papers; nothing was written/);
    await assert.rejects(fetchDailyPapers('2025-09-12', sites), /not JSON; nothing was used/);
  });

  it('an arXiv listing comes as the site serves it, with its papers counted and its date; anything else is refused', async () => {
    const listing = await fetchArxivListing('cs.CL', sites);
    assert.deepStrictEqual([listing.count, listing.date], [4, '2026-03-19']);
    assert.strictEqual(listing.text, fs.readFileSync(path.join(FIXTURES, 'digests-html/arxiv-cs-cl-new.html'), 'utf8'));
    await assert.rejects(fetchArxivListing('cs.XX', sites), /has no papers litnotes can read; nothing was written/);
    const before = served.length;
    await assert.rejects(fetchArxivListing('../../etc', sites), /is not an arXiv category/);
    assert.strictEqual(served.length, before, 'no request for a name that is not a category');
    assert.deepStrictEqual(splitCategories(' cs.CL, cs.LG  cs.CL;stat.ML '), ['cs.CL', 'cs.LG', 'stat.ML']);
  });

  it('each way a request fails has its own message', async () => {
    const host = new URL(base).host;
    await assert.rejects(getText(`${base}/missing`), (e: Error) => e instanceof NetworkError && e.message === `${host} has no such paper or page (404).`);
    await assert.rejects(getText(`${base}/429`), /limiting requests \(429\); try again in 30 s/);
    await assert.rejects(getText(`${base}/503`), /server error \(503\); try again later/);
    await assert.rejects(getText(`${base}/big`, { maxBytes: 1024 * 1024 }), /sent more than 1 MB; nothing was used/);
    await assert.rejects(getText(`${base}/slow`, { timeoutMs: 300 }), /did not answer within 0 s|did not answer within/);
    await assert.rejects(getText('ftp://example.com/x'), /not an http\(s\) address/);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(getText(`http://127.0.0.1:${port}/`), /Could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\): are you offline/);
    assert.match(await getText(`${base}/redirect`), /Mixture of Experts Routing/, 'redirects are followed');
  });
});
