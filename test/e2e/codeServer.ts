import { spawn, ChildProcess, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { chromium, Browser, Page } from 'playwright-core';

/** Starting and stopping a real VS Code (code-server) and a headless Chromium, for the editor tests. */

export const ROOT = path.resolve(__dirname, '../../..');
export const CODE_SERVER = path.join(ROOT, '.vscode-test/code-server/node_modules/.bin/code-server');
export const CHROMIUM = process.env.LITNOTES_CHROMIUM || '/usr/bin/chromium';
export const RESULTS_DIR = path.join(ROOT, '.test-results');
export const FIXTURE_LIBRARY = path.join(ROOT, 'test/fixtures/library');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A fresh copy of the example library to open (tests edit and create files in it). */
export function copyLibrary(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `litnotes-${name}-`));
  fs.cpSync(FIXTURE_LIBRARY, dir, { recursive: true });
  return dir;
}

export interface CodeServer {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  proc: ChildProcess;
  stop(): Promise<void>;
  /** Extension host and server logs, for a failure report. */
  logs(): string;
}

/** `code-server --install-extension VSIX` into an extensions folder. */
export function installExtension(vsix: string, extensionsDir: string, userDataDir: string): void {
  execFileSync(CODE_SERVER, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], {
    stdio: 'pipe', env: { ...process.env, XDG_CONFIG_HOME: userDataDir },
  });
}

export async function startCodeServer(folder: string, opts: { extensionsDir?: string; userDataDir?: string; env?: Record<string, string>; port?: number } = {}): Promise<CodeServer> {
  if (!fs.existsSync(CODE_SERVER)) throw new Error(`code-server is not installed at ${CODE_SERVER}: run scripts/setup-editor-tests.sh`);
  const port = opts.port ?? (await freePort());
  const userDataDir = opts.userDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-ud-'));
  const extensionsDir = opts.extensionsDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-ext-'));
  let output = '';
  const proc = spawn(CODE_SERVER, [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, folder,
  ], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CONFIG_HOME: userDataDir, ...opts.env } });
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited (${proc.exitCode}):\n${output}`);
    if (await healthy(url)) break;
    if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url}:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url, port, userDataDir, extensionsDir, proc,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      try { process.kill(-proc.pid!, 'SIGTERM'); } catch { /* gone */ }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ }
    },
    logs() {
      const parts = [`--- code-server output ---\n${output}`];
      const logRoot = path.join(userDataDir, 'logs');
      if (fs.existsSync(logRoot)) {
        for (const f of walk(logRoot)) if (/exthost|remoteagent|litnotes|Literature/i.test(f)) parts.push(`--- ${path.relative(logRoot, f)} ---\n${fs.readFileSync(f, 'utf8')}`);
      }
      return parts.join('\n');
    },
  };
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => { req.destroy(); resolve(false); });
  });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** The workbench URL for a folder, optionally running an extension test suite via `payload`. */
export function workbenchUrl(cs: CodeServer, folder: string, tests?: { extensionDevelopmentPath: string; extensionTestsPath: string }): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
  let url = `${cs.url}/?folder=${encodeURIComponent(folder)}`;
  if (tests) {
    const payload = [['extensionDevelopmentPath', remote(tests.extensionDevelopmentPath)], ['extensionTestsPath', remote(tests.extensionTestsPath)]];
    url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }
  return url;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(RESULTS_DIR, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  // JPEG keeps the README images (shipped in the VSIX) small.
  const file = path.join(dir, `${name}.jpg`);
  await page.screenshot({ path: file, type: 'jpeg', quality: 60 });
  return file;
}
