import * as fs from 'fs';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { copyLibrary, ROOT } from './codeServer';

/**
 * The same editor suite on a desktop VS Code through @vscode/test-electron. It downloads VS Code
 * unless LITNOTES_VSCODE_EXECUTABLE names one; machines without network access to VS Code's
 * downloads (like this project's CI) use the code-server runner instead.
 */
async function main(): Promise<void> {
  const folder = copyLibrary('electron');
  fs.writeFileSync(path.join(folder, '.e2e-expect.json'), JSON.stringify({ extensionPathPrefix: ROOT }));
  const resultsFile = path.join(folder, '.e2e-results.json');
  await runTests({
    vscodeExecutablePath: process.env.LITNOTES_VSCODE_EXECUTABLE || undefined,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out/test/e2e/suite/index.js'),
    launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust'],
  });
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { passed: string[]; failures: unknown[] };
  console.log(`${results.passed.length} passed, ${results.failures.length} failed`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
