import * as assert from 'assert';
import { computeTopicTree, DEFAULT_TOPIC_OPTIONS, PhraseCache, TopicNode, topicPapers } from '../../server/src/topics/topics';
import { libraryOf } from './helpers';

function flatten(nodes: TopicNode[]): TopicNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/** A Daily Papers JSON digest: eight themes of five papers; the "fast generation" papers each say it differently. */
function digest(withKeywords: boolean): string {
  const themes = ['reward model', 'image diffusion', 'dense retrieval', 'speech recognition', 'protein folding', 'machine translation', 'weather forecasting'];
  const fast = ['Drafting tokens with a small model and verifying them in parallel.', 'Guessing several next words, then checking the guesses at once.',
    'A cheap drafter proposes continuations that the large network accepts or rejects.', 'Parallel verification of proposed continuations cuts latency.',
    'Lookahead proposals are validated by the target network in one pass.'];
  const entries = [];
  for (let i = 0; i < 35; i++) {
    const theme = themes[i % themes.length];
    entries.push({ paper: { id: `2401.${String(10000 + i)}`, title: `A study of ${theme} number ${i}`, summary: `We study ${theme} in depth. Variant ${i}.`, ai_keywords: withKeywords ? [theme] : undefined } });
  }
  const titles = ['Drafting for speed', 'Guess then check', 'Cheap drafters help', 'Verify in parallel', 'Lookahead proposals'];
  fast.forEach((summary, i) => entries.push({ paper: { id: `2402.${String(10000 + i)}`, title: titles[i], summary, ai_keywords: withKeywords ? ['speculative decoding', 7, { x: 1 }] : undefined } }));
  return JSON.stringify(entries);
}

describe('digest keywords (Hugging Face ai_keywords) as evidence for derived topics', () => {
  it('are read from a Daily Papers entry: strings only', () => {
    const lib = libraryOf({ 'digests/2026-01-01.daily-papers.json': digest(true) });
    const paper = lib.papers().find((p) => p.title === 'Drafting for speed')!;
    assert.deepStrictEqual(paper.keywords, ['speculative decoding']);
  });

  it('papers that share a keyword but no wording come together under it', () => {
    const topics = (keywords: boolean) => flatten(computeTopicTree(topicPapers(libraryOf({ 'digests/2026-01-01.daily-papers.json': digest(keywords) })), DEFAULT_TOPIC_OPTIONS, new PhraseCache()));
    const fastKeys = (lib: TopicNode[]) => lib.find((n) => n.name === 'speculative decoding');
    assert.strictEqual(fastKeys(topics(false)), undefined, 'without keywords no phrase joins them');
    const topic = fastKeys(topics(true));
    assert.ok(topic, 'a "speculative decoding" topic');
    assert.strictEqual(topic.papers.length, 5);
  });
});
