#!/usr/bin/env node
// Runs every test suite in order and ends with one line: "N passed, N failed".
// Suites: unit (pure modules) and server (the real dist/server.js over stdio).
const mochaModule = require('mocha');
const Mocha = mochaModule.Mocha ?? mochaModule.default ?? mochaModule;
const path = require('path');
const fs = require('fs');

const root = path.resolve(__dirname, '..');
const suites = [
  { name: 'unit', dir: 'out/test/unit' },
  { name: 'server', dir: 'out/test/server' },
];

function filesIn(dir) {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(full, f));
}

function runSuite(suite) {
  return new Promise((resolve) => {
    const mocha = new Mocha({ timeout: 30000, reporter: 'spec' });
    const files = filesIn(suite.dir);
    if (files.length === 0) {
      console.error(`suite ${suite.name}: no test files in ${suite.dir} (did the build run?)`);
      resolve({ passed: 0, failed: 1 });
      return;
    }
    for (const f of files) mocha.addFile(f);
    console.log(`\n=== ${suite.name} tests ===`);
    mocha.loadFilesAsync().then(() => {
      const runner = mocha.run(() => resolve({ passed: runner.stats.passes, failed: runner.stats.failures }));
    }, (err) => {
      console.error(err);
      resolve({ passed: 0, failed: 1 });
    });
  });
}

(async () => {
  let passed = 0;
  let failed = 0;
  for (const suite of suites) {
    const r = await runSuite(suite);
    passed += r.passed;
    failed += r.failed;
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
})();
