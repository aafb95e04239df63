import matter = require('gray-matter');
import * as yaml from 'js-yaml';

/**
 * Front matter from untrusted files. gray-matter splits the block; YAML is parsed with js-yaml's
 * safe schema under size and depth limits, and the result is copied into plain data with a node
 * budget, so alias bombs, deep nesting and `__proto__` keys stay bounded and pollute nothing.
 * Executable engines are refused: gray-matter 4.0.3 looks up `engines[name] || engines[alias(name)]`,
 * so `{js: false}` alone would fall through to `javascript`; both (and coffee) throw here, and any
 * language other than YAML is rejected before gray-matter sees the text.
 */

export const MAX_FRONT_MATTER_CHARS = 64 * 1024;
const MAX_FLOW_DEPTH = 64;
const MAX_NODES = 5000;
const MAX_STRING = 32 * 1024;

export type FrontMatterData = { [key: string]: FrontMatterValue };
export type FrontMatterValue = string | number | boolean | null | FrontMatterValue[] | FrontMatterData;

export interface FrontMatterResult {
  /** Parsed fields (possibly recovered line by line); empty when there is no front matter. */
  data: FrontMatterData;
  /** Markdown after the front matter. */
  body: string;
  /** Line number (0-based) where the body starts in the file. */
  bodyLine: number;
  /** Raw front matter lines with their 0-based line numbers in the file. */
  lines: { line: number; text: string }[];
  hasFrontMatter: boolean;
  /** Why the front matter could not be read as YAML, if it could not. */
  error?: { message: string; line: number };
}

function refuse(name: string) {
  return {
    parse: () => {
      throw new Error(`front matter language "${name}" is not allowed: only YAML is read`);
    },
    stringify: () => '',
  };
}

const SAFE_ENGINES = {
  js: refuse('js'),
  javascript: refuse('javascript'),
  coffee: refuse('coffee'),
  coffeescript: refuse('coffeescript'),
  cson: refuse('cson'),
  yaml: { parse: (text: string) => parseYamlBounded(text), stringify: () => '' },
};

/** Options for every gray-matter call: YAML only, executable engines throw. */
export const SAFE_MATTER_OPTIONS = { language: 'yaml', engines: SAFE_ENGINES };

/** Split front matter off a note and read it without ever executing it. */
export function readFrontMatter(text: string): FrontMatterResult {
  const empty: FrontMatterResult = { data: {}, body: text, bodyLine: 0, lines: [], hasFrontMatter: false };
  const content = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!/^---[^\S\r\n]*[^\r\n-]*\r?\n/.test(content) && content.trim() !== '---') return empty;

  const firstLineEnd = content.indexOf('\n');
  const language = content.slice(3, firstLineEnd < 0 ? undefined : firstLineEnd).trim();
  const close = findClosingDelimiter(content);
  const allLines = content.split('\n');
  const endLine = close ?? allLines.length;
  const lines = allLines.slice(1, endLine).map((t, i) => ({ line: i + 1, text: t.replace(/\r$/, '') }));
  const body = close === undefined ? '' : allLines.slice(close + 1).join('\n');
  const base = { body, bodyLine: close === undefined ? allLines.length : close + 1, lines, hasFrontMatter: true };

  if (language !== '' && !/^ya?ml$/i.test(language)) {
    return {
      ...base,
      data: recoverLines(lines),
      error: { message: `Front matter language "${language.slice(0, 40)}" is not read (only YAML; nothing in it runs). Fields were recovered line by line.`, line: 0 },
    };
  }
  const rawLength = lines.reduce((n, l) => n + l.text.length + 1, 0);
  if (rawLength > MAX_FRONT_MATTER_CHARS) {
    return {
      ...base,
      data: recoverLines(lines.slice(0, 200)),
      error: { message: `Front matter is ${Math.round(rawLength / 1024)} KB, over the ${MAX_FRONT_MATTER_CHARS / 1024} KB limit; fields were recovered from its first lines.`, line: 0 },
    };
  }
  try {
    // Always pass options: without them gray-matter caches every input string forever.
    // The block is re-framed from the lines found above so gray-matter and this module agree on its end.
    const framed = '---\n' + lines.map((l) => l.text).join('\n') + '\n---\n';
    const file = matter(framed, SAFE_MATTER_OPTIONS as never);
    const data = isPlainData(file.data) ? (file.data as FrontMatterData) : {};
    return { ...base, data };
  } catch (err) {
    const e = err as { message?: string; mark?: { line?: number } };
    // gray-matter hands js-yaml the block starting with the newline after `---`, so js-yaml's
    // 0-based line number is already the file's line number.
    const line = typeof e.mark?.line === 'number' ? e.mark.line : 0;
    const reason = String(e.message ?? err).split('\n')[0].slice(0, 200);
    return { ...base, data: recoverLines(lines), error: { message: `Front matter is not valid YAML (${reason}); fields were recovered line by line.`, line } };
  }
}

function findClosingDelimiter(content: string): number | undefined {
  const lines = content.split('\n', 5000);
  for (let i = 1; i < lines.length; i++) {
    if (/^(---|\.\.\.)\s*$/.test(lines[i])) return i;
  }
  return undefined;
}

function isPlainData(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** js-yaml safe schema, after cheap guards against pathological nesting. */
export function parseYamlBounded(text: string): FrontMatterData {
  if (text.length > MAX_FRONT_MATTER_CHARS) throw new Error('front matter too large');
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) { if (++depth > MAX_FLOW_DEPTH) throw new Error(`nesting deeper than ${MAX_FLOW_DEPTH}`); }
    else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  const raw = yaml.safeLoad(text, { json: false });
  const budget = { nodes: MAX_NODES };
  const copy = toPlain(raw, budget, 0);
  if (budget.nodes <= 0) throw new Error(`front matter expands to more than ${MAX_NODES} values (aliases?)`);
  return isPlainData(copy) ? (copy as FrontMatterData) : {};
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deep copy into null-prototype plain data with a node budget (aliases share objects; the budget stops bombs). */
function toPlain(value: unknown, budget: { nodes: number }, depth: number): FrontMatterValue {
  if (--budget.nodes <= 0 || depth > MAX_FLOW_DEPTH) return null;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (Array.isArray(value)) {
    const out: FrontMatterValue[] = [];
    for (const item of value) {
      if (budget.nodes <= 0) break;
      out.push(toPlain(item, budget, depth + 1));
    }
    return out;
  }
  if (typeof value === 'object') {
    const out = Object.create(null) as FrontMatterData;
    for (const key of Object.keys(value as object)) {
      if (budget.nodes <= 0) break;
      if (FORBIDDEN_KEYS.has(key)) continue;
      out[key] = toPlain((value as Record<string, unknown>)[key], budget, depth + 1);
    }
    return out;
  }
  return null;
}

/**
 * Line-by-line recovery for front matter that is not valid YAML (e.g. `authors: [[A]], [[B]]`):
 * top-level `key: value` lines, `- item` lists under a key, and one level of nested `key: value`.
 */
export function recoverLines(lines: { text: string }[]): FrontMatterData {
  const out = Object.create(null) as FrontMatterData;
  let currentKey: string | undefined;
  for (const { text } of lines) {
    if (/^\s*#/.test(text) || text.trim() === '') continue;
    // A key may have spaces in it, as YAML's may (`publication date:`).
    const top = /^([A-Za-z_][\w.-]*(?: +[\w.-]+)*)\s*:\s*(.*)$/.exec(text);
    if (top) {
      const [, key, value] = top;
      if (FORBIDDEN_KEYS.has(key)) { currentKey = undefined; continue; }
      currentKey = key;
      out[key] = value.trim() === '' ? null : unquote(value.trim());
      continue;
    }
    if (!currentKey) continue;
    const item = /^\s+-\s+(.*)$/.exec(text);
    if (item) {
      const prev = out[currentKey];
      const list = Array.isArray(prev) ? prev : [];
      list.push(unquote(item[1].trim()));
      out[currentKey] = list;
      continue;
    }
    const nested = /^\s+([A-Za-z_][\w.-]*)\s*:\s*(.*)$/.exec(text);
    if (nested && !FORBIDDEN_KEYS.has(nested[1])) {
      const prev = out[currentKey];
      const obj = prev && typeof prev === 'object' && !Array.isArray(prev) ? prev : (Object.create(null) as FrontMatterData);
      obj[nested[1]] = unquote(nested[2].trim());
      out[currentKey] = obj;
    }
  }
  return out;
}

/** A recovered value without its quotes, cut to MAX_STRING as parsed values are. */
function unquote(value: string): string {
  const m = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  const text = m ? m[1] : value;
  return text.length > MAX_STRING ? text.slice(0, MAX_STRING) : text;
}
