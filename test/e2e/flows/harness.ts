import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { copyLibrary, installExtension, launchBrowser, RESULTS_DIR, screenshot, startCodeServer, workbenchUrl } from '../codeServer';
import { Workbench } from './workbench';

/**
 * User-flow tests: a person's steps in the code-server workbench, in headless Chromium, with the
 * packaged VSIX installed. Each flow is one small *.flow.js file exporting `flow`; every flow saves
 * screenshots, and a failing flow keeps its screenshot and the extension host log.
 */
export interface Flow {
  name: string;
  /** Files the flow needs in the workspace folder, written before the workbench starts (its file search then knows them). */
  prepare?(folder: string): void;
  /** `folder`: the workspace folder on disk (the same for every flow: leave it as found). */
  run(wb: Workbench, shot: (name: string) => Promise<string>, folder: string): Promise<void>;
}

/** User settings for a quiet, deterministic workbench. */
export const WORKBENCH_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'editor.quickSuggestionsDelay': 10,
  'editor.hover.delay': 200,
  'git.enabled': false,
  'workbench.colorTheme': 'Default Light Modern',
};

export function userDataWithSettings(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-ud-'));
  fs.mkdirSync(path.join(dir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'User/settings.json'), JSON.stringify(WORKBENCH_SETTINGS, null, 2));
  return dir;
}

export async function runFlows(vsix: string): Promise<{ passed: string[]; failures: { title: string; error: string }[] }> {
  const flows: Flow[] = fs.readdirSync(__dirname).filter((f) => f.endsWith('.flow.js')).sort().map((f) => require(path.join(__dirname, f)).flow);
  const folder = copyLibrary('flows');
  for (const flow of flows) flow.prepare?.(folder);
  const userDataDir = userDataWithSettings();
  const extensionsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-ext-'));
  installExtension(vsix, extensionsDir, userDataDir);
  const cs = await startCodeServer(folder, { userDataDir, extensionsDir });
  const browser = await launchBrowser();
  const passed: string[] = [];
  const failures: { title: string; error: string }[] = [];
  try {
    for (const flow of flows) {
      const page: Page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const wb = new Workbench(page);
      try {
        await page.goto(workbenchUrl(cs, folder));
        await wb.ready();
        await wb.openFile('related-work.md'); // opening a draft activates the extension
        await wb.indexed(96);
        await flow.run(wb, (name) => screenshot(page, `flow-${name}`), folder);
        passed.push(`flow: ${flow.name}`);
      } catch (err) {
        const shot = await screenshot(page, `flow-${flow.name}-failure`).catch(() => '');
        fs.mkdirSync(RESULTS_DIR, { recursive: true });
        fs.writeFileSync(path.join(RESULTS_DIR, `flow-${flow.name}-logs.txt`), cs.logs());
        failures.push({ title: `flow: ${flow.name}`, error: `${(err as Error).stack ?? err}\n(screenshot: ${shot}; log: .test-results/flow-${flow.name}-logs.txt)` });
      } finally {
        await page.close().catch(() => undefined);
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
    await cs.stop();
    for (const dir of [folder, extensionsDir, userDataDir]) fs.rmSync(dir, { recursive: true, force: true });
  }
  return { passed, failures };
}

if (require.main === module) {
  runFlows(process.argv[2] ?? path.resolve(__dirname, '../../../../litnotes.vsix')).then((r) => {
    for (const t of r.passed) console.log(`  ✔ ${t}`);
    for (const f of r.failures) console.log(`  ✗ ${f.title}\n    ${f.error}`);
    console.log(`  ${r.passed.length} passing, ${r.failures.length} failing`);
    process.exit(r.failures.length ? 1 : 0);
  }, (err) => { console.error(err); process.exit(1); });
}
