/**
 * Where string values sit in a JSON text, found in one pass over it (JSON.parse gives values, not
 * positions). Searching the text for each value instead was quadratic once a value is written
 * differently in the file than JSON.stringify writes it (`\u` escapes, as Python's json.dumps
 * writes every non-ASCII character): each search then ran from the start of the file.
 *
 * `wanted(key)` picks, by their property name, the strings whose spans are wanted; each one found
 * is reported with its path (property names and array indexes, joined by `/`) and the offsets of its
 * raw token, quotes included. The text is assumed to be valid JSON (parse it first); on anything
 * else the scan stops early and reports what it found so far.
 */
export function stringSpans(text: string, wanted: (key: string) => boolean): Map<string, [number, number]> {
  const spans = new Map<string, [number, number]>();
  /** One frame per open array or object: the array's index, or the object's current property. */
  const frames: { array: boolean; index: number; key: string; expectKey: boolean }[] = [];
  const path = () => frames.map((f) => (f.array ? String(f.index) : f.key)).join('/');
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const top = frames[frames.length - 1];
    if (c === 34 /* " */) {
      const end = stringEnd(text, i);
      if (end < 0) break;
      if (top && !top.array && top.expectKey) {
        top.key = decodeKey(text, i, end);
        top.expectKey = false;
      } else if (top && !top.array && wanted(top.key)) {
        spans.set(path(), [i, end]);
      }
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      frames.push({ array: c === 91, index: 0, key: '', expectKey: c === 123 });
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      frames.pop();
      i++;
    } else if (c === 44 /* , */) {
      if (top?.array) top.index++;
      else if (top) top.expectKey = true;
      i++;
    } else {
      i++; // whitespace, colons, numbers, true, false, null
    }
  }
  return spans;
}

/** The offset just past the string token starting at `start` (a quote), or -1 if it never closes. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i + 1;
  }
  return -1;
}

/** A property name, decoded; long ones (no name we look for is) are not worth decoding. */
function decodeKey(text: string, start: number, end: number): string {
  if (end - start > 64) return '';
  try {
    return JSON.parse(text.slice(start, end)) as string;
  } catch {
    return '';
  }
}
