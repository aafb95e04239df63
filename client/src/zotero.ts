/**
 * Zotero's link to an item by its citation key (`zotero://select/items/@key`, which Better BibTeX
 * answers: Zotero comes to the front with the item selected), for a key a bibliography entry has.
 * Undefined for a key with characters no citation key has (the link goes to another application).
 */
export function zoteroSelectUri(key: string): string | undefined {
  return /^[\p{L}\p{N}_][\p{L}\p{N}_:.+\-/]{0,255}$/u.test(key) ? `zotero://select/items/@${key}` : undefined;
}
