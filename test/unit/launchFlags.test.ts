import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const LAUNCH_FLAGS = path.resolve(__dirname, '../../server/src/runtime/launchFlags.js');

/** The server's launch flags as a process with this environment computes them. */
function flagsWith(env: NodeJS.ProcessEnv): string[] {
  const out = execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(LAUNCH_FLAGS)}).SERVER_NODE_FLAGS))`], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out);
}

/** How many threads a Node process started with `flags` has (Linux). */
function threadsOf(flags: string[]): number {
  return Number(execFileSync(process.execPath, [...flags, '-e', 'console.log(require("fs").readdirSync("/proc/self/task").length)'], { encoding: 'utf8' }).trim());
}

describe('the server\'s launch flags', () => {
  it('give V8 no more helper threads than the machine has cores, and at most Node\'s own four', function () {
    const cores = (os as { availableParallelism?: () => number }).availableParallelism?.() ?? os.cpus().length;
    const flags = flagsWith({ LITNOTES_RUNTIME_OFF: '' });
    const pool = flags.find((f) => f.startsWith('--v8-pool-size='));
    assert.ok(pool, flags.join(' '));
    assert.strictEqual(Number(pool.split('=')[1]), Math.min(4, cores));
    if (process.platform !== 'linux' || !fs.existsSync('/proc/self/task')) this.skip();
    // Node takes the flag, and the process then has that many helpers: fewer threads than with four where the machine has fewer cores.
    assert.strictEqual(threadsOf(flags) - threadsOf([...flags.filter((f) => f !== pool), '--v8-pool-size=4']), Math.min(4, cores) - 4);
  });

  it('leave V8\'s helper threads as Node has them with LITNOTES_RUNTIME_OFF=pool', () => {
    const flags = flagsWith({ LITNOTES_RUNTIME_OFF: 'pool' });
    assert.ok(!flags.some((f) => f.startsWith('--v8-pool-size')), flags.join(' '));
    assert.ok(flags.includes('--max-semi-space-size=2'), 'the other flags stay');
  });
});
