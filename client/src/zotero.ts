/**
 * Zotero's link to an item by its citation key (`zotero://select/items/@key`, which Better BibTeX
 * answers: Zotero comes to the front with the item selected), for a key a bibliography entry has.
 * Undefined for a key with characters no citation key has (the link goes to another application).
 */
export function zoteroSelectUri(key: string): string | undefined {
  return /^[\p{L}\p{N}_][\p{L}\p{N}_:.+\-/]{0,255}$/u.test(key) ? `zotero://select/items/@${key}` : undefined;
}

/**
 * Better BibTeX's "cite as you write" endpoint on Zotero's local server: `probe` asks whether it is
 * there (it answers `ready`); otherwise Zotero shows its citation picker and answers, once the user
 * has picked, with the citation in pandoc's syntax (`[@a; @b]`).
 */
export function caywUrl(base: string, probe = false): string | undefined {
  let url: URL;
  try { url = new URL(`${base.replace(/\/+$/, '')}/better-bibtex/cayw`); } catch { return undefined; }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (probe) url.searchParams.set('probe', 'true');
  else { url.searchParams.set('format', 'pandoc'); url.searchParams.set('brackets', 'true'); }
  return url.toString();
}

/** The keys of a citation in pandoc's syntax as the picker answers it; none when nothing was picked. */
export function caywKeys(answer: string): string[] {
  const keys: string[] = [];
  for (const m of answer.slice(0, 100_000).matchAll(/(?:^|[\s;[])-?@([\p{L}\p{N}_][^\s;,\]\[{}]{0,255})/gu)) {
    const key = m[1].replace(/[.:]+$/, '');
    if (!keys.includes(key)) keys.push(key);
  }
  return keys.slice(0, 100);
}
