import lunr = require('lunr');

/** The fields every full-text index has, in order (a cached index with others is not trusted). */
export const FIELDS = ['title', 'authors', 'abstract', 'body'];

/** Each field's boost, by its position in FIELDS: the title counts most, then the authors. */
export const FIELD_BOOSTS = [10, 3, 1, 1];

/** lunr.tokenizer's split: lower case, then every run of whitespace or hyphens separates words. */
export function splitWords(text: unknown): unknown[] {
  if (text == null) return [];
  if (Array.isArray(text)) return lunr.tokenizer(text).map(String);
  const words = String(text).toLowerCase().split(/[\s-]+/);
  if (words.length && words[words.length - 1] === '') words.pop();
  if (words.length && words[0] === '') words.shift();
  return words;
}

const DEFAULT_PIPELINE = new lunr.Pipeline();
DEFAULT_PIPELINE.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);

/** Past this many remembered words, a memo of pipeline terms starts afresh. */
export const MEMO_LIMIT = 200_000;

/** What lunr's default indexing pipeline makes of one word: its term, or null when it drops the word. */
export function pipelineTerm(word: string): string | null {
  const out = DEFAULT_PIPELINE.run([new lunr.Token(word, {})]);
  return out.length ? out[0].toString() : null;
}
