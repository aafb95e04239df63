#!/usr/bin/env node
// Runs every test suite in order and ends with one line: "N passed, N failed".
//   unit    pure modules on in-memory fixtures (mocha)
//   server  the real dist/server.js over stdio (mocha)
//   hostile notes, digests and drafts written to attack the server, and faults (npm run test:hostile)
//   editor  the editor suite inside a real VS Code (code-server): from the development folder,
//           then from the packaged VSIX installed with --install-extension
//   flows   a person's steps in the workbench, in headless Chromium, with screenshots
// `npm test` first runs scripts/setup-editor-tests.sh, the build and the type-check (pretest).
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const mochaModule = require('mocha');
const Mocha = mochaModule.Mocha ?? mochaModule.default ?? mochaModule;

const root = path.resolve(__dirname, '..');
const out = (...p) => path.join(root, 'out', ...p);
const VSIX = path.join(root, 'litnotes.vsix');

function mochaSuite(name, dir) {
  return async () => {
    const full = out(dir);
    const files = fs.existsSync(full) ? fs.readdirSync(full).filter((f) => f.endsWith('.test.js')).sort() : [];
    if (files.length === 0) throw new Error(`no test files in out/${dir} (did the build run?)`);
    const mocha = new Mocha({ timeout: 30000, reporter: 'spec' });
    for (const f of files) mocha.addFile(path.join(full, f));
    await mocha.loadFilesAsync();
    return new Promise((resolve) => {
      const runner = mocha.run(() => resolve({ passed: runner.stats.passes, failed: runner.stats.failures }));
    });
  };
}

function packageVsix() {
  fs.rmSync(VSIX, { force: true });
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'inherit' });
  if (!fs.existsSync(VSIX)) throw new Error('npm run package made no litnotes.vsix');
  console.log(`packaged ${path.basename(VSIX)}: ${(fs.statSync(VSIX).size / 1024).toFixed(0)} KB`);
  return { passed: 0, failed: 0 };
}

function editorPass(pass) {
  return async () => {
    const { runPass, report } = require(out('test/e2e/runCodeServer.js'));
    const r = await runPass(pass, VSIX);
    report(r);
    if (r.passed.length + r.failures.length === 0) throw new Error(`the ${pass} pass ran no test`);
    return { passed: r.passed.length, failed: r.failures.length };
  };
}

async function flows() {
  const { runFlows } = require(out('test/e2e/flows/harness.js'));
  const r = await runFlows(VSIX);
  for (const t of r.passed) console.log(`  ✔ ${t}`);
  for (const f of r.failures) console.log(`  ✗ ${f.title}\n    ${f.error.split('\n').join('\n    ')}`);
  console.log('  screenshots: .test-results/screenshots/');
  return { passed: r.passed.length, failed: r.failures.length };
}

const suites = [
  ['unit tests', mochaSuite('unit', 'test/unit')],
  ['server tests (stdio)', mochaSuite('server', 'test/server')],
  ['hostile input and faults (stdio)', mochaSuite('hostile', 'test/hostile')],
  ['package the VSIX', packageVsix],
  ['editor suite in code-server, development folder', editorPass('dev')],
  ['editor suite in code-server, installed VSIX', editorPass('vsix')],
  ['user flows in the browser', flows],
];

(async () => {
  let passed = 0;
  let failed = 0;
  for (const [name, run] of suites) {
    console.log(`\n=== ${name} ===`);
    try {
      const r = await run();
      passed += r.passed;
      failed += r.failed;
    } catch (err) {
      // A suite that cannot run counts as a failure, and the others still run.
      console.error(`${name}: ${(err && err.stack) || err}`);
      failed += 1;
    }
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
})();
