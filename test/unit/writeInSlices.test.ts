import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeInSlices } from '../../server/src/runtime/writeInSlices';

describe('writeInSlices', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-write-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('two writes of one file at once each finish, the file is one of them whole, and no temporary file is left', async () => {
    const file = path.join(dir, 'refs.bib');
    const a = Array.from({ length: 3000 }, (_, i) => `@misc{a${i}, title = {First ${i}}}\n`);
    const b = Array.from({ length: 2000 }, (_, i) => `@misc{b${i}, title = {Second ${i}}}\n`);
    await Promise.all([writeInSlices(file, a), writeInSlices(file, b)]);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text === a.join('') || text === b.join(''), 'one write whole, not a mix of both');
    assert.deepStrictEqual(fs.readdirSync(dir), ['refs.bib']);
  });

  it('replaces a symlink at the target instead of writing through it', async () => {
    const outside = path.join(dir, 'user-file.txt');
    fs.writeFileSync(outside, 'mine');
    const file = path.join(dir, 'refs.bib');
    fs.symlinkSync(outside, file);
    await writeInSlices(file, ['new text']);
    assert.strictEqual(fs.readFileSync(outside, 'utf8'), 'mine');
    assert.strictEqual(fs.lstatSync(file).isSymbolicLink(), false);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'new text');
  });
});
