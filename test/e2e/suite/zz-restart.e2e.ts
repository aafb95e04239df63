import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { activated, EXTENSION_ID, hoverText, openDoc, positionOf } from './helpers';

/** The language server processes this extension host started (Linux: read from /proc). */
function serverPids(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('dist/server.js')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

// Last in the suite (files run in name order): it kills the server.
describe('the client survives the server', function () {
  this.timeout(90000);

  it('a killed language server is started again, the status says so, and hovers answer as before', async () => {
    const api = vscode.extensions.getExtension<{ serverRestarts: number }>(EXTENSION_ID)!.exports;
    await activated();
    const { doc } = await openDoc('drafts/related-work.md');
    const at = positionOf(doc, '@compacter', 3);
    const hover = async () => hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at));
    assert.match(await hover(), /Compacter/);
    const [pid] = serverPids();
    assert.ok(pid, 'the server process is found');
    const before = api.serverRestarts;
    process.kill(pid, 'SIGKILL');
    // Requests sent right after the kill can meet a closed pipe (EPIPE, a stream error without a
    // count), which must not stop the client from restarting the server (it did, now and then).
    for (let i = 0; i < 5; i++) void hover().catch(() => undefined);
    const started = Date.now();
    for (;;) {
      const now = serverPids();
      if (now.length && !now.includes(pid)) {
        const text = await hover().catch(() => '');
        if (/Compacter/.test(text)) break;
      }
      if (Date.now() - started > 60000) assert.fail('the server did not come back within 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.strictEqual(api.serverRestarts, before + 1);
  });
});
