/**
 * The user's corrections to derived topics, as the settings they are kept in (pure; unit-tested).
 * Renaming or merging writes `litnotes.topics.vocabulary` (a named topic for the phrases that
 * define the derived one, which takes precedence over derived topics); hiding writes the phrases
 * to `litnotes.topics.hidden`, so they are never chosen as topics again.
 */

export type Vocabulary = Record<string, string[]>;

/** A topic as the edits need it: its name, kind and the phrases that define it. */
export interface EditableTopic { name: string; kind: string; phrases?: string[] }

/** The phrases a topic stands for: a derived topic's defining phrases, a vocabulary topic's words. */
export function phrasesOf(topic: EditableTopic, vocabulary: Vocabulary): string[] {
  if (topic.kind === 'vocabulary') return vocabulary[topic.name] ?? [topic.name];
  return topic.phrases?.length ? topic.phrases : [topic.name];
}

/** The vocabulary with the topic under a new name; undefined when the name is empty. */
export function renamed(vocabulary: Vocabulary, topic: EditableTopic, name: string): Vocabulary | undefined {
  const to = name.trim();
  if (!to) return undefined;
  const next = { ...vocabulary };
  const phrases = phrasesOf(topic, vocabulary);
  if (topic.kind === 'vocabulary' && to !== topic.name) delete next[topic.name];
  next[to] = union(next[to] ?? [], phrases);
  return next;
}

/** The vocabulary with `source`'s papers under `target` (named as target is). */
export function merged(vocabulary: Vocabulary, source: EditableTopic, target: EditableTopic): Vocabulary {
  const next = { ...vocabulary };
  const phrases = union(phrasesOf(target, vocabulary), phrasesOf(source, vocabulary));
  if (source.kind === 'vocabulary' && source.name !== target.name) delete next[source.name];
  next[target.name] = phrases;
  return next;
}

/** The hidden list with the topic's phrases added (each once). */
export function hidden(list: string[], topic: EditableTopic): string[] {
  return union(list, topic.phrases?.length ? topic.phrases : [topic.name]);
}

function union(a: string[], b: string[]): string[] {
  const seen = new Set(a.map((x) => x.toLowerCase()));
  return [...a, ...b.filter((x) => !seen.has(x.toLowerCase()) && seen.add(x.toLowerCase()))];
}
