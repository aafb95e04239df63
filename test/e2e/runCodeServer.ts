import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { copyLibrary, installExtension, launchBrowser, ROOT, RESULTS_DIR, startCodeServer, workbenchUrl, screenshot } from './codeServer';

/**
 * Runs the editor suite (test/e2e/suite) inside code-server's extension host, loaded through the
 * workbench's `payload` URL in headless Chromium. Pass `dev` loads the extension from this folder
 * (extensionDevelopmentPath); pass `vsix` installs the packaged VSIX with --install-extension and
 * loads only a tiny test harness as the development extension. Prints results; exits non-zero on failure.
 */

const SUITE = path.join(ROOT, 'out/test/e2e/suite/index.js');
const TIMEOUT_MS = 5 * 60 * 1000;

export interface PassResult { pass: string; passed: string[]; failures: { title: string; error: string }[] }

export async function runPass(pass: 'dev' | 'vsix', vsix?: string): Promise<PassResult> {
  const folder = copyLibrary(`e2e-${pass}`);
  const resultsFile = path.join(folder, '.e2e-results.json');
  let devPath = ROOT;
  const extensionsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-ext-'));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-ud-'));
  if (pass === 'vsix') {
    if (!vsix || !fs.existsSync(vsix)) throw new Error(`no VSIX at ${vsix}`);
    installExtension(vsix, extensionsDir, userDataDir);
    // The development extension is only a harness, so the litnotes under test is the installed VSIX.
    devPath = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-harness-'));
    fs.writeFileSync(path.join(devPath, 'package.json'), JSON.stringify({ name: 'litnotes-test-harness', publisher: 'litnotes', version: '0.0.0', engines: { vscode: '^1.85.0' } }));
  }
  // Tell the suite where the extension under test must be loaded from.
  fs.writeFileSync(path.join(folder, '.e2e-expect.json'), JSON.stringify({ extensionPathPrefix: pass === 'vsix' ? extensionsDir : ROOT }));
  const cs = await startCodeServer(folder, { extensionsDir, userDataDir });
  const browser = await launchBrowser();
  let page;
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(cs, folder, { extensionDevelopmentPath: devPath, extensionTestsPath: SUITE }));
    const deadline = Date.now() + TIMEOUT_MS;
    while (!fs.existsSync(resultsFile)) {
      if (Date.now() > deadline) throw new Error(`the editor suite (${pass}) wrote no results within ${TIMEOUT_MS / 1000} s`);
      if (cs.proc.exitCode !== null) throw new Error(`code-server exited during the ${pass} pass`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 200)); // the file is written in one call; let it land
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as PassResult;
    results.pass = pass;
    if (results.failures.length) keepEvidence(pass, cs.logs(), await screenshot(page, `suite-${pass}-failure`));
    return results;
  } catch (err) {
    keepEvidence(pass, cs.logs(), page ? await screenshot(page, `suite-${pass}-error`).catch(() => '') : '');
    throw err;
  } finally {
    await browser.close().catch(() => undefined);
    await cs.stop();
    // The evidence of a failure is kept above; the editor's own folders go with the library.
    for (const dir of [folder, extensionsDir, userDataDir, devPath]) if (dir !== ROOT) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function keepEvidence(pass: string, logs: string, shot: string): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `suite-${pass}-logs.txt`);
  fs.writeFileSync(file, logs);
  console.error(`kept the extension host log: ${file}${shot ? ` and screenshot: ${shot}` : ''}`);
}

export function report(r: PassResult): void {
  console.log(`\n=== editor suite in code-server (${r.pass}) ===`);
  for (const t of r.passed) console.log(`  ✔ ${t}`);
  for (const f of r.failures) console.log(`  ✗ ${f.title}\n    ${f.error.split('\n').slice(0, 6).join('\n    ')}`);
  console.log(`  ${r.passed.length} passing, ${r.failures.length} failing`);
}

if (require.main === module) {
  const pass = (process.argv[2] ?? 'dev') as 'dev' | 'vsix';
  runPass(pass, process.argv[3]).then((r) => { report(r); process.exit(r.failures.length ? 1 : 0); }, (err) => { console.error(err); process.exit(1); });
}
