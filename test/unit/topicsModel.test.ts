import * as assert from 'assert';
import { outlineTree, paperNodes, TreeNode, viewMessage } from '../../client/src/topicsModel';
import type { PaperSummary, TopicOutline } from '../../server/src/shared/protocol';

const summary = (key: string, title: string, year?: number, hasNote = false): PaperSummary => ({ key, title, year, authors: [], hasNote });
const topics: TopicOutline[] = [
  { id: 'tag:ml', name: 'ml', kind: 'tag', count: 2, own: 1, children: [{ id: 'tag:ml/peft', name: 'peft', kind: 'tag', count: 1, own: 1, children: [] }] },
  { id: 'derived:reward model', name: 'reward model', kind: 'derived', count: 2, own: 2, children: [], phrases: ['reward model'] },
];

function ids(nodes: TreeNode[]): string[] {
  return nodes.flatMap((n) => [n.id, ...(n.type === 'topic' ? ids(n.children) : [])]);
}

describe('topic tree model (the Topics view data)', () => {
  it('nests topics with their counts; papers in no topic come last, as Other papers', () => {
    const tree = outlineTree({ topics, uncategorized: 3, fresh: 0 });
    assert.deepStrictEqual(ids(tree), ['tag:ml', 'tag:ml/peft', 'derived:reward model', 'uncategorized']);
    assert.deepStrictEqual(tree.map((t) => [t.count, t.own]), [[2, 1], [2, 2], [3, 3]]);
    assert.deepStrictEqual(tree[1].phrases, ['reward model']);
    assert.ok(!ids(outlineTree({ topics, uncategorized: 0, fresh: 0 })).includes('uncategorized'));
  });

  it('keeps ids stable across refreshes, so expanded topics stay expanded', () => {
    const one = ids(outlineTree({ topics, uncategorized: 1, fresh: 0 }));
    const two = ids(outlineTree({ topics: JSON.parse(JSON.stringify(topics)), uncategorized: 1, fresh: 0 }));
    assert.deepStrictEqual(one, two);
    assert.deepStrictEqual(paperNodes('tag:ml', [summary('a', 'Alpha')], new Set()).map((n) => n.id), ['tag:ml/a']);
  });

  it('a topic\'s papers: titles as labels, key and year (or digest date) as description, cited ones marked', () => {
    const nodes = paperNodes('derived:reward model', [summary('a', 'Alpha paper', 2020, true), { ...summary('b', 'Beta paper'), digestDate: '2025-09-08' }, summary('c', '')], new Set(['b']));
    assert.deepStrictEqual(nodes.map((n) => n.type === 'paper' && [n.title, n.description, n.hasNote, n.cited]), [
      ['Alpha paper', 'a · 2020', true, false],
      ['Beta paper', 'b · 2025-09-08', false, true],
      ['c', 'c', false, false],
    ]);
  });

  it('says how many papers of a topic are not shown', () => {
    const nodes = paperNodes('uncategorized', [summary('a', 'Alpha')], new Set(), 7);
    assert.deepStrictEqual(nodes[1], { type: 'more', id: 'uncategorized/…more', shown: 1, total: 7 });
    assert.strictEqual(paperNodes('uncategorized', [summary('a', 'Alpha')], new Set(), 1).length, 1);
  });

  it('papers new since the user last looked come first in a New group', () => {
    const tree = outlineTree({ topics, uncategorized: 0, fresh: 2 });
    assert.deepStrictEqual([tree[0].id, tree[0].kind, tree[0].count], ['new', 'new', 2]);
    assert.ok(!ids(outlineTree({ topics, uncategorized: 0, fresh: 0 })).includes('new'));
  });

  it('says above the tree why topics could not be computed, in the server\'s words, and what to do', () => {
    assert.strictEqual(viewMessage(undefined, undefined, true), undefined);
    assert.strictEqual(viewMessage({ query: 'reward', matches: 3 }, undefined, true), 'Papers matching “reward” (3)');
    // As the language client rejects a request whose handler threw: the worker's stack stays in the log.
    const stuck = new Error('Request litnotes/topicOutline failed with message: topics could not be computed: the computation took longer than 60 s and was stopped.\n    at TopicsClient.compute');
    assert.strictEqual(viewMessage(undefined, stuck, false), 'Topics could not be computed: the computation took longer than 60 s and was stopped. Refresh to try again; Show Output has the details.');
    const message = viewMessage({ query: 'reward', matches: 3 }, new Error('Client is not running'), true)!;
    assert.match(message, /^Topics could not be updated \(the tree is the one before\): Client is not running\. Refresh/);
    assert.match(message, /Papers matching “reward” \(3\)$/);
    assert.match(viewMessage(undefined, 'x'.repeat(5000), true)!, /: x{199}… Refresh/);
    assert.match(viewMessage(undefined, null, false)!, /computed: null\./);
  });
});
