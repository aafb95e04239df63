import * as assert from 'assert';
import { NOTE_BUCKETS, shardDocs, shardHash } from '../../server/src/search/documents';
import { Classifier } from '../../server/src/parse/classify';
import { DEFAULT_SETTINGS } from '../../server/src/shared/settings';
import { parseFile } from '../../server/src/parse/parseFile';
import type { Library } from '../../server/src/model/library';
import { exampleLibraryFiles, libraryOf, uriFor } from './helpers';

function note(i: number, title = `A study of topic ${i}`): string {
  return `---\ncitekey: note${i}\ntitle: "${title}"\nauthors: [Ada Lovelace]\nyear: 2024\n---\n\nNotes on paper ${i}.\n`;
}

function setText(library: Library, rel: string, text: string): void {
  const candidate = new Classifier(DEFAULT_SETTINGS).classify(rel)!;
  library.setFile(parseFile(uriFor(rel), rel, candidate, text).entry);
}

/** Every note group's documents and hash, as the full text would send them. */
function noteShards(library: Library): { docs: string[]; hash?: string }[] {
  return Array.from({ length: NOTE_BUCKETS }, (_, g) => ({
    docs: shardDocs(library, `notes:${g}`).map((d) => `${d.id} ${d.title}`),
    hash: shardHash(library, `notes:${g}`),
  }));
}

describe('note groups of the full text', () => {
  it('follow every added, changed and removed note, as a library built from scratch has them', () => {
    const files = exampleLibraryFiles();
    for (let i = 0; i < 60; i++) files[`notes/gen/n${i}.md`] = note(i);
    const library = libraryOf(files);
    assert.deepStrictEqual(noteShards(library), noteShards(libraryOf(files)));
    const groupsWithNotes = noteShards(library).filter((s) => s.docs.length).length;
    assert.ok(groupsWithNotes > 20, `60 notes spread over the groups (${groupsWithNotes} of ${NOTE_BUCKETS})`);

    const steps: [string, () => void][] = [
      ['a note added', () => { files['notes/gen/added.md'] = note(100); setText(library, 'notes/gen/added.md', files['notes/gen/added.md']); }],
      ['a note retitled', () => { files['notes/gen/n7.md'] = note(7, 'A new title'); setText(library, 'notes/gen/n7.md', files['notes/gen/n7.md']); }],
      ['a note removed', () => { delete files['notes/gen/n12.md']; library.removeFile(uriFor('notes/gen/n12.md')); }],
      ['a note emptied', () => { files['notes/gen/n20.md'] = 'no front matter, no paper'; setText(library, 'notes/gen/n20.md', files['notes/gen/n20.md']); }],
    ];
    for (const [what, change] of steps) {
      const before = noteShards(library);
      change();
      const after = noteShards(library);
      assert.deepStrictEqual(after, noteShards(libraryOf(files)), what);
      assert.notDeepStrictEqual(after, before, `${what}: some group changed`);
    }
  });
});
