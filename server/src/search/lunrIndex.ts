import lunr = require('lunr');
import type { SearchDoc } from './documents';

/** The fields every full-text index has, in order (a cached index with others is not trusted). */
export const FIELDS = ['title', 'authors', 'abstract', 'body'];

/** One lunr index over documents: title boosted most, then authors. Shards and the bench baseline use this. */
export function buildIndex(docs: Iterable<SearchDoc>): lunr.Index {
  return lunr(function () {
    this.ref('id');
    this.field('title', { boost: 10 });
    this.field('authors', { boost: 3 });
    this.field('abstract');
    this.field('body');
    for (const d of docs) this.add(d);
  });
}
