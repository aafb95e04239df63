/**
 * Candidate topic phrases in a paper's title and abstract: 1-3 word n-grams that do not start or
 * end with a stop word or academic boilerplate ("we propose", "results show"), hyphens split
 * ("mixture-of-experts" = "mixture of experts"), plurals folded ("reward models" = "reward model").
 */

const STOP = new Set(('a an the of for and or nor but in on at to with without by from as via is are was were be been being ' +
  'into onto over under about between across through using use uses used do does did can could should would will may might ' +
  'we our you your it its this that these those what when how why which who whom where than then vs versus not no yet so if ' +
  'such each both all any more most less other another same their they them there here also only very can\'t isn\'t ' +
  'i e g et al etc up out while whether within without upon per').split(' '));

/** Words that say nothing about a paper's subject; never a topic alone, never at a phrase's edge. */
const GENERIC = new Set(('model models modeling modelling method methods approach approaches paper papers propose proposed proposes ' +
  'show shows showed shown demonstrate demonstrates demonstrated result results performance perform performs data dataset datasets ' +
  'training train trained task tasks new novel based existing different various significant significantly state art ' +
  'first second two three one four five several many well improve improves improved improvement improvements improving achieve ' +
  'achieves achieved framework frameworks study studies extensive experiment experiments effective effectively efficiency ' +
  'specific general key work works problem problems challenge challenges challenging ' +
  'technique techniques strategy strategies present presents introduce introduces introduced evaluate evaluated evaluation ' +
  'evaluations recent recently prior previous further however although limited limitation limitations level better best ' +
  'outperform outperforms outperforming baseline baselines compared comparison code available github https http com www ' +
  'release released publicly source open make makes making way ways number numbers range wide variety lack often thus ' +
  'address addresses addressing able enable enables enabling provide provides providing including include includes ' +
  'across leverage leverages leveraging consistently substantially highly even still time times setting settings').split(' '));

export interface PaperPhrases {
  /** Phrase key -> weight in this paper (title occurrences count 3, abstract 1). */
  weights: Map<string, number>;
  /** Phrase keys that occur in the title. */
  inTitle: Set<string>;
  /** Phrase key -> surface form seen (for naming). */
  surface: Map<string, string>;
}

function fold(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1);
  return word;
}

/** Fine inside or at the start of a phrase ("low rank", "parameter efficient"), never a topic alone. */
const NOT_ALONE = new Set('efficient efficiently large small low high fine multi cross deep'.split(' '));

function startOk(w: string): boolean {
  return !STOP.has(w) && !GENERIC.has(w) && w.length > 1 && !/^\d+$/.test(w);
}

/** A phrase may end in a generic word ("reward model", "diffusion model"), but not in a stop word. */
function endOk(w: string): boolean {
  return !STOP.has(w) && w.length > 1 && !/^\d+$/.test(w);
}

/** Runs of words between punctuation, lower-cased, hyphens split into words (one pass over the text). */
function segments(text: string): string[][] {
  const clean = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/https?:\/\/\S+/g, ' . ');
  const out: string[][] = [];
  let current: string[] = [];
  for (const m of clean.matchAll(/[a-z0-9]+(?:'[a-z]+)?|[.,;:!?()[\]{}"“”\n]|\s-\s/g)) {
    const tok = m[0];
    const c = tok.charCodeAt(0);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      current.push(tok.endsWith("'s") ? tok.slice(0, -2) : tok.replace(/'.*$/, ''));
    } else if (current.length) {
      out.push(current);
      current = [];
    }
  }
  if (current.length) out.push(current);
  return out;
}

function addPhrases(text: string, weight: number, out: PaperPhrases, title: boolean): void {
  for (const words of segments(text)) {
    const folded = words.map(fold);
    const canStart = words.map(startOk);
    const canEnd = words.map(endOk);
    for (let i = 0; i < words.length; i++) {
      if (!canStart[i]) continue;
      let key = folded[i];
      let surface = words[i];
      for (let n = 1; n <= 3 && i + n <= words.length; n++) {
        const last = i + n - 1;
        if (n > 1) { key += ' ' + folded[last]; surface += ' ' + words[last]; }
        if (!canEnd[last]) continue;
        if (n === 3 && STOP.has(words[i + 1]) && words[i + 1] !== 'of' && words[i + 1] !== 'and') continue;
        if (n === 1 && (words[i].length < 3 || GENERIC.has(words[i]) || NOT_ALONE.has(words[i]))) continue;
        out.weights.set(key, (out.weights.get(key) ?? 0) + weight);
        if (!out.surface.has(key)) out.surface.set(key, surface);
        if (title) out.inTitle.add(key);
      }
    }
  }
}

export function paperPhrases(title: string, abstract: string): PaperPhrases {
  const out: PaperPhrases = { weights: new Map(), inTitle: new Set(), surface: new Map() };
  addPhrases(title, 3, out, true);
  addPhrases(abstract, 1, out, false);
  return out;
}

export function phraseWords(key: string): string[] {
  return key.split(' ');
}
