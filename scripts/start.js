#!/usr/bin/env node
// `npm start`: build, package, and open the example library in code-server (a real VS Code in the
// browser) with the packaged extension installed. Prints the URL; Ctrl+C stops it.
// On a desktop with VS Code: `code --extensionDevelopmentPath="$PWD" test/fixtures/library`.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

(async () => {
  run('bash', ['scripts/setup-editor-tests.sh']);
  run('npm', ['run', '--silent', 'package']);
  run('npx', ['tsc', '-b']);
  const { startCodeServer, installExtension } = require(path.join(root, 'out/test/e2e/codeServer.js'));
  const { WORKBENCH_SETTINGS } = require(path.join(root, 'out/test/e2e/flows/harness.js'));
  // A copy of the example library, so trying things out never changes the test fixtures.
  const demo = path.join(root, '.demo');
  const library = path.join(demo, 'library');
  if (!fs.existsSync(library)) fs.cpSync(path.join(root, 'test/fixtures/library'), library, { recursive: true });
  const userDataDir = path.join(demo, 'user-data');
  const extensionsDir = path.join(demo, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const settings = path.join(userDataDir, 'User/settings.json');
  if (!fs.existsSync(settings)) fs.writeFileSync(settings, JSON.stringify({ ...WORKBENCH_SETTINGS, 'workbench.startupEditor': 'readme' }, null, 2));
  installExtension(path.join(root, 'litnotes.vsix'), extensionsDir, userDataDir);
  const cs = await startCodeServer(library, { userDataDir, extensionsDir, port: Number(process.env.PORT) || undefined });
  console.log(`\nLiterature Notes demo: open ${cs.url}/?folder=${encodeURIComponent(library)}`);
  console.log('(the example library, with the packaged extension installed; Ctrl+C to stop)\n');
  const stop = async () => { await cs.stop(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise((resolve) => cs.proc.once('exit', resolve));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
