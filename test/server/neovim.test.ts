import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SERVER } from '../support/lspClient';
import { copyLibrary } from './server.test';

const DRIVER = path.resolve(__dirname, '../../../test/server/neovim/drive.lua');

interface Seen {
  steps: string[]; error?: string; ready: boolean;
  complete_key: string[]; complete_title_word: string[]; complete_author: string[];
  hover: string; definition: string; rename_files: string[]; shell_note: boolean;
  org_complete: string[]; org_hover: string;
}

/** The server driven by Debian's Neovim (0.7), headless, through its built-in LSP client (scripts/setup-editor-tests.sh installs it). */
describe('Neovim', function () {
  this.timeout(90000);
  let dir: string;
  let seen: Seen;
  before(async () => {
    dir = copyLibrary();
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-nvim-')), 'seen.json');
    await new Promise<void>((resolve, reject) => {
      execFile('nvim', ['--headless', '--clean', '-c', `luafile ${DRIVER}`], { env: { ...process.env, LITNOTES_SERVER: SERVER, LITNOTES_ROOT: dir, LITNOTES_OUT: out }, timeout: 80000 },
        (err, _stdout, stderr) => (err && !fs.existsSync(out) ? reject(new Error(`nvim failed (is it installed? scripts/setup-editor-tests.sh installs it): ${err.message}\n${stderr}`)) : resolve()));
    });
    seen = JSON.parse(fs.readFileSync(out, 'utf8'));
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('attaches to the example library and sees it indexed', () => {
    assert.strictEqual(seen.error, undefined, seen.error);
    assert.strictEqual(seen.ready, true);
  });

  it('the built-in completion lists keys for what is typed after [@', () => {
    assert.deepStrictEqual(seen.complete_key, ['jiang2024kasa']);
    assert.ok(seen.complete_author.includes('jiang2024kasa'), JSON.stringify(seen.complete_author));
  });

  it('hover shows the paper, definition goes to its note, rename edits the note and the drafts', () => {
    assert.match(seen.hover, /KaSA/);
    assert.ok(seen.definition.endsWith('/notes/jiang2024kasa.md'), seen.definition);
    assert.ok(seen.rename_files.includes('notes/jiang2024kasa.md') && seen.rename_files.includes('drafts/related-work.md'), JSON.stringify(seen.rename_files));
  });

  it('a note written by a shell command becomes citable with no custom request', () => {
    assert.strictEqual(seen.shell_note, true);
  });

  it('an Org draft: org-cite keys complete and hover', () => {
    assert.deepStrictEqual(seen.org_complete, ['jiang2024kasa']);
    assert.match(seen.org_hover, /Compacter/);
  });
});
