import * as assert from 'assert';
import { parseFile } from '../../server/src/parse/parseFile';
import { Classifier } from '../../server/src/parse/classify';
import { DEFAULT_SETTINGS } from '../../server/src/shared/settings';
import { exampleLibraryFiles, libraryOf, uriFor } from './helpers';
import { describeTitle } from '../../server/src/model/keys';
import { PackedDigestSource } from '../../server/src/model/packedDigest';
import { authorTokens } from '../../server/src/parse/authors';
import { rankPapers, searchTextIsCurrent } from '../../server/src/model/match';

describe('library: merging notes and digest entries', () => {
  const lib = libraryOf(exampleLibraryFiles());

  it('a note and a digest entry with the same normalized title are one paper; the note key is primary', () => {
    const paper = lib.get('jiang2024kasa')!;
    assert.ok(paper);
    assert.strictEqual(lib.get('kasa'), paper, 'the digest key stays as an alias');
    assert.deepStrictEqual(paper.aliases, ['kasa']);
    assert.strictEqual(paper.digests.length, 2, 'both digests (Sep 8 text, Sep 9 markdown) merge in');
    assert.match(lib.text(paper.abstract)!, /^The increasing sizes of large language models \(LLMs\) result in significant computational overhead and memory usage/, 'abstract from the earliest digest');
    assert.match(lib.text(paper.summary)!, /^SVD-based PEFT/, "the note's own summary is kept too");
    assert.strictEqual(paper.definition.uri, 'file:///ws/notes/jiang2024kasa.md');
  });

  it('a note and a JSON digest entry with the same arXiv id are one paper', () => {
    const paper = lib.get('DART_2025')!;
    assert.strictEqual(paper.digests.length, 1);
    assert.ok(paper.aliases[0].startsWith('stop-looking-important'));
    assert.deepStrictEqual(paper.authors, ['Zichen Wen', 'Yifeng Gao'], 'authors from the JSON digest fill in');
    assert.match(lib.text(paper.abstract)!, /^Vision tokens/);
    assert.match(lib.text(paper.summary)!, /^Token reduction/);
  });

  it("a note's abstract field wins over the digest", () => {
    const l = libraryOf({
      'notes/x.md': '---\ncitekey: x2024\ntitle: "RewardBench 2: Advancing Reward Model Evaluation"\nabstract: Mine.\n---\nMy summary.\n',
      'digests/d.txt': 'Sep 8\n\nRewardBench 2: Advancing Reward Model Evaluation\n\nDigest abstract. Two sentences.\n',
    });
    assert.strictEqual(l.get('x2024')!.abstract, 'Mine.');
    assert.strictEqual(l.get('x2024')!.summary, 'My summary.');
    assert.strictEqual(l.get('rewardbench-2'), l.get('x2024'));
  });

  it("a paper gathers its note's and digests' code links once each, and no source's own list changes", () => {
    const l = libraryOf({
      'notes/x.md': '---\ncitekey: x2024\ntitle: "RewardBench 2: Advancing Reward Model Evaluation"\ncode: https://github.com/a/one\n---\n',
      'digests/d.txt': 'Sep 8\n\nRewardBench 2: Advancing Reward Model Evaluation\n\nCode at https://github.com/a/one and https://github.com/b/two.\n',
      'digests/e.txt': 'Sep 9\n\nRewardBench 2: Advancing Reward Model Evaluation\n\nCode at https://github.com/c/three.\n',
    });
    const paper = l.get('x2024')!;
    assert.deepStrictEqual(paper.codeUrls, ['https://github.com/a/one', 'https://github.com/b/two', 'https://github.com/c/three']);
    assert.deepStrictEqual(paper.note!.codeUrls, ['https://github.com/a/one']);
    assert.deepStrictEqual(paper.digests.map((d) => d.codeUrls), [['https://github.com/a/one', 'https://github.com/b/two'], ['https://github.com/c/three']]);
    const digestOnly = libraryOf({
      'digests/d.txt': 'Sep 8\n\nA Digest Paper\n\nCode at https://github.com/b/two.\n',
      'digests/e.txt': 'Sep 9\n\nA Digest Paper\n\nCode at https://github.com/c/three.\n',
    }).get('digest-paper')!;
    assert.deepStrictEqual(digestOnly.codeUrls, ['https://github.com/b/two', 'https://github.com/c/three']);
    assert.deepStrictEqual(digestOnly.digests.map((d) => d.codeUrls), [['https://github.com/b/two'], ['https://github.com/c/three']]);
  });

  it('one key claimed by two different papers is a problem on both notes', () => {
    const l = libraryOf({
      'notes/a.md': '---\ncitekey: smith2020\ntitle: One Paper\n---\n',
      'notes/b.md': '---\ncitekey: smith2020\ntitle: Another Paper\n---\n',
    });
    assert.strictEqual(l.get('smith2020')!.title, 'One Paper');
    assert.strictEqual(l.mergeProblems('file:///ws/notes/a.md')[0].code, 'duplicate-key');
    assert.match(l.mergeProblems('file:///ws/notes/b.md')[0].message, /also claimed by a different paper in file:\/\/\/ws\/notes\/a\.md/);
  });

  it('a note in a hidden folder gives way to the live note of its key, without a warning on either', () => {
    const l = libraryOf({
      '.archive/a.md': '---\ncitekey: smith2020\ntitle: An Old Draft Title\nyear: 2016\n---\n',
      'notes/b.md': '---\ncitekey: smith2020\ntitle: The Real Title\nyear: 2020\n---\n',
    });
    assert.strictEqual(l.get('smith2020')!.title, 'The Real Title');
    assert.deepStrictEqual([...l.mergeProblems('file:///ws/.archive/a.md'), ...l.mergeProblems('file:///ws/notes/b.md')], []);
  });

  it('a digest key never takes a note key: the digest paper moves to the next word', () => {
    const l = libraryOf({
      'notes/a.md': '---\ncitekey: kasa\ntitle: Something Else Entirely\n---\n',
      'digests/d.txt': 'Sep 8\n\nKaSA: Knowledge-Aware Singular-Value Adaptation\n\nAbstract. Two sentences.\n',
    });
    assert.strictEqual(l.get('kasa')!.title, 'Something Else Entirely');
    assert.strictEqual(l.get('kasa-knowledge-aware')!.title, 'KaSA: Knowledge-Aware Singular-Value Adaptation');
  });

  it('counts notes, digests and papers', () => {
    const c = lib.counts();
    assert.strictEqual(c.notes, 6);
    assert.strictEqual(c.digests, 3);
    assert.strictEqual(c.digestEntries, 89 + 2 + 2);
    // 93 digest entries + 6 notes, minus three merges: KaSA (Sep 9) into KaSA (Sep 8) into its note, DART into its note.
    assert.strictEqual(c.papers, 93 + 6 - 3);
  });
});

describe('library: whether anyone wanted papers before they were recomputed', () => {
  it('notes lookups made while files changed since the last recompute, and forgets them once it recomputes', () => {
    const library = libraryOf(exampleLibraryFiles());
    const kasa = library.get('kasa');
    assert.ok(kasa, 'the example library has kasa');
    assert.strictEqual(library.papersWanted, false, 'looking up up-to-date papers wants nothing');
    const note = library.file(kasa!.note!.uri)!;
    const digest = [...library.allFiles()].find((f) => f.kind === 'digest')!;
    const change = () => (library.file(digest.uri) ? library.removeFile(digest.uri) : library.setFile(digest));
    change();
    assert.strictEqual(library.papersWanted, false, 'a change alone wants nothing');
    library.papers();
    assert.strictEqual(library.papersWanted, true);
    library.rebuild();
    assert.strictEqual(library.papersWanted, false);
    for (const lookup of [() => library.get('kasa'), () => library.paperOfSource(note.uri, 0), () => [...library.keys()]]) {
      change();
      assert.strictEqual(library.papersWanted, false);
      lookup();
      assert.strictEqual(library.papersWanted, true);
      library.rebuild();
    }
  });
});

describe('library: a recompute keeps the papers it would make again', () => {
  const files = exampleLibraryFiles();
  const digestRel = Object.keys(files).find((rel) => rel.endsWith('.txt'))!;

  it('after another file changed, digest papers are the same objects; papers of the changed file are new; all equal a fresh library', () => {
    const library = libraryOf(files);
    const before = new Map(library.papers().map((p) => [p.key, p]));
    // A new note of its own paper: nothing else about the digests changes.
    const added = 'notes/zz-new.md';
    library.setFile(parseFile(uriFor(added), added, 'note', '---\ncitekey: zz2025new\ntitle: A Paper Nobody Else Has\n---\nBody.\n').entry);
    assert.ok(library.rebuild());
    const digestOnly = library.papers().filter((p) => !p.note && before.has(p.key));
    assert.ok(digestOnly.length > 50, `${digestOnly.length} digest papers`);
    for (const p of digestOnly) assert.strictEqual(p, before.get(p.key), `${p.key} was made again`);
    for (const p of library.papers().filter((q) => q.note)) assert.notStrictEqual(p, before.get(p.key), `${p.key}: note papers are always made again`);

    // The digest itself re-parsed (new source objects, same text): its papers are made again.
    library.setFile(parseFile(uriFor(digestRel), digestRel, 'digest', files[digestRel]).entry);
    assert.ok(library.rebuild());
    const fromDigest = library.papers().filter((p) => !p.note && p.digests.some((d) => d.uri === uriFor(digestRel)));
    assert.ok(fromDigest.length > 50);
    for (const p of fromDigest) assert.notStrictEqual(p, before.get(p.key), p.key);

    const fresh = libraryOf({ ...files, [added]: '---\ncitekey: zz2025new\ntitle: A Paper Nobody Else Has\n---\nBody.\n' });
    assert.deepStrictEqual(library.papers(), fresh.papers());
  });

  it('a digest paper that a changed note now merges with is not kept', () => {
    const library = libraryOf(files);
    const digestPaper = library.papers().find((p) => !p.note && p.digests.length === 1)!;
    const rel = 'notes/zz-merge.md';
    library.setFile(parseFile(uriFor(rel), rel, 'note', `---\ncitekey: zz2025merge\ntitle: "${digestPaper.title}"\n---\nMy note.\n`).entry);
    assert.ok(library.rebuild());
    const merged = library.get('zz2025merge')!;
    assert.strictEqual(merged.digests[0], digestPaper.digests[0], 'the note took the digest entry');
    assert.deepStrictEqual(merged.aliases, [digestPaper.key]);
    assert.strictEqual(library.get(digestPaper.key), merged, 'the digest key now leads to the note paper');
    assert.strictEqual(digestPaper.aliases.length, 0, 'the old paper was not changed');
    assert.strictEqual(digestPaper.note, undefined);
  });
});

describe('library: a paper of one digest entry', () => {
  it('reads every field from its entry, holds nothing else, and cannot be changed; its entry is packed', () => {
    const library = libraryOf(exampleLibraryFiles());
    const lone = library.papers().filter((p) => !p.note && p.entries.length === 0 && p.digests.length === 1);
    assert.ok(lone.length > 50, `${lone.length} papers of one digest entry`);
    const fields = ['title', 'authors', 'year', 'digestDate', 'arxiv', 'doi', 'url', 'codeUrls', 'abstract', 'topics', 'keywords', 'organizations', 'type', 'container', 'volume', 'issue', 'pages', 'publisher', 'issued'] as const;
    for (const p of lone) {
      const s = p.digests[0];
      // A packed entry's lists are made when read: equal, not the same arrays.
      for (const f of fields) assert.deepStrictEqual(p[f], s[f], `${p.key}: ${f}`);
      assert.deepStrictEqual([p.aliases, p.summary, p.note, p.entries], [[], undefined, undefined, []], p.key);
      assert.deepStrictEqual(p.definition, { uri: s.uri, range: { start: s.titleRange.start, end: s.titleRange.end } }, p.key);
      assert.deepStrictEqual(JSON.parse(JSON.stringify(s.titleRange)), p.definition.range, `${p.key}: its title range is written as a range`);
      assert.ok(s instanceof PackedDigestSource && Object.keys(s).length === 2, `${p.key}: its entry holds its pack and its place in it (${Object.keys(s)})`);
      assert.deepStrictEqual(p.match, { key: p.key.toLowerCase(), aliases: [], titleWords: describeTitle(s.title).titleWords, authorWords: authorTokens(s.authors).join(' ') }, p.key);
      assert.strictEqual(library.get(p.key), p);
    }
    const p = lone.find((q) => q.authors.length > 0 && q.abstract)!;
    assert.ok(Object.keys(p).length <= 2, `it holds its key and its entry only (${Object.keys(p)})`);
    assert.throws(() => { (p as { title: string }).title = 'Changed'; }, TypeError);
    assert.throws(() => p.digests.push(p.digests[0]), TypeError);
    assert.throws(() => { p.aliases = ['other']; }, TypeError);
  });
});

describe('library: what the sources of a file share', () => {
  it('every empty list is one frozen list, and the papers read the same as from unshared sources', () => {
    const files = exampleLibraryFiles();
    const library = libraryOf(files);
    const sources = [...library.allFiles()].flatMap((f) => f.sources);
    const empties = sources.flatMap((s) => [s.authors, s.topics, s.codeUrls]).filter((list) => list.length === 0);
    assert.ok(empties.length > 20, `${empties.length} empty lists`);
    assert.strictEqual(new Set(empties).size, 1, 'one list for all');
    assert.ok(Object.isFrozen(empties[0]));
    // The same files, parsed but never given to a library, hold lists of their own: read alike.
    const unshared = Object.entries(files).map(([rel, text]) => parseFile(uriFor(rel), rel, new Classifier(DEFAULT_SETTINGS).classify(rel)!, text).entry);
    const fields = (s: { uri: string; ordinal: number; authors: string[]; topics: string[]; codeUrls: string[]; digestDate?: string; dateRank?: string }) => JSON.stringify([s.uri, s.ordinal, s.authors, s.topics, s.codeUrls, s.digestDate, s.dateRank]);
    assert.deepStrictEqual(sources.map(fields).sort(), unshared.flatMap((e) => e.sources).map(fields).sort());
    const noAuthors = library.papers().find((p) => p.authors.length === 0);
    if (noAuthors) assert.ok(library.get(noAuthors.key), 'a paper without authors is found by its key');
  });
});

describe('library: an edited note is patched in place when only its own paper changes', () => {
  const files = exampleLibraryFiles();
  const rel = 'notes/jiang2024kasa.md';
  const edit = (library: ReturnType<typeof libraryOf>, text: string) => library.setFile(parseFile(uriFor(rel), rel, 'note', text).entry);
  /** Every paper, with the papers of every source, as a fresh library of the same files makes them. */
  const sameAsFresh = (library: ReturnType<typeof libraryOf>, text: string) => {
    const fresh = libraryOf({ ...files, [rel]: text });
    assert.deepStrictEqual(library.papers(), fresh.papers());
    for (const f of fresh.allFiles()) {
      f.sources.forEach((_, i) => assert.deepStrictEqual(library.paperOfSource(f.uri, i)?.key, fresh.paperOfSource(f.uri, i)?.key, `${f.uri} #${i}`));
    }
  };

  it('a note merged with digest entries, its title kept: patched at once, digests and aliases as a recompute makes them', () => {
    const library = libraryOf(files);
    const before = library.get('jiang2024kasa')!;
    assert.strictEqual(before.digests.length, 2);
    const text = files[rel].replace('SVD-based PEFT', 'Rewritten summary: SVD-based PEFT').replace('year: 2024', 'year: 2025').replace('authors: Fan Wang', 'authors: Ada Lovelace');
    edit(library, text);
    assert.strictEqual(library.isDirty, false, 'no recompute needed');
    const after = library.get('jiang2024kasa')!;
    assert.notStrictEqual(after, before);
    assert.match(library.text(after.summary)!, /^Rewritten summary/);
    assert.strictEqual(String(after.year), '2025');
    assert.strictEqual(after.authors[0], 'Ada Lovelace');
    assert.strictEqual(library.get('kasa'), after, 'the digest key still leads to it');
    assert.strictEqual(library.paperOfSource(after.digests[0].uri, after.digests[0].ordinal), after, "the digest entry's paper is the new one");
    sameAsFresh(library, text);
  });

  it('completion ranks a patched library as it ranks a fresh one (its search text patched in place)', () => {
    // 1,200 more notes, keyed after the edited one: its search text is in pieces of 500 papers, and the edit moves the later ones.
    const more: Record<string, string> = {};
    for (let i = 0; i < 1200; i++) more[`notes/generated/zz${i}.md`] = `---\ncitekey: zz${String(i).padStart(4, '0')}\ntitle: "Generated paper ${i} about lovelace number ${i % 7}"\nauthors: Author${i} Person\n---\n`;
    const files = { ...exampleLibraryFiles(), ...more };
    const library = libraryOf(files);
    rankPapers(library, 'x', 5); // completion's search text made for this version
    const text = files[rel].replace('authors: Fan Wang', 'authors: Ada Lovelace, Grace Hopper, Fan Wang');
    edit(library, text);
    assert.strictEqual(library.isDirty, false, 'patched');
    const fresh = libraryOf({ ...files, [rel]: text });
    const queries = ['ada', 'lovelace', 'hopper', 'wang', 'kasa', 'jiang', 'truthful', 'reward', 'lin', 'a', 'the', 'mixture', 'zz'];
    for (const p of fresh.papers().filter((_, i) => i % 10 === 0)) queries.push(p.key.slice(0, 3), p.key, p.title.split(' ')[0].toLowerCase());
    queries.push('zz0', 'zz1199', 'author1150', 'person', 'number');
    for (const q of queries) assert.deepStrictEqual(rankPapers(library, q, 20).map((p) => p.key), rankPapers(fresh, q, 20).map((p) => p.key), q);
    assert.ok(rankPapers(library, 'lovelace', 2000).some((p) => p.key === 'jiang2024kasa'), 'the new author is found');
  });

  it('completion\'s search text follows a retitle that parts digest entries from a note or joins them to it', () => {
    // 1,200 more notes, so that the text is in pieces, some keyed before the parted paper ("kasa") and the note, some after.
    const more: Record<string, string> = {};
    for (let i = 0; i < 1200; i++) more[`notes/generated/${['aa', 'kz', 'zz'][i % 3]}${i}.md`] = `---\ncitekey: ${['aa', 'kz', 'zz'][i % 3]}${String(i).padStart(4, '0')}\ntitle: "Generated paper ${i} about knowledge number ${i % 7}"\nauthors: Author${i} Person\n---\n`;
    const all = { ...files, ...more };
    const library = libraryOf(all);
    const queries = ['kasa', 'knowledge', 'not', 'jiang', 'aa0', 'kz1', 'zz1199', 'author11', 'person', 'svd', 'a', 'k', 'z', 'lin', 'truthful'];
    const sameRanking = (text: string) => {
      const fresh = libraryOf({ ...all, [rel]: text });
      for (const p of fresh.papers().filter((_, i) => i % 40 === 0)) queries.push(p.key.slice(0, 4), p.key);
      for (const q of queries) assert.deepStrictEqual(rankPapers(library, q, 20).map((p) => p.key), rankPapers(fresh, q, 20).map((p) => p.key), q);
    };
    rankPapers(library, 'x', 5); // the search text made for this version
    const parting = all[rel].replace('title: "KaSA: Knowledge-Aware', 'title: "Not KaSA: Knowledge-Aware');
    edit(library, parting);
    assert.strictEqual(library.isDirty, false, 'patched');
    assert.ok(searchTextIsCurrent(library), 'the search text followed the parting');
    sameRanking(parting);
    edit(library, all[rel]);
    assert.strictEqual(library.isDirty, false, 'patched');
    assert.ok(searchTextIsCurrent(library), 'the search text followed the joining');
    sameRanking(all[rel]);
  });

  it('a note merged with digest entries by title, its title changed: patched at once, the entries become the paper of their own key', () => {
    const library = libraryOf(files);
    const before = library.get('jiang2024kasa')!;
    rankPapers(library, 'x', 5);
    const text = files[rel].replace('title: "KaSA: Knowledge-Aware', 'title: "Not KaSA: Knowledge-Aware');
    edit(library, text);
    assert.strictEqual(library.isDirty, false, 'no recompute needed');
    assert.deepStrictEqual(rankPapers(library, 'kasa', 5).map((p) => p.key).sort(), ['jiang2024kasa', 'kasa']);
    const note = library.get('jiang2024kasa')!, parted = library.get('kasa')!;
    assert.notStrictEqual(parted, note);
    assert.deepStrictEqual(note.aliases, []);
    assert.strictEqual(parted.key, 'kasa');
    assert.deepStrictEqual(parted.digests, before.digests, 'both digest entries, in the same order');
    assert.strictEqual(library.paperOfSource(parted.digests[0].uri, parted.digests[0].ordinal), parted);
    sameAsFresh(library, text);
    // And back: the note takes its old title again, which the digest entries have: joined at once.
    edit(library, files[rel]);
    assert.strictEqual(library.isDirty, false, 'no recompute needed to join them either');
    const rejoined = library.get('jiang2024kasa')!;
    assert.strictEqual(library.get('kasa'), rejoined, 'the digest key leads to the note paper again');
    assert.deepStrictEqual(rejoined.aliases, ['kasa']);
    assert.deepStrictEqual(rejoined.digests, before.digests);
    assert.strictEqual(library.paperOfSource(before.digests[1].uri, before.digests[1].ordinal), rejoined);
    sameAsFresh(library, files[rel]);
  });

  it('a note merged with one digest entry by title, its title changed: the entry parts as the paper a recompute makes of it', () => {
    const lone = libraryOf(files).papers().find((p) => !p.note && p.entries.length === 0 && p.digests.length === 1 && !p.arxiv)!;
    const noteRel = 'notes/zz-lone.md';
    const note = (title: string) => `---\ncitekey: zz2025lone\ntitle: "${title}"\n---\nMy note.\n`;
    const library = libraryOf({ ...files, [noteRel]: note(lone.title) });
    assert.deepStrictEqual(library.get('zz2025lone')!.aliases, [lone.key], 'merged by title');
    library.setFile(parseFile(uriFor(noteRel), noteRel, 'note', note('A Title Nobody Else Has')).entry);
    assert.strictEqual(library.isDirty, false, 'no recompute needed');
    const parted = library.get(lone.key)!;
    assert.deepStrictEqual([parted.title, parted.note, parted.digests.map((d) => [d.uri, d.ordinal])], [lone.title, undefined, lone.digests.map((d) => [d.uri, d.ordinal])]);
    assert.deepStrictEqual(library.papers(), libraryOf({ ...files, [noteRel]: note('A Title Nobody Else Has') }).papers());
  });

  it('a note retitled to a digest paper\'s title joins it at once, as a recompute would', () => {
    const library = libraryOf(files);
    const digestPaper = library.papers().find((p) => !p.note && !p.entries.length && p.digests.length === 1 && !p.digests[0].arxiv)!;
    const lone = library.papers().find((p) => p.note && !p.digests.length && !p.entries.length && !p.note.arxiv && p.note.uri !== uriFor(rel))!;
    const loneRel = lone.note!.uri.slice(uriFor('').length);
    const text = files[loneRel].replace(/^title: .*$/m, `title: "${digestPaper.title.replace(/"/g, '\\"')}"`);
    library.setFile(parseFile(uriFor(loneRel), loneRel, 'note', text).entry);
    assert.strictEqual(library.isDirty, false, 'patched');
    const joined = library.get(lone.key)!;
    assert.deepStrictEqual(joined.aliases, [digestPaper.key]);
    assert.strictEqual(library.get(digestPaper.key), joined);
    assert.ok(!library.papers().includes(digestPaper), 'the digest paper is gone from the list');
    const fresh = libraryOf({ ...files, [loneRel]: text });
    assert.deepStrictEqual(library.papers(), fresh.papers());
    for (const f of fresh.allFiles()) f.sources.forEach((_, i) => assert.strictEqual(library.paperOfSource(f.uri, i)?.key, fresh.paperOfSource(f.uri, i)?.key, `${f.uri} #${i}`));
  });

  it('a retitle to a title of digest entries an arXiv id gathered waits for a recompute; a note with an arXiv id of its own is patched', () => {
    const withGroup = {
      ...files,
      'digests/zz-a.md': '# Daily Papers — Sep 20\n\n## Shared Id Paper One\n\nAbstract one.\nhttps://arxiv.org/abs/2509.99999\n',
      'digests/zz-b.md': '# Daily Papers — Sep 21\n\n## Shared Id Paper Two\n\nAbstract two.\nhttps://arxiv.org/abs/2509.99999\n',
    };
    const library = libraryOf(withGroup);
    const grouped = library.papers().find((p) => p.digests.some((d) => d.arxiv === '2509.99999'))!;
    assert.strictEqual(grouped.digests.length, 2, 'one paper of two titles');
    const lone = library.papers().find((p) => p.note && !p.digests.length && !p.entries.length && !p.note.arxiv)!;
    const loneRel = lone.note!.uri.slice(uriFor('').length);
    const retitle = (to: string, extra = '') => files[loneRel].replace(/^title: .*$/m, `title: "${to}"${extra}`);
    for (const d of grouped.digests) {
      library.setFile(parseFile(uriFor(loneRel), loneRel, 'note', retitle(d.title)).entry);
      assert.strictEqual(library.isDirty, true, `retitled to "${d.title}": a recompute decides`);
      assert.ok(library.rebuild());
      assert.deepStrictEqual(library.papers(), libraryOf({ ...withGroup, [loneRel]: retitle(d.title) }).papers());
      library.setFile(parseFile(uriFor(loneRel), loneRel, 'note', files[loneRel]).entry);
      library.rebuild();
    }
    // A note with an arXiv id that no digest entry has joins a lone digest paper by title alone.
    const withId = files[loneRel].replace(/^title: .*$/m, (line) => `${line}\narxiv: 2401.00001`);
    library.setFile(parseFile(uriFor(loneRel), loneRel, 'note', withId).entry);
    library.rebuild();
    const single = library.papers().find((p) => !p.note && !p.entries.length && p.digests.length === 1 && !p.digests[0].arxiv)!;
    const joining = withId.replace(/^title: .*$/m, `title: "${single.title}"`);
    library.setFile(parseFile(uriFor(loneRel), loneRel, 'note', joining).entry);
    assert.strictEqual(library.isDirty, false, 'patched');
    assert.deepStrictEqual(library.papers(), libraryOf({ ...withGroup, [loneRel]: joining }).papers());
  });

  it('a note whose title another note shares waits for a recompute (the other could take its digest entries)', () => {
    const twin = 'notes/twin.md';
    const withTwin = { ...files, [twin]: files[rel].replace('citekey: jiang2024kasa', 'citekey: twin2024kasa') };
    const library = libraryOf(withTwin);
    const text = files[rel].replace('title: "KaSA: Knowledge-Aware', 'title: "Not KaSA: Knowledge-Aware');
    edit(library, text);
    assert.strictEqual(library.isDirty, true);
    assert.ok(library.rebuild());
    const fresh = libraryOf({ ...withTwin, [rel]: text });
    assert.deepStrictEqual(library.papers(), fresh.papers());
    assert.strictEqual(library.get('kasa'), library.get('twin2024kasa'), 'the entries went to the other note');
  });

  it('a second note with the same key and title: a title change waits for a recompute, which reports the clash', () => {
    const copy = 'notes/zz-copy.md';
    const withCopy = { ...files, [copy]: files[rel] };
    const library = libraryOf(withCopy);
    assert.deepStrictEqual(library.mergeProblems(uriFor(copy)), [], 'the same paper twice: no clash yet');
    edit(library, files[rel].replace('title: "KaSA: Knowledge-Aware', 'title: "Not KaSA: Knowledge-Aware'));
    assert.strictEqual(library.isDirty, true);
    assert.ok(library.rebuild());
    assert.strictEqual(library.mergeProblems(uriFor(copy))[0]?.code, 'duplicate-key');
  });

  it('a bibliography entry of the same title that an author change lets join: waits for a recompute', () => {
    const solo = 'notes/solo.md';
    const bib = '@article{other2020,\n  title = {A Paper Nobody Else Has},\n  author = {Hopper, Grace},\n  year = {2020}\n}\n';
    const withBib = { ...files, [solo]: '---\ncitekey: solo2024\ntitle: A Paper Nobody Else Has\nauthors: Ada Lovelace\n---\nBody.\n', 'refs/library.bib': bib };
    const library = libraryOf(withBib);
    assert.notStrictEqual(library.get('other2020'), library.get('solo2024'), 'first authors differ: two papers');
    const text = withBib[solo].replace('Ada Lovelace', 'Grace Hopper');
    library.setFile(parseFile(uriFor(solo), solo, 'note', text).entry);
    assert.strictEqual(library.isDirty, true);
    assert.ok(library.rebuild());
    assert.strictEqual(library.get('other2020'), library.get('solo2024'), 'now one paper');
  });

  it('a DOI that a note gains waits for a recompute (a bibliography entry may join it)', () => {
    const library = libraryOf({ ...files, 'notes/solo.md': '---\ncitekey: solo2024\ntitle: A Paper Nobody Else Has\n---\nBody.\n' });
    library.setFile(parseFile(uriFor('notes/solo.md'), 'notes/solo.md', 'note', '---\ncitekey: solo2024\ntitle: A Paper Nobody Else Has\ndoi: 10.1000/xyz\n---\nBody.\n').entry);
    assert.strictEqual(library.isDirty, true);
    library.setFile(parseFile(uriFor('notes/solo.md'), 'notes/solo.md', 'note', '---\ncitekey: solo2024\ntitle: A Paper Nobody Else Has Either\ndoi: 10.1000/xyz\n---\nBody.\n').entry);
    assert.ok(library.rebuild());
    library.setFile(parseFile(uriFor('notes/solo.md'), 'notes/solo.md', 'note', '---\ncitekey: solo2024\ntitle: A Paper Nobody Else Has At All\ndoi: 10.1000/xyz\n---\nBody.\n').entry);
    assert.strictEqual(library.isDirty, false, 'same DOI, a title nothing else has: patched');
    assert.strictEqual(library.get('solo2024')!.title, 'A Paper Nobody Else Has At All');
  });
});

describe('library: a large file prepared a part at a time', () => {
  // A bibliography of 1,234 entries, titles repeating (some entries are the same paper as a note or as each other).
  const bib = Array.from({ length: 1234 }, (_, i) => `@article{key${i},\n  title = {Paper ${i % 600} on Things},\n  author = {Doe, Jane and Roe, Richard},\n  year = {${2000 + (i % 20)}},\n}\n`).join('\n');
  const classifier = new Classifier(DEFAULT_SETTINGS);
  const entryOf = () => parseFile(uriFor('refs/big.bib'), 'refs/big.bib', classifier.classify('refs/big.bib')!, bib).entry;
  const state = (lib: ReturnType<typeof libraryOf>) => ({
    papers: lib.papers().map((p) => ({ key: p.key, title: p.title, aliases: p.aliases, entries: p.entries.map((e) => e.key), note: p.note?.uri, range: p.definition.range })),
    counts: lib.counts(),
    problems: lib.urisWithMergeProblems().map((u) => [u, lib.mergeProblems(u).map((p) => p.message)]),
  });

  /** The example library with the bibliography set (after `prepare`, if given), recomputed; and the entry. */
  const indexed = (prepare?: (lib: ReturnType<typeof libraryOf>, entry: ReturnType<typeof entryOf>) => void) => {
    const lib = libraryOf(exampleLibraryFiles());
    const entry = entryOf();
    prepare?.(lib, entry);
    lib.setFile(entry);
    lib.rebuild();
    return { lib, entry };
  };
  const whole = indexed().lib;

  it('prepareSources ahead of setFile, in uneven parts and past the end, leaves the library as setFile alone does', () => {
    const inParts = indexed((lib, entry) => { for (const to of [1, 500, 499, 1000, 1234, 2000]) lib.prepareSources(entry, undefined, to); }).lib;
    assert.deepStrictEqual(state(inParts), state(whole));
    assert.ok(whole.papers().length > 600 + 5, 'the bibliography\'s papers are in');
  });

  it('a part left unprepared is done by setFile', () => {
    const { lib: half, entry } = indexed((lib, e) => lib.prepareSources(e, undefined, 700));
    assert.deepStrictEqual(state(half), state(whole));
    // Every source as setFile leaves it: an empty list is the shared one, whether prepared or not.
    const topics = entry.sources.map((s) => s.topics);
    assert.ok(topics.every((t) => t === topics[0] && Object.isFrozen(t)), 'every source\'s empty topics list is the shared frozen one');
  });
});
