import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspClient } from '../support/lspClient';
import { copyLibrary } from './server.test';

/**
 * The server and its worker threads are self-contained bundles: loading them must not look up any
 * package by name. Such a lookup resolves through every node_modules folder above the extension
 * (whatever is installed there would run in the server), and a process's first failing one took
 * ~18 ms here. js-yaml 3 made one for `esprima` until the build left it out.
 */
describe('bundles: the server and its workers look up no package by name', function () {
  this.timeout(60000);
  let dir: string;
  let hook: string;

  before(() => {
    dir = copyLibrary();
    hook = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-hook-')), 'report-lookups.js');
    // Preloaded in the server and, through its exec arguments, in every worker thread.
    fs.writeFileSync(hook, `
const Module = require('module');
const path = require('path');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (!Module.isBuiltin(request) && !request.startsWith('.') && !path.isAbsolute(request)) process.stderr.write('package lookup: ' + request + '\\n');
  else process.stderr.write('other lookup\\n');
  return resolve.call(this, request, ...rest);
};
`);
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.dirname(hook), { recursive: true, force: true });
  });

  it('while starting, scanning (parse workers), building the full text (search workers) and computing topics', async () => {
    const client = new LspClient(null, ['-r', hook]);
    try {
      await client.initialize(dir);
      await client.fullTextReady();
      const page = await client.request<{ topics: unknown[] }>('litnotes/topics', {}); // the topics worker too
      assert.ok(page.topics.length > 0);
    } finally {
      await client.stop();
    }
    // The hook ran (builtins and the workers' own files are looked up too), and saw no package name.
    assert.match(client.stderr, /other lookup/);
    assert.deepStrictEqual(client.stderr.split('\n').filter((l) => l.startsWith('package lookup')), []);
  });
});
