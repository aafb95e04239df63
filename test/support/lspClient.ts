import { spawn, ChildProcess } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../server/src/runtime/launchFlags';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

export const SERVER = process.env.LITNOTES_TEST_SERVER ?? path.resolve(__dirname, '../../../dist/server.js');

export interface Diagnostics { uri: string; diagnostics: { message: string; code?: string | number; range: unknown; data?: unknown }[] }
export interface Status { state: 'indexing' | 'ready'; papers: number; notes: number; digests: number; digestEntries: number; scanMs?: number; problems: number; fullText?: { shards: number; ready: number; building: number } }

/**
 * Drives the real server over stdio the way an editor does: initialize with workspace folders,
 * answer its requests (configuration, registration, progress), collect what it publishes.
 */
export class LspClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  readonly diagnostics = new Map<string, Diagnostics['diagnostics']>();
  readonly statuses: Status[] = [];
  readonly logs: string[] = [];
  readonly progress: unknown[] = [];
  private listeners: (() => void)[] = [];
  stderr = '';

  constructor(private readonly settings: Record<string, unknown> | null = null, extraArgs: string[] = []) {
    this.proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...extraArgs, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...SERVER_ENV } });
    this.proc.stderr!.on('data', (d) => (this.stderr += d));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.settings));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onNotification('$/progress', (p) => { this.progress.push(p); this.changed(); });
    this.conn.onNotification('textDocument/publishDiagnostics', (p: Diagnostics) => { this.diagnostics.set(p.uri, p.diagnostics); this.changed(); });
    this.conn.onNotification('litnotes/status', (s: Status) => { this.statuses.push(s); this.changed(); });
    this.conn.onNotification('litnotes/log', (p: { line: string }) => { this.logs.push(p.line); this.changed(); });
    this.conn.onNotification('window/logMessage', () => undefined);
    this.conn.listen();
  }

  private changed(): void {
    for (const l of this.listeners.splice(0)) l();
  }

  /** Resolves when `check` holds, re-checking on every message from the server; rejects after `ms`. */
  waitFor<T>(check: () => T | undefined | false, ms = 15000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
      const test = () => {
        const v = check();
        if (v) { clearTimeout(timer); resolve(v); } else this.listeners.push(test);
      };
      test();
    });
  }

  async initialize(folder: string, opts: { waitReady?: boolean; cacheDir?: string } = {}): Promise<unknown> {
    const uri = pathToFileURL(folder).href;
    const result = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      initializationOptions: opts.cacheDir ? { cacheDir: opts.cacheDir } : undefined,
      workspaceFolders: [{ uri, name: path.basename(folder) }],
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
        window: { workDoneProgress: true },
        textDocument: { completion: { completionItem: { snippetSupport: false } }, hover: { contentFormat: ['markdown'] } },
      },
    });
    await this.conn.sendNotification('initialized', {});
    if (opts.waitReady !== false) await this.ready();
    return result;
  }

  /** Resolves when the full-text index has shards and none is building. */
  fullTextReady(ms = 600000): Promise<Status> {
    return this.waitFor(() => this.statuses.find((s) => s.state === 'ready' && s.fullText && s.fullText.shards > 0 && s.fullText.building === 0), ms, 'full text ready');
  }

  /** The first `ready` status at or after index `since` of the statuses received. */
  ready(since = 0, ms = 60000): Promise<Status> {
    return this.waitFor(() => this.statuses.slice(since).find((s) => s.state === 'ready'), ms, 'index ready');
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, text: string, version: number): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  request<T = unknown>(method: string, params: unknown): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  at(uri: string, line: number, character: number) {
    return { textDocument: { uri }, position: { line, character } };
  }

  /**
   * Shuts the server down and waits (up to 15 s) for its process to end: a server still writing
   * its caches as it exits wrote them after a caller had removed the storage folder (a test's
   * workspace left in the temp folder, a bench run's cache cleared for the next cold start).
   */
  async stop(): Promise<void> {
    const ended = this.proc.exitCode !== null || this.proc.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 15000).unref();
        this.proc.once('exit', () => { clearTimeout(timer); resolve(); });
      });
    try {
      // Unref'd: once shutdown answers, the pending timer must not keep the test process alive for 30 s.
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 30000).unref())]);
      await this.conn.sendNotification('exit');
    } catch { /* already gone */ }
    this.conn.dispose();
    if (this.proc.exitCode === null) this.proc.kill();
    await ended;
  }
}
