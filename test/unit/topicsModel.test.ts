import * as assert from 'assert';
import { buildTree, TreeNode } from '../../client/src/topicsModel';
import type { PaperSummary, TopicNode } from '../../server/src/shared/protocol';

const summary = (key: string, title: string, year?: number, hasNote = false): [string, PaperSummary] => [key, { key, title, year, authors: [], hasNote }];
const topics: TopicNode[] = [
  { id: 'tag:ml', name: 'ml', kind: 'tag', count: 2, papers: ['a'], children: [{ id: 'tag:ml/peft', name: 'peft', kind: 'tag', count: 1, papers: ['b'], children: [] }] },
  { id: 'derived:reward model', name: 'reward model', kind: 'derived', count: 2, papers: ['c', 'b'], children: [] },
];
const papers = new Map([summary('a', 'Alpha paper', 2020, true), summary('b', 'Beta paper', 2021), summary('c', 'Gamma paper')]);

function ids(nodes: TreeNode[]): string[] {
  return nodes.flatMap((n) => [n.id, ...(n.type === 'topic' ? ids(n.children) : [])]);
}

describe('topic tree model (the Topics view data)', () => {
  it('nests topics and papers with counts, titles as labels, key and year as description', () => {
    const tree = buildTree({ topics, uncategorized: ['d'], papers, cited: new Set() });
    assert.deepStrictEqual(ids(tree), ['tag:ml', 'tag:ml/peft', 'tag:ml/peft/b', 'tag:ml/a', 'derived:reward model', 'derived:reward model/b', 'derived:reward model/c', 'uncategorized', 'uncategorized/d']);
    const ml = tree[0] as Extract<TreeNode, { type: 'topic' }>;
    assert.strictEqual(ml.count, 2);
    const alpha = ml.children[1] as Extract<TreeNode, { type: 'paper' }>;
    assert.deepStrictEqual({ title: alpha.title, description: alpha.description, hasNote: alpha.hasNote }, { title: 'Alpha paper', description: 'a · 2020', hasNote: true });
  });

  it('keeps ids stable across refreshes, so expanded topics stay expanded', () => {
    const one = ids(buildTree({ topics, uncategorized: [], papers, cited: new Set() }));
    const two = ids(buildTree({ topics: JSON.parse(JSON.stringify(topics)), uncategorized: [], papers, cited: new Set(['a']) }));
    assert.deepStrictEqual(one, two);
  });

  it('marks papers cited in the active document', () => {
    const tree = buildTree({ topics, uncategorized: [], papers, cited: new Set(['b']) });
    const all = (ns: TreeNode[]): TreeNode[] => ns.flatMap((n) => (n.type === 'topic' ? all(n.children) : [n]));
    assert.deepStrictEqual(all(tree).filter((n) => n.type === 'paper' && n.cited).map((n) => n.id), ['tag:ml/peft/b', 'derived:reward model/b']);
  });

  it('papers new since the user last looked come first in a New group (as well as under their topics); a filter applies to it too', () => {
    const tree = buildTree({ topics, uncategorized: [], papers, cited: new Set(), fresh: new Set(['c', 'b', 'gone']) });
    assert.deepStrictEqual(ids(tree).slice(0, 3), ['new', 'new/b', 'new/c']);
    assert.strictEqual((tree[0] as Extract<TreeNode, { type: 'topic' }>).count, 2, 'a key no longer in the library is not counted');
    assert.ok(ids(tree).includes('derived:reward model/c'));
    assert.deepStrictEqual(ids(buildTree({ topics, uncategorized: [], papers, cited: new Set(), fresh: new Set(['b']), filter: new Set(['c']) })).filter((i) => i.startsWith('new')), []);
    assert.ok(!ids(buildTree({ topics, uncategorized: [], papers, cited: new Set(), fresh: new Set() })).includes('new'));
  });

  it('a search filter keeps only matching papers and recounts', () => {
    const tree = buildTree({ topics, uncategorized: ['d'], papers, cited: new Set(), filter: new Set(['c']) });
    assert.deepStrictEqual(ids(tree), ['derived:reward model', 'derived:reward model/c']);
    assert.strictEqual((tree[0] as { count: number }).count, 1);
  });
});
