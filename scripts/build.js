// Bundles with esbuild: dist/extension.js (the client), dist/server.js and its worker threads (dist/searchWorker.js, dist/topicsWorker.js, dist/parseWorker.js).
// On Linux it also compiles the server's native memory helper, dist/nativeMemory.node (see buildNativeMemoryHelper).
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const esbuild = require('esbuild');

const production = process.argv.includes('--production');

/**
 * js-yaml 3 probes for the optional `esprima` package when it loads (for its !!js/function type,
 * which we never use: front matter is read with the safe schema). The probe is a real `require`
 * that fails, at the start of the server and of each parse worker; a process's first failing
 * require took ~18 ms here. It could also load an `esprima` from any node_modules above the extension.
 * The bundles leave esprima out, as if it were not installed (which it is not).
 */
const noEsprimaProbe = {
  name: 'no-esprima-probe',
  setup(build) {
    build.onLoad({ filter: /js-yaml[\\/]lib[\\/]js-yaml[\\/]type[\\/]js[\\/]function\.js$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      const probe = "esprima = _require('esprima');";
      if (!text.includes(probe)) return { warnings: [{ text: 'js-yaml no longer probes for esprima as expected: bundled unchanged' }] };
      return { contents: text.replace(probe, 'esprima = undefined;'), loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  plugins: [noEsprimaProbe],
};

/**
 * server/native/nativeMemory.c, a Node-API module (so one build loads in Node and in the editor's
 * Electron alike), compiled with the system's C compiler against the headers of the Node running
 * this script. Only glibc has what it calls, so only on Linux; where it cannot be built the server
 * runs without it (runtime/nativeMemory.ts), and this says so.
 */
function buildNativeMemoryHelper() {
  const out = path.join('dist', 'nativeMemory.node');
  if (process.platform !== 'linux') return;
  const headers = [path.resolve(path.dirname(process.execPath), '..', 'include', 'node'), process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, 'include', 'node')]
    .find((dir) => dir && fs.existsSync(path.join(dir, 'node_api.h')));
  try {
    if (!headers) throw new Error("no node_api.h beside this Node's binary");
    fs.mkdirSync('dist', { recursive: true });
    execFileSync(process.env.CC || 'cc', ['-O2', '-shared', '-fPIC', '-Wall', `-I${headers}`, '-o', out, path.join('server', 'native', 'nativeMemory.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    fs.rmSync(out, { force: true });
    console.warn(`build: the native memory helper was not built (${String(err.stderr || err.message).trim()}); the server gives malloc's free memory back only with it`);
  }
}

buildNativeMemoryHelper();

Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/search/worker.ts'], outfile: 'dist/searchWorker.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/topics/topicsWorker.ts'], outfile: 'dist/topicsWorker.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/ingest/parseWorker.ts'], outfile: 'dist/parseWorker.js' }),
]).catch(() => process.exit(1));
