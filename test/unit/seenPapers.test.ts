import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SeenPapers, unseenSteps } from '../../server/src/topics/seenPapers';

/** The keys of `keys` not seen, as the session works them out (the steps run to the end). */
function unseen(seen: SeenPapers, keys: string[]): string[] {
  const out: string[] = [];
  for (const _ of unseenSteps(keys.map((key) => ({ key })), seen, out)) { /* run to the end */ }
  return out;
}

describe('papers seen in the New group', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-seen-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the new keys are those not seen, in the library\'s order, found in steps of 1,024 papers', () => {
    const seen = new SeenPapers(undefined, () => undefined);
    seen.mark(['b', 'gone', 'd']);
    assert.deepStrictEqual(unseen(seen, ['a', 'b', 'c', 'd']), ['a', 'c']);
    const many = Array.from({ length: 3000 }, (_, i) => ({ key: `k${i}` }));
    const out: string[] = [];
    assert.strictEqual([...unseenSteps(many, seen, out)].length, 2);
    assert.strictEqual(out.length, 3000);
  });

  it('nothing is known until marked; marks are kept across restarts', async () => {
    const file = path.join(dir, 'storage', 'seen-papers');
    const first = new SeenPapers(file, () => undefined);
    assert.strictEqual(first.known(), false);
    assert.strictEqual(first.has('a'), false);
    first.mark(['a', 'b']);
    assert.strictEqual(first.known(), true);
    assert.deepStrictEqual(unseen(first, ['a', 'b', 'c']), ['c']);
    await first.written;
    const again = new SeenPapers(file, () => undefined);
    assert.strictEqual(again.known(), true);
    assert.deepStrictEqual(unseen(again, ['a', 'b', 'c', 'd']), ['c', 'd']);
    const marks = again.marks;
    again.mark(['a', 'b', 'c', 'd']);
    assert.strictEqual(again.marks, marks + 1);
    assert.deepStrictEqual(unseen(again, ['a', 'b', 'c', 'd']), []);
    await again.written;
    assert.deepStrictEqual(unseen(new SeenPapers(file, () => undefined), ['a', 'b', 'c', 'd', 'e']), ['e']);
  });

  it('without a storage folder, the list holds in memory', () => {
    const seen = new SeenPapers(undefined, () => undefined);
    assert.strictEqual(seen.known(), false);
    seen.mark(['a']);
    assert.deepStrictEqual(unseen(seen, ['a', 'b']), ['b']);
  });

  it('a list that cannot be written is said in the log and holds in memory', async () => {
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, '');
    const lines: string[] = [];
    const seen = new SeenPapers(path.join(blocked, 'seen-papers'), (l) => lines.push(l));
    seen.mark(['a']);
    await seen.written;
    assert.strictEqual(lines.length, 1);
    assert.match(lines[0], /could not be kept/);
    assert.deepStrictEqual(unseen(seen, ['a', 'b']), ['b']);
  });

  it('a damaged list is said in the log and counts as none; a symlink is replaced, not written through', async () => {
    const file = path.join(dir, 'seen-papers');
    const first = new SeenPapers(file, () => undefined);
    first.mark(['a']);
    await first.written;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('["a"]', '["b"]'));
    const lines: string[] = [];
    assert.strictEqual(new SeenPapers(file, (l) => lines.push(l)).known(), false);
    assert.strictEqual(lines.length, 1);
    assert.match(lines[0], /could not be read/);

    const user = path.join(dir, 'user-file.txt');
    fs.writeFileSync(user, 'mine');
    const linked = path.join(dir, 'linked');
    fs.symlinkSync(user, linked);
    const viaLink = new SeenPapers(linked, (l) => lines.push(l));
    assert.strictEqual(viaLink.known(), false);
    viaLink.mark(['a']);
    await viaLink.written;
    assert.strictEqual(fs.readFileSync(user, 'utf8'), 'mine');
    assert.ok(!fs.lstatSync(linked).isSymbolicLink());
    const back = new SeenPapers(linked, () => undefined);
    assert.ok(back.known() && back.has('a'));
  });
});
