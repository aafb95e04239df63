import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

/**
 * Entry point for the extension host (`extensionTestsPath`), the same for @vscode/test-electron and
 * for code-server. Runs every *.e2e.js beside this file with mocha and writes the results where the
 * runner looks: $LITNOTES_E2E_RESULTS, else `.e2e-results.json` in the opened workspace folder.
 */
export async function run(): Promise<void> {
  // mocha is loaded from the extension's own node_modules (dev dependency), not bundled.
  const mochaModule = require('mocha');
  const Mocha = mochaModule.Mocha ?? mochaModule.default ?? mochaModule;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, reporter: 'spec', color: false });
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.e2e.js')).sort()) mocha.addFile(path.join(__dirname, f));
  await mocha.loadFilesAsync();
  const failures: { title: string; error: string }[] = [];
  const passed: string[] = [];
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t: { fullTitle(): string }) => passed.push(t.fullTitle()));
    runner.on('fail', (t: { fullTitle(): string }, err: Error) => failures.push({ title: t.fullTitle(), error: String(err?.stack ?? err) }));
  });
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const out = process.env.LITNOTES_E2E_RESULTS || (folder ? path.join(folder, '.e2e-results.json') : undefined);
  if (out) fs.writeFileSync(out, JSON.stringify({ passed, failures }, null, 2));
  if (failures.length) throw new Error(`${failures.length} editor test(s) failed`);
}
