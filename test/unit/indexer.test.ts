import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Library } from '../../server/src/model/library';
import { childUri, Indexer, rebuildDue, ScanProgress, uriOf } from '../../server/src/ingest/indexer';
import type { FileLoader } from '../../server/src/ingest/fileLoader';
import { loadFileSync } from '../../server/src/ingest/loadFile';
import { parseFile } from '../../server/src/parse/parseFile';
import { DEFAULT_SETTINGS } from '../../server/src/shared/settings';
import { resolveUserFiles } from '../../server/src/ingest/userFiles';

const OUTSIDE = 'not read: it is a symbolic link, or lies under one, that leads outside the workspace folders';

/** The indexer against a real temporary folder: what it reads, skips and says. */
describe('indexer on a real folder', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-idx-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-outside-'));
    fs.mkdirSync(path.join(root, 'notes'));
    fs.writeFileSync(path.join(root, 'notes/good.md'), '---\ncitekey: good2024\ntitle: A Good Paper\n---\n');
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  function make(settings = DEFAULT_SETTINGS) {
    const lines: string[] = [];
    const library = new Library();
    const folder = { uri: uriOf(root), fsPath: root, realPath: fs.realpathSync(root) };
    return { library, lines, indexer: new Indexer(library, [folder], settings, { log: (l) => lines.push(l) }) };
  }

  it('skips binary files and files over the size limit with a log line; the rest is indexed', async () => {
    fs.writeFileSync(path.join(root, 'notes/binary.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    fs.mkdirSync(path.join(root, 'digests'));
    fs.writeFileSync(path.join(root, 'digests/huge.txt'), 'x'.repeat(2 * 1024 * 1024));
    const { library, lines, indexer } = make({ ...DEFAULT_SETTINGS, maxFileSizeMB: 1 });
    await indexer.scan();
    assert.ok(library.get('good2024'));
    assert.ok(lines.some((l) => /notes\/binary\.md: skipped, binary file/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /digests\/huge\.txt: skipped, 2\.0 MB is over litnotes\.maxFileSizeMB \(1\)/.test(l)), lines.join('\n'));
  });

  it('reads UTF-8 with a byte order mark and UTF-16 with or without one, as Windows tools write them', async () => {
    const json = (id: string) => JSON.stringify([{ id, type: 'book', title: `Ünïcödé Tïtle 一 of ${id}`, issued: { 'date-parts': [[2020]] } }]);
    const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
    fs.mkdirSync(path.join(root, 'refs'));
    fs.writeFileSync(path.join(root, 'refs/bom8.csl.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json('bomEight2020'))]));
    fs.writeFileSync(path.join(root, 'refs/le.csl.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json('littleEndian2020'), 'utf16le')]));
    fs.writeFileSync(path.join(root, 'refs/be.csl.json'), Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(json('bigEndian2020'))]));
    fs.writeFileSync(path.join(root, 'refs/le-unmarked.csl.json'), Buffer.from(json('unmarkedLittle2020'), 'utf16le'));
    fs.writeFileSync(path.join(root, 'refs/be-unmarked.csl.json'), utf16be(json('unmarkedBig2020')));
    fs.writeFileSync(path.join(root, 'notes/bom.md'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('---\ncitekey: bomNote2024\ntitle: A Note Saved With a Mark\n---\n')]));
    const { library, lines, indexer } = make();
    await indexer.scan();
    for (const key of ['bomEight2020', 'littleEndian2020', 'bigEndian2020', 'unmarkedLittle2020', 'unmarkedBig2020']) {
      assert.strictEqual(library.get(key)?.title, `Ünïcödé Tïtle 一 of ${key}`, `${key}: ${lines.join('\n')}`);
    }
    assert.strictEqual(library.get('bomNote2024')?.title, 'A Note Saved With a Mark');
    assert.deepStrictEqual(library.get('bomNote2024')?.note?.keyRange?.start, { line: 1, character: 9 }, 'positions as the editor counts them, without the mark');
  });

  it('says when every file is in the library, before the papers are recomputed a last time', async () => {
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(root, `notes/n${i}.md`), `---\ncitekey: n${i}\ntitle: Note ${i}\n---\n`);
    const { library, indexer } = make();
    let seen: { files: number; papersYet: boolean; dirty: boolean } | undefined;
    await indexer.scan(undefined, () => {
      seen = { files: [...library.allFiles()].length, papersYet: library.get('n4') !== undefined, dirty: library.isDirty };
    });
    assert.deepStrictEqual(seen, { files: 6, papersYet: false, dirty: true });
    assert.ok(library.get('n4'), 'recomputed after');
  });

  it('a scan ends with papers for every file even when an edit\'s recompute was under way as it ended', async () => {
    const { library, indexer } = make();
    await indexer.scan();
    fs.writeFileSync(path.join(root, 'notes/pulled.md'), '---\ncitekey: pulled2024\ntitle: Arrived With a Git Pull\n---\n');
    // An edit's recompute, in slices, started before the scan: it covers only the files it saw.
    library.setFile(parseFile(uriOf(path.join(root, 'elsewhere/other.md')), 'elsewhere/other.md', 'note', '---\ncitekey: other2024\ntitle: Another\n---\n').entry);
    const steps = library.rebuildInSteps()!;
    steps.next();
    assert.ok(library.isRebuilding);
    const scanned = indexer.scan();
    let editDone = false;
    const edit = (async () => { for (const _ of steps) await new Promise((r) => setTimeout(r, 5)); editDone = true; })();
    await scanned;
    assert.ok(library.get('pulled2024'), 'the paper is there when the scan resolves');
    assert.ok(editDone, 'the scan waited for the edit\'s recompute');
    assert.strictEqual(library.isDirty, false);
    await edit;
  });

  it('a file deleted between listing and reading is logged, not fatal', async () => {
    fs.writeFileSync(path.join(root, 'notes/vanishing.md'), '---\ncitekey: gone\n---\n');
    const { library, lines, indexer } = make();
    const realReaddir = fs.promises.readdir;
    // Delete the file just after the scan has listed its folder: a real ENOENT from the real fs.
    (fs.promises as { readdir: unknown }).readdir = async (...args: unknown[]) => {
      const entries = await (realReaddir as (...a: unknown[]) => Promise<unknown>)(...args);
      if (String(args[0]).endsWith('notes')) fs.rmSync(path.join(root, 'notes/vanishing.md'), { force: true });
      return entries;
    };
    try {
      await indexer.scan();
    } finally {
      (fs.promises as { readdir: unknown }).readdir = realReaddir;
    }
    assert.ok(lines.some((l) => l === 'notes/vanishing.md: deleted before it could be read'), lines.join('\n'));
    assert.strictEqual(library.get('gone'), undefined);
    assert.ok(library.get('good2024'));
  });

  it('a file changed or deleted while the scan holds an older read of it keeps the newer state', async () => {
    fs.writeFileSync(path.join(root, 'notes/other.md'), '---\ncitekey: other2024\ntitle: Old Title\n---\n');
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    // Reads every file at once, like a parse worker running ahead, and hands them over only later.
    const slowLoader: FileLoader = {
      async *load(files, maxMB) {
        const loaded = files.map((f) => loadFileSync(f, maxMB));
        await released;
        yield* loaded;
      },
    };
    const lines: string[] = [];
    const library = new Library();
    const folder = { uri: uriOf(root), fsPath: root, realPath: fs.realpathSync(root) };
    const indexer = new Indexer(library, [folder], DEFAULT_SETTINGS, { log: (l) => lines.push(l) }, slowLoader);
    const scan = indexer.scan();
    await new Promise((r) => setTimeout(r, 50));
    fs.writeFileSync(path.join(root, 'notes/other.md'), '---\ncitekey: other2024\ntitle: New Title\n---\n');
    await indexer.fileChanged(uriOf(path.join(root, 'notes/other.md')));
    fs.rmSync(path.join(root, 'notes/good.md'));
    indexer.fileDeleted(uriOf(path.join(root, 'notes/good.md')));
    release();
    await scan;
    assert.strictEqual(library.get('other2024')?.title, 'New Title');
    assert.strictEqual(library.get('good2024'), undefined, 'a deleted note does not come back');
  });

  it('does not follow symbolic links that lead outside the workspace', async () => {
    fs.writeFileSync(path.join(outside, 'secret.md'), '---\ncitekey: secret\ntitle: Outside\n---\n');
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'notes/link.md'));
    fs.symlinkSync(outside, path.join(root, 'notes/linked-folder'));
    fs.symlinkSync(path.join(root, 'notes/good.md'), path.join(root, 'notes/inside-link.md'));
    const { library, lines, indexer } = make();
    await indexer.scan();
    assert.strictEqual(library.get('secret'), undefined);
    assert.ok(lines.includes(`notes/link.md: ${OUTSIDE}`), lines.join('\n'));
    assert.ok(lines.includes(`notes/linked-folder: ${OUTSIDE}`), lines.join('\n'));
    assert.ok(library.get('good2024'), 'a link inside the workspace is fine');
    for (const f of library.allFiles()) assert.ok(f.uri.startsWith(uriOf(root)), f.uri);
  });

  it('the same path rule for file events, opened and closed documents: nothing outside is read, with the same log line', async () => {
    fs.writeFileSync(path.join(outside, 'secret.md'), '---\ncitekey: secret\ntitle: Outside\n---\nSecret body.\n');
    const { library, lines, indexer } = make();
    await indexer.scan();
    // Made after the scan, as a `git pull` or another program would: the editor reports them as created.
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'notes/link.md'));
    fs.symlinkSync(outside, path.join(root, 'notes/linked-folder'));
    await indexer.fileChanged(uriOf(path.join(root, 'notes/link.md')));
    await indexer.fileChanged(uriOf(path.join(root, 'notes/linked-folder/secret.md')));
    assert.strictEqual(indexer.setOverride(uriOf(path.join(root, 'notes/link.md')), fs.readFileSync(path.join(outside, 'secret.md'), 'utf8')), false);
    await indexer.clearOverride(uriOf(path.join(root, 'notes/link.md')));
    library.rebuild();
    assert.strictEqual(library.get('secret'), undefined);
    assert.deepStrictEqual([...library.allFiles()].map((f) => f.relativePath), ['notes/good.md']);
    assert.deepStrictEqual(lines.filter((l) => l.includes(OUTSIDE)), [`notes/link.md: ${OUTSIDE}`, `notes/linked-folder/secret.md: ${OUTSIDE}`, `notes/link.md: ${OUTSIDE}`]);
    // A note replaced by such a link leaves the library.
    fs.rmSync(path.join(root, 'notes/good.md'));
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'notes/good.md'));
    await indexer.fileChanged(uriOf(path.join(root, 'notes/good.md')));
    library.rebuild();
    assert.strictEqual(library.get('good2024'), undefined);
    assert.strictEqual(library.get('secret'), undefined);
  });

  it('indexes an empty note by its file name, and markdown with a citekey anywhere', async () => {
    fs.writeFileSync(path.join(root, 'notes/empty-note.md'), '');
    fs.writeFileSync(path.join(root, 'elsewhere.md'), '---\ncitekey: stray2023\ntitle: Stray Note\n---\n');
    fs.writeFileSync(path.join(root, 'README.md'), '# Not a note\n\nCites [@good2024].\n');
    const { library, lines, indexer } = make();
    await indexer.scan();
    assert.strictEqual(library.get('empty-note')!.title, 'empty-note');
    assert.ok(lines.some((l) => /empty note/.test(l)));
    assert.strictEqual(library.get('stray2023')!.title, 'Stray Note');
    assert.strictEqual(library.file(uriOf(path.join(root, 'README.md')))!.kind, 'draft');
    assert.strictEqual(library.citationsOf(library.get('good2024')!).size, 1);
  });

  it('files with awkward names get the same uri and relative path as the editor gives them', async () => {
    const names = ['plain-note_1.md', 'with space.md', 'per%cent.md', 'hash#tag.md', 'what?.md', 'ünïcode.md', 'semi;colon.md', 'a+b=c.md', "it's.md", '[x].md'];
    fs.mkdirSync(path.join(root, 'sub folder/ñ'), { recursive: true });
    for (const dir of ['notes', 'sub folder/ñ']) {
      for (const name of names) fs.writeFileSync(path.join(root, dir, name), `---\ntitle: ${name}\n---\n`);
    }
    const { library, indexer } = make();
    await indexer.scan();
    for (const dir of ['notes', 'sub folder/ñ']) {
      for (const name of names) {
        const entry = library.file(uriOf(path.join(root, dir, name)));
        assert.ok(entry, `${dir}/${name} is indexed under the uri the editor uses`);
        assert.strictEqual(entry.relativePath, `${dir}/${name}`);
      }
    }
  });

  it('exclude globs keep folders out', async () => {
    fs.mkdirSync(path.join(root, 'node_modules/pkg/notes'), { recursive: true });
    fs.writeFileSync(path.join(root, 'node_modules/pkg/notes/x.md'), '---\ncitekey: vendored\n---\n');
    const { library, indexer } = make();
    await indexer.scan();
    assert.strictEqual(library.get('vendored'), undefined);
  });
});

describe('a file uri from its folder uri', () => {
  it('is what a URL built from the whole path gives, whatever the name and folder', () => {
    const folders = ['/', '/work', '/work/with space', '/wörk/100%', '/a#b/c?d'];
    const names = ['note.md', 'A-Z_0.9.md', '.hidden', 'x y.md', '%41.md', 'a#b.md', 'q?.md', 'é.md', 'e\u0301.md', 'tab\tname.md', 'back\\slash.md', '~tilde.md', '..x'];
    for (const dir of folders) {
      for (const name of names) {
        const full = path.posix.join(dir, name);
        assert.strictEqual(childUri(uriOf(dir), name, full), uriOf(full), JSON.stringify({ dir, name }));
      }
    }
  });
});

describe('when the scan recomputes papers before it is done', () => {
  // 500 of 2,000 files in after 4 s: about 12 s to go.
  const base: ScanProgress = { sinceLast: 400, lastCost: 40, sources: 5000, sourcesAtLast: 1000, elapsed: 4000, filesDone: 500, filesLeft: 1500, wanted: true };

  it('recomputes as soon as there are papers, so completion has some early', () => {
    assert.strictEqual(rebuildDue({ ...base, lastCost: 0, sourcesAtLast: 0, sources: 0, sinceLast: 300 }), false, 'nothing to show yet');
    assert.strictEqual(rebuildDue({ ...base, lastCost: 0, sourcesAtLast: 0, sources: 12, sinceLast: 300 }), true);
    assert.strictEqual(rebuildDue({ ...base, lastCost: 0, sourcesAtLast: 0, sources: 12, sinceLast: 100 }), false, 'not in the first 250 ms');
  });

  it('but only once a request has looked up papers, however long the scan runs', () => {
    const early = { ...base, lastCost: 0, sourcesAtLast: 0, sources: 12, sinceLast: 300, elapsed: 300 };
    assert.strictEqual(rebuildDue({ ...early, wanted: false }), false, 'nobody asked: the last recompute is the only one');
    assert.strictEqual(rebuildDue({ ...early, wanted: true }), true);
    assert.strictEqual(rebuildDue({ ...early, wanted: false, elapsed: 9000, sinceLast: 9000 }), false, 'a long scan nobody asked of: still only the last');
  });

  it('then only when the papers have doubled and the recompute is cheap against what the scan has left', () => {
    assert.strictEqual(rebuildDue(base), true);
    assert.strictEqual(rebuildDue({ ...base, sources: 1900 }), false, 'not doubled');
    assert.strictEqual(rebuildDue({ ...base, sinceLast: 200 }), false, 'too soon after the last');
    assert.strictEqual(rebuildDue({ ...base, lastCost: 100, sinceLast: 500 }), false, 'less than six times its cost since the last');
    // 5x the sources of a 40 ms recompute: ~200 ms, against ~210 ms left.
    assert.strictEqual(rebuildDue({ ...base, filesDone: 1900, filesLeft: 100 }), false, 'the scan is nearly done');
    assert.strictEqual(rebuildDue({ ...base, elapsed: 2900, sinceLast: 2000 }), false, 'a scan this short (a warm start) may end any moment');
  });
});

describe('bibliography files the user names (litnotes.bibliographyFiles)', () => {
  it('are absolute paths or from ~; a relative path is refused with the reason; each is read once', () => {
    const { paths, refused } = resolveUserFiles(['~/Zotero/My Library.bib', '/data/refs.json', '  ', 'refs.bib', '/data/../data/refs.json', '~'], '/home/ada');
    assert.deepStrictEqual(paths, [path.join('/home/ada', 'Zotero/My Library.bib'), '/data/refs.json', '/home/ada']);
    assert.deepStrictEqual(refused, ['refs.bib: not an absolute path (write it from / or ~/)']);
    const many = resolveUserFiles(Array.from({ length: 40 }, (_, i) => `/r/${i}.bib`), '/h');
    assert.deepStrictEqual([many.paths.length, many.refused], [32, ['8 more files: at most 32 are read']]);
  });
});
