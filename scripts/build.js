// Bundles the client, the server and its full-text worker with esbuild: dist/extension.js, dist/server.js, dist/searchWorker.js.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/search/worker.ts'], outfile: 'dist/searchWorker.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/library/topicsWorker.ts'], outfile: 'dist/topicsWorker.js' }),
]).catch(() => process.exit(1));
