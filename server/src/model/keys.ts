import { normalizeTitle } from '../util/text';

/**
 * Citation keys for digest papers (a contract: drafts depend on it).
 * 1. A short name before a colon is the key: "KaSA: ..." -> kasa, "RewardBench 2: ..." -> rewardbench-2.
 * 2. Otherwise the first three title words that are not stop words.
 * 3. A clash between different papers is settled by appending the next title word (not a stop word);
 *    when the title runs out of words, -2, -3, ... are appended.
 */

export const STOP_WORDS = new Set(
  ('a an the of for and or nor but in on at to with without by from as via is are was were be been being ' +
    'into onto over under about between across through using use do does can could should would will we our ' +
    'you your it its this that these those what when how why which who whom where than then vs versus not no ' +
    'yet so if').split(' '),
);

/** The longest prefix before a colon that still counts as a short name. */
const SHORT_NAME_MAX_WORDS = 3;
const SHORT_NAME_MAX_CHARS = 40;

/** Title words as they appear in keys: lower case, accents dropped, inner hyphens kept, other punctuation gone. */
export function keyWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .split(/[^a-z0-9-]+/)
    .map((w) => w.replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-'))
    .filter(Boolean);
}

/** The base key and the longer keys used to settle clashes, in order of preference. */
export function keyCandidates(title: string, max = 6): string[] {
  const colon = title.indexOf(':');
  let baseWords: string[] = [];
  let rest: string[];
  const prefix = colon > 0 ? title.slice(0, colon).trim() : '';
  const prefixWords = keyWords(prefix);
  if (prefixWords.length > 0 && prefixWords.length <= SHORT_NAME_MAX_WORDS && prefix.length <= SHORT_NAME_MAX_CHARS) {
    baseWords = prefixWords;
    rest = keyWords(title.slice(colon + 1)).filter((w) => !STOP_WORDS.has(w));
  } else {
    const all = keyWords(title);
    const content = all.filter((w) => !STOP_WORDS.has(w));
    const words = content.length > 0 ? content : all;
    baseWords = words.slice(0, 3);
    rest = words.slice(3);
  }
  if (baseWords.length === 0) baseWords = ['untitled'];
  const base = baseWords.join('-');
  const out = [base];
  let current = base;
  for (const w of rest) {
    if (out.length >= max) break;
    current = `${current}-${w}`;
    out.push(current);
  }
  return out;
}

/** The first candidate not in `taken`; numbered suffixes once the title's words are used up. */
export function chooseKey(candidates: string[], taken: (key: string) => boolean): string {
  for (const c of candidates) if (!taken(c)) return c;
  const last = candidates[candidates.length - 1];
  for (let n = 2; ; n++) if (!taken(`${last}-${n}`)) return `${last}-${n}`;
}

/**
 * The key of a paper titled `title` whose base key (TitleInfo.baseKey) is `baseKey`: the base key
 * itself when free (the very string, so the paper's key and its title's details share it), else
 * what chooseKey picks from the title's candidates, made only then: most base keys are free, and
 * every title's longer candidates, kept, were a sizeable part of a large library's heap.
 */
export function chooseKeyFrom(title: string, baseKey: string, taken: (key: string) => boolean): string {
  return taken(baseKey) ? chooseKey(keyCandidates(title), taken) : baseKey;
}

/**
 * What the library derives from a source's title, made once per source (in the parse worker during a scan).
 * Word lists are kept as single space-separated strings (keys and key words never hold a space): the
 * server thread holds one of these per source, and as arrays of words they were ~80,000 small
 * objects that every young-generation collection during the scan had to copy.
 */
export interface TitleInfo {
  /** Normalized title, for merging a paper's note and digest entries. */
  norm: string;
  /** keyCandidates(title)[0]: the key a digest entry of this title gets unless another paper has it (chooseKeyFrom). */
  baseKey: string;
  /** Title words for completion matching, hyphenated words also split, joined by spaces. */
  titleWords: string;
}

export function describeTitle(title: string): TitleInfo {
  return withSharedWords({
    norm: normalizeTitle(title),
    baseKey: keyCandidates(title, 1)[0],
    titleWords: keyWords(title).flatMap((w) => (w.includes('-') ? [w, ...w.split('-')] : [w])).join(' '),
  });
}

/**
 * The info with its title words and normalized title one string where they read alike (a title
 * without hyphens or apostrophes: about half of them), instead of two copies of it. For an info
 * made here, and for one that came from a parse worker, whose strings arrive as copies of their own.
 */
export function withSharedWords(info: TitleInfo): TitleInfo {
  if (info.titleWords === info.norm) info.titleWords = info.norm; // equal text; now the same string
  return info;
}
