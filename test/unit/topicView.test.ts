import * as assert from 'assert';
import { renamePapers, topicOutline, topicPapersOf } from '../../server/src/topics/topicView';
import type { TopicNode } from '../../server/src/shared/protocol';

const tree: TopicNode[] = [
  {
    id: 'tag:ml', name: 'ml', kind: 'tag', count: 3, papers: ['a'],
    children: [
      { id: 'tag:ml/peft', name: 'peft', kind: 'tag', count: 2, papers: ['b', 'c'], children: [] },
      { id: 'tag:ml/rl', name: 'rl', kind: 'tag', count: 1, papers: ['a'], children: [] },
    ],
  },
  { id: 'derived:reward model', name: 'reward model', kind: 'derived', count: 2, papers: ['c', 'd'], children: [], phrases: ['reward model', 'reward models'] },
];
const unplaced = ['e', 'f'];

describe('topic view (the tree as the Topics view asks for it)', () => {
  it('the outline has every topic, its count and how many papers are its own, and no keys', () => {
    const { topics, uncategorized } = topicOutline(tree, unplaced);
    assert.strictEqual(uncategorized, 2);
    assert.deepStrictEqual(topics, [
      {
        id: 'tag:ml', name: 'ml', kind: 'tag', count: 3, own: 1,
        children: [
          { id: 'tag:ml/peft', name: 'peft', kind: 'tag', count: 2, own: 2, children: [] },
          { id: 'tag:ml/rl', name: 'rl', kind: 'tag', count: 1, own: 1, children: [] },
        ],
      },
      { id: 'derived:reward model', name: 'reward model', kind: 'derived', count: 2, own: 2, children: [], phrases: ['reward model', 'reward models'] },
    ]);
    assert.ok(!JSON.stringify(topics).includes('"papers"'));
  });

  it('a topic\'s own papers by id, at any depth; the papers in no topic by "uncategorized"; nothing for an unknown id', () => {
    assert.deepStrictEqual(topicPapersOf(tree, unplaced, 'tag:ml'), ['a']);
    assert.deepStrictEqual(topicPapersOf(tree, unplaced, 'tag:ml/peft'), ['b', 'c']);
    assert.deepStrictEqual(topicPapersOf(tree, unplaced, 'derived:reward model'), ['c', 'd']);
    assert.deepStrictEqual(topicPapersOf(tree, unplaced, 'uncategorized'), ['e', 'f']);
    assert.strictEqual(topicPapersOf(tree, unplaced, 'tag:none'), undefined);
    assert.strictEqual(topicPapersOf(tree, unplaced, '__proto__'), undefined);
  });

  it('with a filter, only topics holding a filtered paper, counted over the distinct filtered papers under them', () => {
    const filter = new Set(['a', 'c', 'f']);
    const keys = (k: string) => filter.has(k);
    const { topics, uncategorized } = topicOutline(tree, unplaced, keys);
    assert.strictEqual(uncategorized, 1);
    assert.deepStrictEqual(topics.map((t) => [t.id, t.count, t.own, t.children.map((c) => [c.id, c.count, c.own])]), [
      ['tag:ml', 2, 1, [['tag:ml/peft', 1, 1], ['tag:ml/rl', 1, 1]]], // a counted once though it is under ml and rl
      ['derived:reward model', 1, 1, []],
    ]);
    assert.deepStrictEqual(topicPapersOf(tree, unplaced, 'tag:ml/peft', keys), ['c']);
    assert.deepStrictEqual(topicPapersOf(tree, unplaced, 'uncategorized', keys), ['f']);
    assert.deepStrictEqual(topicOutline(tree, unplaced, (k) => k === 'zzz'), { topics: [], uncategorized: 0 });
  });

  it('a tree naming its papers by number (as the server holds it) gives what the same tree by key gives', () => {
    const order = ['a', 'b', 'c', 'd', 'e', 'f'];
    const numbered = renamePapers(tree, (k) => order.indexOf(k));
    assert.deepStrictEqual(numbered[0].children[0].papers, [1, 2]);
    const placesOfUnplaced = unplaced.map((k) => order.indexOf(k));
    const filter = (i: number) => ['a', 'c', 'f'].includes(order[i]);
    assert.deepStrictEqual(topicOutline(numbered, placesOfUnplaced, filter), topicOutline(tree, unplaced, (k) => ['a', 'c', 'f'].includes(k)));
    assert.deepStrictEqual(topicPapersOf(numbered, placesOfUnplaced, 'derived:reward model')!.map((i) => order[i]), ['c', 'd']);
    assert.deepStrictEqual(renamePapers(numbered, (i) => order[i]), tree, 'and back, phrases and all');
    const withoutC = renamePapers(tree, (k) => (k === 'c' ? undefined : k));
    assert.deepStrictEqual(topicPapersOf(withoutC, unplaced, 'tag:ml/peft'), ['b'], 'a paper with no name is left out');
  });
});
