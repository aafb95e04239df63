import { TopicNode, TopicOutline, UNCATEGORIZED_TOPIC } from '../shared/protocol';

/**
 * The topic tree as a view asks for it: its topics first (`topicOutline`), then the papers of a
 * topic when the user opens it (`topicPaperKeys`). Both read the tree the topics worker made and
 * change nothing; `keys`, when given, is a search filter: only those papers count.
 */
export function topicOutline(tree: readonly TopicNode[], unplaced: readonly string[], keys?: ReadonlySet<string>): { topics: TopicOutline[]; uncategorized: number } {
  if (!keys) return { topics: tree.map(outlineOf), uncategorized: unplaced.length };
  const topics: TopicOutline[] = [];
  for (const node of tree) {
    const kept = filteredOutline(node, keys);
    if (kept) topics.push(kept.outline);
  }
  return { topics, uncategorized: countIn(unplaced, keys) };
}

/** The keys of a topic's own papers (not its subtopics'), in the tree's order; undefined when no topic has that id. */
export function topicPaperKeys(tree: readonly TopicNode[], unplaced: readonly string[], id: string, keys?: ReadonlySet<string>): readonly string[] | undefined {
  const own = id === UNCATEGORIZED_TOPIC ? unplaced : findTopic(tree, id)?.papers;
  if (!own) return undefined;
  return keys ? own.filter((k) => keys.has(k)) : own;
}

function outlineOf(node: TopicNode): TopicOutline {
  const out: TopicOutline = { id: node.id, name: node.name, kind: node.kind, count: node.count, own: node.papers.length, children: node.children.map(outlineOf) };
  if (node.phrases) out.phrases = node.phrases;
  return out;
}

/** The node with only the topics that hold a filtered paper; its count is of the distinct filtered papers under it. */
function filteredOutline(node: TopicNode, keys: ReadonlySet<string>): { outline: TopicOutline; under: Set<string> } | undefined {
  const under = new Set<string>();
  let own = 0;
  for (const k of node.papers) if (keys.has(k)) { own++; under.add(k); }
  const children: TopicOutline[] = [];
  for (const child of node.children) {
    const kept = filteredOutline(child, keys);
    if (!kept) continue;
    children.push(kept.outline);
    for (const k of kept.under) under.add(k);
  }
  if (under.size === 0) return undefined;
  const outline: TopicOutline = { id: node.id, name: node.name, kind: node.kind, count: under.size, own, children };
  if (node.phrases) outline.phrases = node.phrases;
  return { outline, under };
}

function findTopic(nodes: readonly TopicNode[], id: string): TopicNode | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const found = findTopic(node.children, id);
    if (found) return found;
  }
  return undefined;
}

function countIn(list: readonly string[], keys: ReadonlySet<string>): number {
  let n = 0;
  for (const k of list) if (keys.has(k)) n++;
  return n;
}
