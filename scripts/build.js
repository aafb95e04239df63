// Bundles with esbuild: dist/extension.js (the client), dist/server.js and its worker threads (dist/searchWorker.js, dist/topicsWorker.js, dist/parseWorker.js).
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
  esbuild.build({ ...common, entryPoints: ['server/src/workspace/parseWorker.ts'], outfile: 'dist/parseWorker.js' }),
]).catch(() => process.exit(1));
