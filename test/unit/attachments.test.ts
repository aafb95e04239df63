import * as assert from 'assert';
import { bibtexFileDocuments, documentUri, noteDocuments } from '../../server/src/parse/attachments';
import { paperDetails } from '../../server/src/features/paperDetails';
import { noteTemplate } from '../../server/src/features/noteTemplate';
import { documentName, documentProblem } from '../../client/src/localDocuments';
import { readerHtml } from '../../client/src/readerHtml';
import { libraryOf } from './helpers';

const BIB = 'file:///home/ann/refs/library.bib';

describe('a paper\'s local documents (PDF attachments)', () => {
  it('reads Better BibTeX\'s paths, the JabRef / Zotero form, escapes and Windows drives; keeps documents only', () => {
    assert.deepStrictEqual(bibtexFileDocuments('/home/ann/Zotero/storage/AB12/Vaswani - 2017 - Attention #1.pdf;/home/ann/Zotero/storage/CD34/Snapshot.html', BIB),
      ['file:///home/ann/Zotero/storage/AB12/Vaswani%20-%202017%20-%20Attention%20%231.pdf'], 'spaces and # encoded; the snapshot page left out');
    assert.deepStrictEqual(bibtexFileDocuments('Full Text PDF:files/12/paper.pdf:application/pdf;Snapshot:files/13/x.html:text/html', BIB),
      ['file:///home/ann/refs/files/12/paper.pdf'], 'description:path:type, relative to the bibliography');
    assert.deepStrictEqual(bibtexFileDocuments(':C\\:/Users/ann/Papers/x.PDF:PDF', BIB), ['file:///C:/Users/ann/Papers/x.PDF'], 'JabRef escapes the drive\'s colon');
    assert.deepStrictEqual(bibtexFileDocuments('C:\\\\Users\\\\ann\\\\Zotero\\\\storage\\\\A\\\\x.pdf', BIB), ['file:///C:/Users/ann/Zotero/storage/A/x.pdf'], 'Better BibTeX on Windows');
    assert.deepStrictEqual(bibtexFileDocuments('/a/book.epub;/a/scan.djvu;/a/a\\;b.pdf;/a/book.epub', BIB), ['file:///a/book.epub', 'file:///a/scan.djvu', 'file:///a/a%3Bb.pdf'], 'an escaped ; is in the name; no duplicates');
    assert.deepStrictEqual(bibtexFileDocuments('', BIB), []);
    assert.deepStrictEqual(bibtexFileDocuments(Array.from({ length: 30 }, (_, i) => `/p/${i}.pdf`).join(';'), BIB).length, 10, 'at most ten');
  });

  it('never keeps what is not a local document: scripts, pages, network shares, web links, home-relative paths', () => {
    for (const written of ['/usr/bin/evil.sh', '/home/ann/x.pdf.desktop', '/tmp/page.html', '\\\\\\\\fileserver\\\\share\\\\x.pdf', '//fileserver/share/x.pdf', 'file://fileserver/share/x.pdf',
      'https://arxiv.org/pdf/1706.03762.pdf', 'zotero://open-pdf/library/items/AB12', '~/Papers/x.pdf', 'C:x.pdf', 'javascript:alert(1)//.pdf', 'mailto:x.pdf', 'a\0b.pdf', 'file:///tmp/x.sh%00.pdf', `/${'a'.repeat(2000)}.pdf`, '']) {
      assert.strictEqual(documentUri(written.replace(/\\\\/g, '\\'), BIB), undefined, written.slice(0, 60));
    }
    assert.strictEqual(documentUri('file:/home/ann/x.pdf', BIB), 'file:///home/ann/x.pdf');
    assert.strictEqual(documentUri('../papers/x.pdf', 'file:///ws/notes/a.md'), 'file:///ws/papers/x.pdf');
  });

  it('reads a note\'s pdf / file / attachment fields (a path, a list, [[x.pdf]], [x](x.pdf)) and file: links in its text', () => {
    const note = 'file:///ws/notes/vaswani2017.md';
    assert.deepStrictEqual(noteDocuments(['[[attention.pdf]]', ['papers/a b.pdf', '![[scan.djvu|p. 3]]'], '[the PDF](<../pdfs/x.pdf>)', 42, null], 'Read [full text](file:///home/ann/Zotero/storage/AB/x.pdf) and [site](https://x.org/y.pdf).', note), [
      'file:///ws/notes/attention.pdf', 'file:///ws/notes/papers/a%20b.pdf', 'file:///ws/notes/scan.djvu', 'file:///ws/pdfs/x.pdf', 'file:///home/ann/Zotero/storage/AB/x.pdf',
    ]);
    assert.deepStrictEqual(noteDocuments(['run.sh', 'https://x.org/a.pdf'], '[x](file:///tmp/a.html)', note), []);
  });

  it('reach the paper from its note and its bibliography entry (both, the note\'s first) and the reader\'s details', () => {
    const library = libraryOf({
      'notes/vaswani2017.md': '---\ntitle: Attention Is All You Need\ncitekey: vaswani2017\ndoi: 10.5555/3295222.3295349\npdf: "[[vaswani.pdf]]"\n---\nNotes.\n',
      'refs/library.bib': '@inproceedings{vaswani2017, title = {Attention Is All You Need}, author = {Vaswani, Ashish}, doi = {10.5555/3295222.3295349},\n  file = {/home/ann/Zotero/storage/AB12/Vaswani - 2017.pdf;/home/ann/Zotero/storage/CD34/Snapshot.html}}\n'
        + '@article{other2020, title = {Other}, author = {Doe, Jane}}\n',
    });
    const paper = library.get('vaswani2017')!;
    assert.deepStrictEqual(paper.files, ['file:///ws/notes/vaswani.pdf', 'file:///home/ann/Zotero/storage/AB12/Vaswani%20-%202017.pdf']);
    assert.deepStrictEqual(paperDetails(library, paper, []).files, paper.files);
    assert.deepStrictEqual(paperDetails(library, paper, []).entries.map((e) => e.key), ['vaswani2017'], 'the entry\'s key, for Show in Zotero');
    assert.deepStrictEqual(paperDetails(library, library.get('other2020')!, []).files, [], 'none named: an empty list');
  });

  it('a new note for a paper with an attached PDF names it (pdf:), and reads it back', () => {
    const library = libraryOf({ 'refs/library.bib': '@article{doe2020, title = {Things}, author = {Doe, Jane}, file = {/home/ann/Zotero/storage/AB12/Doe - 2020.pdf}}\n' });
    const text = noteTemplate(library.get('doe2020')!, library);
    assert.match(text, /^pdf: \/home\/ann\/Zotero\/storage\/AB12\/Doe - 2020\.pdf$/m);
    const back = libraryOf({ 'notes/doe2020.md': text, 'refs/library.bib': '@article{doe2020, title = {Things}, author = {Doe, Jane}}\n' });
    assert.deepStrictEqual(back.get('doe2020')!.files, ['file:///home/ann/Zotero/storage/AB12/Doe%20-%202020.pdf']);
  });

  it('the editor opens only local documents, and the reader offers Open PDF only when one is named', () => {
    assert.strictEqual(documentProblem('file:///home/ann/Zotero/storage/AB12/Vaswani%20-%202017.pdf'), undefined);
    assert.strictEqual(documentProblem('file:///C:/Users/ann/x.PDF'), undefined);
    assert.strictEqual(documentProblem('file:///tmp/run.sh'), 'not a PDF, EPUB or DjVu document');
    assert.strictEqual(documentProblem('file:///tmp/x.sh%00.pdf'), 'not a file location');
    assert.strictEqual(documentProblem('file://fileserver/share/x.pdf'), 'on a network share');
    assert.strictEqual(documentProblem('https://arxiv.org/pdf/1.pdf'), 'not a local file');
    assert.strictEqual(documentProblem('not a uri'), 'not a file location');
    assert.strictEqual(documentName('file:///home/ann/a%20b/Vaswani%20-%202017.pdf'), 'Vaswani - 2017.pdf');
    const details = { key: 'k', aliases: [], title: 'T', authors: [], codeUrls: [], topics: [], entries: [], digests: [], citedIn: [], related: [] };
    const resources = { cspSource: 'x', nonce: 'n', scriptUri: 's', styleUri: 'y', relativePath: (u: string) => u };
    assert.match(readerHtml({ ...details, files: ['file:///a/x.pdf'] }, resources), /<button data-action="openDocument"[^>]*>Open PDF<\/button>/);
    assert.doesNotMatch(readerHtml({ ...details, files: [] }, resources), /openDocument/);
  });
});
