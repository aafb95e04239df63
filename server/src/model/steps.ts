/**
 * A stable merge sort that yields every `step` elements of work, so a generator-based rebuild can
 * sort 100k items without blocking the event loop for the whole sort.
 */
export function sortInSteps<T>(items: T[], compare: (a: T, b: T) => number, step = 2000): Generator<void, T[]> {
  return mergeSortInSteps(items, compare, step);
}

/**
 * sortInSteps for strings, in code-unit order (that of `<`). The strings are put in buckets by their
 * first two code units, and each bucket is sorted natively, with no compare function to call (a
 * bucket larger than `step` by the merge sort). Merging runs of a library's keys compared each key
 * a dozen times in JavaScript, most of a recompute's sorting.
 */
export function* sortStringsInSteps(items: string[], step = 2000): Generator<void, string[]> {
  const buckets = new Map<number, string[]>();
  for (let i = 0; i < items.length; i++) {
    if (i % step === step - 1) yield;
    const s = items[i];
    // A string's place before any longer one with its start: "a" < "a\0" < "aa".
    const at = s.length === 0 ? -1 : s.charCodeAt(0) * 65537 + (s.length > 1 ? s.charCodeAt(1) + 1 : 0);
    const bucket = buckets.get(at);
    if (bucket) bucket.push(s); else buckets.set(at, [s]);
  }
  const order = [...buckets.keys()].sort((a, b) => a - b);
  yield;
  const out: string[] = new Array(items.length);
  let n = 0, done = 0;
  for (const at of order) {
    let bucket = buckets.get(at)!;
    if (bucket.length > step) bucket = yield* mergeSortInSteps(bucket, undefined, step);
    else bucket.sort();
    for (let i = 0; i < bucket.length; i++) out[n++] = bucket[i];
    done += bucket.length;
    if (done >= step) { done = 0; yield; }
  }
  return out;
}

function* mergeSortInSteps<T>(items: T[], compare: ((a: T, b: T) => number) | undefined, step: number): Generator<void, T[]> {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += step) {
    runs.push(compare ? items.slice(i, i + step).sort(compare) : items.slice(i, i + step).sort());
    yield;
  }
  while (runs.length > 1) {
    const merged: T[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r], b = runs[r + 1];
      if (!b) { merged.push(a); continue; }
      // Runs already in order (files arrive sorted by uri, digest groups mostly by date): joined as they are.
      if (!before(b[0], a[a.length - 1], compare)) { merged.push(a.concat(b)); continue; }
      const merge: Merge<T> = { a, b, out: new Array(a.length + b.length), i: 0, j: 0 };
      while (!mergeSome(merge, compare, step)) yield;
      merged.push(merge.out);
    }
    runs.splice(0, runs.length, ...merged);
  }
  return runs[0] ?? [];
}

interface Merge<T> { a: T[]; b: T[]; out: T[]; i: number; j: number }

function before<T>(x: T, y: T, compare: ((a: T, b: T) => number) | undefined): boolean {
  return compare ? compare(x, y) < 0 : x < y;
}

/**
 * Merges up to `count` more elements of two sorted runs; true once done. A plain function, not
 * the generator's own loop: V8 optimizes a long loop in a plain function while it runs, and a
 * generator's only between calls.
 */
function mergeSome<T>(m: Merge<T>, compare: ((a: T, b: T) => number) | undefined, count: number): boolean {
  const { a, b, out } = m;
  let { i, j } = m;
  const stop = Math.min(i + j + count, out.length);
  while (i + j < stop && i < a.length && j < b.length) out[i + j] = before(b[j], a[i], compare) ? b[j++] : a[i++];
  if (i + j < stop) {
    while (i < a.length) { out[i + j] = a[i]; i++; }
    while (j < b.length) { out[i + j] = b[j]; j++; }
  }
  m.i = i; m.j = j;
  return i + j === out.length;
}
