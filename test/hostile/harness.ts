import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspClient } from '../support/lspClient';

/**
 * The hostile-input and fault suite's harness: a workspace with one good note and a draft citing it,
 * a folder outside the workspace (user files that must never be written), a marker file that any
 * code run from a note would create, and a hover probe that measures the server's answers while
 * a case runs. Each case group adds a row to the table written at the end.
 */

export interface Row { group: string; cases: number; worstHoverMs: number; checks: string }
export const rows: Row[] = [];

export const GOOD_NOTE = '---\ncitekey: good2024\ntitle: A Good Paper\nabstract: Nothing hostile here.\n---\nBody.\n';
export const DRAFT = 'Related work: see [@good2024] and more.\n';

export class Workspace {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-hostile-'));
  readonly ws = path.join(this.root, 'ws');
  readonly storage = path.join(this.root, 'storage');
  readonly outside = path.join(this.root, 'outside');
  /** Created by any payload that manages to run code. */
  readonly marker = path.join(this.root, 'PWNED');
  private outsideBefore = '';

  constructor() {
    for (const d of [this.ws, this.storage, this.outside]) fs.mkdirSync(d, { recursive: true });
    this.write('notes/good2024.md', GOOD_NOTE);
    this.write('drafts/draft.md', DRAFT);
    fs.writeFileSync(path.join(this.outside, 'user-file.txt'), 'the user\'s own file\n');
  }

  write(rel: string, content: string | Buffer): string {
    const file = path.join(this.ws, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  }

  uri(rel: string): string {
    return pathToFileURL(path.join(this.ws, rel)).href;
  }

  /** What is outside the workspace and the storage folder, to compare after. */
  snapshotOutside(): void {
    this.outsideBefore = listing(this.outside) + listing(this.root, false);
  }

  /** No code ran, nothing outside changed. */
  assertUntouched(): void {
    assert.ok(!fs.existsSync(this.marker), 'a payload ran code (the marker file exists)');
    assert.strictEqual(listing(this.outside) + listing(this.root, false), this.outsideBefore, 'something outside the workspace and storage changed');
  }

  dispose(): void {
    // A stopped server may still be finishing a cache write as it exits.
    try { fs.rmSync(this.root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }); } catch { /* left in the temp folder */ }
  }
}

/** Names, sizes and contents' lengths of a folder's files (top level only unless deep). */
function listing(dir: string, deep = true): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { out.push(`${p}/`); if (deep) walk(p); } else out.push(`${p} ${fs.lstatSync(p).size} ${fs.lstatSync(p).mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort().join('\n');
}

/**
 * Hovers the draft's citation every 50 ms (one at a time) and keeps the slowest answer; an answer
 * that never comes counts from when it was asked.
 */
export class HoverProbe {
  worst = 0;
  answered = 0;
  private pendingSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly client: LspClient, private readonly uri: string) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      if (this.pendingSince === undefined) {
        const t = (this.pendingSince = Date.now());
        this.client.request('textDocument/hover', this.client.at(this.uri, 0, 20)).then(() => {
          this.worst = Math.max(this.worst, Date.now() - t);
          this.answered++;
        }, () => undefined).finally(() => { this.pendingSince = undefined; });
      }
      this.timer = setTimeout(tick, 50);
    };
    tick();
  }

  stop(): number {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pendingSince !== undefined) this.worst = Math.max(this.worst, Date.now() - this.pendingSince);
    return this.worst;
  }
}

/** Starts a server on the workspace with the draft open and the probe running. */
export async function serve(w: Workspace, settings: Record<string, unknown> | null = null): Promise<{ client: LspClient; probe: HoverProbe }> {
  w.snapshotOutside();
  const client = new LspClient(settings);
  await client.initialize(w.ws, { waitReady: false, cacheDir: w.storage });
  await client.open(w.uri('drafts/draft.md'), 'markdown', DRAFT);
  const probe = new HoverProbe(client, w.uri('drafts/draft.md'));
  probe.start();
  return { client, probe };
}

/** Runs `body` against a server on the workspace, then checks nothing outside changed; stops the server and removes the workspace whatever happened. */
export async function hostileRun(w: Workspace, body: (client: LspClient, probe: HoverProbe) => Promise<void>): Promise<void> {
  const { client, probe } = await serve(w);
  try {
    await body(client, probe);
    w.assertUntouched();
  } finally {
    probe.stop();
    await client.stop();
    w.dispose();
  }
}

/** The good note is in the library and its hover shows it. */
export async function assertGoodNoteThere(client: LspClient, w: Workspace): Promise<void> {
  const list = await client.request<{ papers: { key: string }[] }>('litnotes/list', { limit: 100000 });
  assert.ok(list.papers.some((p) => p.key === 'good2024'), 'the good note was lost');
  const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at(w.uri('drafts/draft.md'), 0, 20));
  assert.match(hover?.contents.value ?? '', /A Good Paper/);
}

/** The markdown of the table: one row per group. */
export function table(): string {
  const head = '| group | cases | worst hover while it ran | checked |\n|---|---|---|---|\n';
  return head + rows.map((r) => `| ${r.group} | ${r.cases} | ${r.worstHoverMs} ms | ${r.checks} |`).join('\n') + '\n';
}
