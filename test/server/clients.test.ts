import * as assert from 'assert';
import { execSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { LspClient, SERVER } from '../support/lspClient';
import { SERVER_NODE_FLAGS } from '../../server/src/runtime/launchFlags';
import { copyLibrary } from './server.test';

/** Editors that are not VS Code: what the server does with a client's capabilities, or the lack of them. */
describe('clients other than VS Code', function () {
  this.timeout(60000);
  let dir: string;
  before(() => { dir = copyLibrary(); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a client that advertises no capability at all (only a rootUri) still gets a scan, completion and hover', async () => {
    const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const statuses: { state: string; papers: number }[] = [];
    const requests: string[] = [];
    conn.onNotification('litnotes/status', (s: { state: string; papers: number }) => statuses.push(s));
    conn.onRequest((method: string) => { requests.push(method); throw new Error(`the server asked ${method} of a client without the capability`); });
    conn.listen();
    try {
      const init = await conn.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
      assert.strictEqual(init.capabilities.workspace, undefined, 'no workspace folders offered to a client that has none');
      await conn.sendNotification('initialized', {});
      for (let waited = 0; !statuses.some((s) => s.state === 'ready') && waited < 30000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      assert.strictEqual(statuses.find((s) => s.state === 'ready')?.papers, 96);
      const draft = pathToFileURL(path.join(dir, 'drafts/other-editor.md')).href;
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: draft, languageId: 'markdown', version: 1, text: 'See [@kas' } });
      const list = await conn.sendRequest<{ items: { label: string }[] }>('textDocument/completion', { textDocument: { uri: draft }, position: { line: 0, character: 9 } });
      assert.strictEqual(list.items[0].label, 'jiang2024kasa');
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri: draft, version: 2 }, contentChanges: [{ text: 'See [@kasa].' }] });
      const hover = await conn.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: draft }, position: { line: 0, character: 7 } });
      assert.match(hover.contents.value, /KaSA/);
      assert.deepStrictEqual(requests, [], 'the server asked nothing the client does not offer');
    } finally {
      conn.dispose();
      proc.kill();
    }
  });

  /** A bare client over stdio: the capabilities and initialization options given, nothing answered. */
  async function bareClient(capabilities: unknown, initializationOptions?: unknown) {
    const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const statuses: { state: string; papers: number }[] = [];
    conn.onNotification('litnotes/status', (s: { state: string; papers: number }) => statuses.push(s));
    conn.listen();
    const init = await conn.sendRequest<{ capabilities: { executeCommandProvider?: { commands: string[] } } }>('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities, initializationOptions });
    await conn.sendNotification('initialized', {});
    const readyAfter = async (count: number) => {
      for (let waited = 0; statuses.filter((s) => s.state === 'ready').length < count && waited < 30000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      return statuses.filter((s) => s.state === 'ready')[count - 1];
    };
    const paper = (key: string) => conn.sendRequest<{ key: string } | null>('litnotes/paper', { key });
    return { conn, init, readyAfter, paper, dispose: () => { conn.dispose(); proc.kill(); } };
  }

  it('settings an editor pushes (didChangeConfiguration), without being asked for them, are honoured', async () => {
    fs.mkdirSync(path.join(dir, 'reading'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'reading/pushed2024.md'), '---\ntitle: A Paper Kept Where Only Pushed Settings Look\nyear: 2024\n---\n');
    const client = await bareClient({});
    try {
      await client.readyAfter(1);
      assert.strictEqual(await client.paper('pushed2024'), null, 'not a notes folder by default');
      await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { litnotes: { notes: ['**/reading/**/*.md'] } } });
      // The rescan the push starts ends with a 'ready' of its own, but the first scan may report
      // 'ready' again meanwhile (its full text): wait for the paper itself, within a bound.
      let found: string | undefined;
      for (let waited = 0; !found && waited < 20000; waited += 100) {
        found = (await client.paper('pushed2024'))?.key;
        if (!found) await new Promise((r) => setTimeout(r, 100));
      }
      assert.strictEqual(found, 'pushed2024');
    } finally {
      client.dispose();
      fs.rmSync(path.join(dir, 'reading'), { recursive: true, force: true });
    }
  });

  it('litnotes.reindex runs through workspace/executeCommand; VS Code\'s own client, which has the command, is not offered it', async () => {
    const client = await bareClient({});
    const file = path.join(dir, 'notes/written-by-git-pull.md');
    try {
      assert.deepStrictEqual(client.init.capabilities.executeCommandProvider?.commands, ['litnotes.reindex']);
      await client.readyAfter(1);
      fs.writeFileSync(file, '---\ncitekey: pulled2024\ntitle: Arrived With a Git Pull\n---\n');
      await client.conn.sendRequest('workspace/executeCommand', { command: 'litnotes.reindex', arguments: [] });
      assert.strictEqual((await client.paper('pulled2024'))?.key, 'pulled2024');
      await assert.rejects(client.conn.sendRequest('workspace/executeCommand', { command: 'litnotes.nothing' }), /has no command litnotes\.nothing/);
    } finally {
      client.dispose();
      fs.rmSync(file, { force: true });
    }
    const vscodeLike = await bareClient({}, { clientCommands: true });
    try {
      assert.strictEqual(vscodeLike.init.capabilities.executeCommandProvider, undefined);
    } finally {
      vscodeLike.dispose();
    }
  });

  it('a client that does not watch files: a note written to disk by a shell command is citable within 2 s, a deleted one goes', async () => {
    const client = await bareClient({});
    const file = path.join(dir, 'notes/from-the-shell.md');
    try {
      await client.readyAfter(1);
      const written = Date.now();
      execSync(`printf -- '---\\ncitekey: shell2024\\ntitle: Written by a Shell Command\\n---\\n' > '${file}'`);
      for (let waited = 0; !(await client.paper('shell2024')) && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      const took = Date.now() - written;
      assert.ok(await client.paper('shell2024'), 'indexed');
      assert.ok(took < 2000, `indexed after ${took} ms`);
      fs.rmSync(file);
      for (let waited = 0; (await client.paper('shell2024')) && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      assert.strictEqual(await client.paper('shell2024'), null, 'gone with its file');
    } finally {
      client.dispose();
      fs.rmSync(file, { force: true });
    }
  });

  it('a client that asks for plain text gets hovers and completion documentation as plain text, with no escapes', async () => {
    const client = await bareClient({ textDocument: { hover: { contentFormat: ['plaintext'] }, completion: { completionItem: { documentationFormat: ['plaintext', 'markdown'] } } } });
    try {
      await client.readyAfter(1);
      const draft = pathToFileURL(path.join(dir, 'drafts/plain.md')).href;
      await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: draft, languageId: 'markdown', version: 1, text: 'See [@jiang2024kasa].' } });
      const hover = await client.conn.sendRequest<{ contents: { kind: string; value: string } }>('textDocument/hover', { textDocument: { uri: draft }, position: { line: 0, character: 8 } });
      assert.strictEqual(hover.contents.kind, 'plaintext');
      assert.match(hover.contents.value, /^KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models\n/);
      assert.match(hover.contents.value, /large language models \(LLMs\) result/);
      assert.ok(!hover.contents.value.includes('\\') && !hover.contents.value.includes('**'), hover.contents.value);
      const item = await client.conn.sendRequest<{ documentation: { kind: string; value: string } }>('completionItem/resolve', { label: 'jiang2024kasa', data: { key: 'jiang2024kasa' } });
      assert.strictEqual(item.documentation.kind, 'plaintext');
      assert.ok(!item.documentation.value.includes('\\'), item.documentation.value);
    } finally {
      client.dispose();
    }
  });

  it('JSON and plain-text documents are never searched for citations: no diagnostics on a package.json', async () => {
    const client = new LspClient();
    try {
      await client.initialize(dir);
      const json = pathToFileURL(path.join(dir, 'package.json')).href;
      const text = pathToFileURL(path.join(dir, 'TODO.txt')).href;
      await client.open(json, 'json', '{\n  "devDependencies": { "@types/node": "^20", "@vscode/vsce": "^3" }\n}\n');
      await client.open(text, 'plaintext', 'Ask @alice about [@kasa].\n');
      // A draft opened after them: once its diagnostics are in, theirs would have been too.
      const draft = pathToFileURL(path.join(dir, 'drafts/after.md')).href;
      await client.open(draft, 'markdown', '[@nosuchkey2024]\n');
      await client.waitFor(() => client.diagnostics.get(draft)?.length, 10000, 'the draft\'s diagnostics');
      assert.strictEqual(client.diagnostics.get(json), undefined);
      assert.strictEqual(client.diagnostics.get(text), undefined);
    } finally {
      await client.stop();
    }
  });
});
