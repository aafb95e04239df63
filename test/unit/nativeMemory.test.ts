import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { loadNativeMemoryHelper } from '../../server/src/runtime/nativeMemory';

const DIST = path.resolve(__dirname, '../../../dist');

/** The process's resident memory now, in MB (Linux). */
function rssMB(): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
}

describe('the native memory helper (dist/nativeMemory.node)', function () {
  this.timeout(20000);

  it('is built on Linux, and gives back the free memory glibc kept after buffers were freed', async function () {
    if (process.platform !== 'linux') this.skip();
    const helper = loadNativeMemoryHelper(DIST);
    assert.ok('trim' in helper, `npm run build compiles it on Linux (a C compiler and Node's headers): ${'missing' in helper && helper.missing}`);
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // 3,000 buffers of 64 KB (malloc's arenas, not a mapping of their own), every other one kept:
    // the freed half lies between live blocks, where glibc neither reuses it for the system nor
    // trims it by itself.
    const kept: Buffer[] = [];
    let freed: Buffer[] = [];
    for (let i = 0; i < 3000; i++) (i % 2 ? kept : freed).push(Buffer.allocUnsafeSlow(64 * 1024).fill(i));
    freed = [];
    gc();
    await new Promise((resolve) => setTimeout(resolve, 300)); // V8 frees array buffers as it sweeps them
    gc();
    const before = rssMB();
    const trimmed = helper.trim(); // off this thread
    assert.ok(trimmed instanceof Promise);
    assert.strictEqual(await trimmed, true, 'memory was given back');
    const after = rssMB();
    assert.ok(before - after > 60, `RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB: ~94 MB of freed buffers given back`);
    assert.strictEqual(kept.length, 1500); // the live half stays, and stays readable
    assert.ok(kept.every((b, i) => b[0] === ((2 * i + 1) & 0xff)));
  });

  it('is absent elsewhere without harm: where the file is not, it says why', () => {
    const missing = loadNativeMemoryHelper(path.join(DIST, 'no-such-folder'));
    assert.ok('missing' in missing && /nativeMemory\.node/.test(missing.missing), JSON.stringify(missing));
  });
});
