/**
 * The runtime's tricks, each of which can be switched off to measure what it pays (docs/performance.md):
 * LITNOTES_RUNTIME_OFF is a comma-separated list of `chrt` (idle scheduling class), `renice` (worker
 * priorities), `gc` (manual collection in idle workers), `semispace` (the server's 2 MB young
 * generation), `pool` (V8's helper threads no more than the cores) and `malloc` (glibc's arena
 * limit; all three launchFlags.ts), `trim` (malloc's free memory given back, nativeMemory.ts),
 * `heapgrowth` (the 1.3 heap growing factor) and `scangrowth` (V8's own factor while a scan reads
 * the parse cache; both heapGrowth.ts). Workers inherit the server's environment.
 */
export function runtimeTrickOff(trick: 'chrt' | 'renice' | 'gc' | 'semispace' | 'pool' | 'heapgrowth' | 'scangrowth' | 'malloc' | 'trim'): boolean {
  return (process.env.LITNOTES_RUNTIME_OFF ?? '').split(',').includes(trick);
}
