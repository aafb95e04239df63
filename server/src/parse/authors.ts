import type { FrontMatterValue } from './frontMatter';

/** Authors from any common shape: list of names, "Last, First" pairs flattened, CSL objects, one string. */
export function parseAuthors(value: FrontMatterValue | undefined): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return splitAuthorString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return [];
  if (Array.isArray(value)) {
    const names: string[] = [];
    const strings = value.filter((v): v is string => typeof v === 'string').map(stripLinks);
    // [Lin, Stephanie, Hilton, Jacob]: single-word items in even number are "Last, First" pairs.
    if (strings.length === value.length && strings.length >= 2 && strings.length % 2 === 0 && strings.every((s) => !/\s/.test(s.trim()))) {
      for (let i = 0; i < strings.length; i += 2) names.push(`${strings[i + 1].trim()} ${strings[i].trim()}`);
      return names;
    }
    for (const item of value) {
      if (typeof item === 'string') names.push(...splitAuthorString(item, false));
      else if (Array.isArray(item)) names.push(...parseAuthors(item)); // YAML reads [[Peize Sun]] as a nested list
      else if (item && typeof item === 'object') {
        const o = item as Record<string, FrontMatterValue>;
        const literal = o.name ?? o.literal;
        if (typeof literal === 'string') names.push(stripLinks(literal));
        else if (typeof o.family === 'string') names.push(typeof o.given === 'string' ? `${o.given} ${o.family}` : o.family);
        else if (typeof o.last === 'string') names.push(typeof o.first === 'string' ? `${o.first} ${o.last}` : o.last);
      }
    }
    return names.map((n) => n.trim()).filter(Boolean).slice(0, 500);
  }
  return [];
}

function stripLinks(text: string): string {
  return text.replace(/\[\[([^\]|]*)(?:\|[^\]]*)?\]\]/g, '$1').replace(/^\s*\[+|\]+\s*$/g, '').trim();
}

function splitAuthorString(raw: string, allowCommaList = true): string[] {
  const text = stripLinks(raw.replace(/\[\[([^\]|]*)(?:\|[^\]]*)?\]\]/g, '$1'));
  if (/\s+and\s+|;/.test(text)) {
    // BibTeX style "Last, First and Last, First" or "A; B".
    return text.split(/\s+and\s+|;/).map((part) => flipLastFirst(part.trim())).filter(Boolean);
  }
  if (!allowCommaList) return [flipLastFirst(text)].filter(Boolean);
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  // "Lin, Stephanie" (one person) versus "Kai König, Martin Mönnigmann" (two people).
  if (parts.length === 2 && !/\s/.test(parts[0]) && !/\s/.test(parts[1])) return [`${parts[1]} ${parts[0]}`];
  return parts;
}

function flipLastFirst(name: string): string {
  const m = /^([^,]+),\s*(.+)$/.exec(name);
  return m ? `${m[2].trim()} ${m[1].trim()}` : name.trim();
}

/** Family names, lower-cased, for matching a typed author name. */
export function authorTokens(authors: string[]): string[] {
  const out = new Set<string>();
  for (const a of authors) for (const w of a.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/)) if (w.length > 1) out.add(w);
  return [...out];
}
