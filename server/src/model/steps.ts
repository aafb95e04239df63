/**
 * A stable merge sort that yields every `step` elements of work, so a generator-based rebuild can
 * sort 100k items without blocking the event loop for the whole sort.
 */
export function sortInSteps<T>(items: T[], compare: (a: T, b: T) => number, step = 2000): Generator<void, T[]> {
  return mergeSortInSteps(items, compare, step);
}

/** sortInSteps for strings, in code-unit order (that of `<`): runs are sorted natively, with no compare function to call. */
export function sortStringsInSteps(items: string[], step = 2000): Generator<void, string[]> {
  return mergeSortInSteps(items, undefined, step);
}

function* mergeSortInSteps<T>(items: T[], compare: ((a: T, b: T) => number) | undefined, step: number): Generator<void, T[]> {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += step) {
    runs.push(compare ? items.slice(i, i + step).sort(compare) : items.slice(i, i + step).sort());
    yield;
  }
  let work = 0;
  while (runs.length > 1) {
    const merged: T[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r], b = runs[r + 1];
      if (!b) { merged.push(a); continue; }
      const out: T[] = new Array(a.length + b.length);
      let i = 0, j = 0, k = 0;
      while (i < a.length && j < b.length) {
        out[k++] = (compare ? compare(b[j], a[i]) < 0 : b[j] < a[i]) ? b[j++] : a[i++];
        if (++work % step === 0) yield;
      }
      while (i < a.length) out[k++] = a[i++];
      while (j < b.length) out[k++] = b[j++];
      merged.push(out);
    }
    runs.splice(0, runs.length, ...merged);
  }
  return runs[0] ?? [];
}
