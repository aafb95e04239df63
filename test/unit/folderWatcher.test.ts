import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FolderWatcher, WatchedChange } from '../../server/src/ingest/folderWatcher';

describe('the server-side folder watcher (editors that do not watch files)', function () {
  this.timeout(10000);
  const linux = process.platform === 'linux';

  it('watches each folder that is not excluded, never node_modules or .git, and follows folders made later', async function () {
    if (!linux) this.skip();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-watch-'));
    for (const d of ['notes/a', 'node_modules/pkg/lib', '.git/objects/aa', 'digests']) fs.mkdirSync(path.join(root, d), { recursive: true });
    const batches: WatchedChange[][] = [];
    const watcher = new FolderWatcher((c) => batches.push(c), (rel) => /(^|\/)(node_modules|\.git)(\/|$)/.test(rel), () => undefined);
    try {
      watcher.watch([root]);
      const watched = watcher.watchedFolders.map((f) => path.relative(root, f) || '.').sort();
      assert.deepStrictEqual(watched, ['.', 'digests', 'notes', 'notes/a']);
      fs.mkdirSync(path.join(root, 'notes/new'));
      await new Promise((r) => setTimeout(r, 100));
      fs.writeFileSync(path.join(root, 'notes/new/later.md'), '---\ncitekey: later\n---\n');
      fs.writeFileSync(path.join(root, 'node_modules/pkg/lib/x.md'), 'ignored');
      const deadline = Date.now() + 5000;
      const reported = () => batches.flat().map((c) => path.relative(root, c.path));
      while (!reported().includes('notes/new/later.md') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(reported().includes('notes/new/later.md'), `reported: ${reported().join(', ')}`);
      assert.ok(watcher.watchedFolders.includes(path.join(root, 'notes/new')));
      assert.ok(!reported().some((p) => p.startsWith('node_modules')), 'nothing from node_modules');
      fs.rmSync(path.join(root, 'notes/new'), { recursive: true });
      const gone = Date.now() + 5000;
      while (watcher.watchedFolders.includes(path.join(root, 'notes/new')) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
      assert.ok(!watcher.watchedFolders.includes(path.join(root, 'notes/new')), 'a deleted folder is no longer watched');
    } finally {
      watcher.dispose();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
