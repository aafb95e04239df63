import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import picomatch = require('picomatch');
import { DEFAULT_SETTINGS } from '../../server/src/shared/settings';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Whether .vscodeignore (an allow-list: everything out, `!pattern` back in) puts a file in the VSIX. */
function packaged(rel: string): boolean {
  const rules = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  let included = true;
  for (const rule of rules) {
    const back = rule.startsWith('!');
    if (picomatch(back ? rule.slice(1) : rule, { dot: true })(rel)) included = back;
  }
  return included;
}

describe('the extension manifest', () => {
  it('the walkthrough\'s pages exist and are packaged, and its commands and view are contributed', () => {
    const commands = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.ok(walkthrough.steps.length >= 3);
    for (const step of walkthrough.steps) {
      const page: string = step.media.markdown;
      assert.ok(fs.existsSync(path.join(ROOT, page)), page);
      assert.ok(packaged(page), `${page} is left out of the VSIX`);
      for (const [, command] of (step.description as string).matchAll(/\(command:([\w.]+)/g)) {
        // Ours, the workbench's, or the built-in Markdown extension's preview (always there in VS Code).
        assert.ok(commands.has(command) || command.startsWith('workbench.') || command === 'litnotes.topics.focus' || command === 'markdown.showPreviewToSide', command);
      }
    }
    assert.ok(!packaged('test/fixtures/vaults/obsidian/papers/lora.md'));
  });

  it('packages every bundle the build makes, the native memory helper among them, and no source map', () => {
    for (const file of ['extension.js', 'server.js', 'searchWorker.js', 'topicsWorker.js', 'parseWorker.js', 'nativeMemory.node']) {
      assert.ok(packaged(`dist/${file}`), `dist/${file} is left out of the VSIX`);
    }
    assert.ok(!packaged('dist/server.js.map'));
  });

  it('the exclude setting\'s default is the server\'s, and categories describe it', () => {
    assert.deepStrictEqual(manifest.contributes.configuration.properties['litnotes.exclude'].default, DEFAULT_SETTINGS.exclude);
    assert.ok(!manifest.categories.includes('Notebooks'));
  });
});
