import { TopicNode, TopicOutline, UNCATEGORIZED_TOPIC } from '../shared/protocol';

/**
 * The topic tree as a view asks for it: its topics first (`topicOutline`), then the papers of a
 * topic when the user opens it (`topicPapersOf`). Both read the tree the topics worker made and
 * change nothing. A node names its papers as `P` (keys, or the server's numbers for them); one
 * paper is always named alike. `wanted`, when given, is a search filter: only those papers count.
 */
export function topicOutline<P>(tree: readonly TopicNode<P>[], unplaced: readonly P[], wanted?: (paper: P) => boolean): { topics: TopicOutline[]; uncategorized: number } {
  if (!wanted) return { topics: tree.map(outlineOf), uncategorized: unplaced.length };
  const topics: TopicOutline[] = [];
  for (const node of tree) {
    const kept = filteredOutline(node, wanted);
    if (kept) topics.push(kept.outline);
  }
  return { topics, uncategorized: countIn(unplaced, wanted) };
}

/** A topic's own papers (not its subtopics'), in the tree's order; undefined when no topic has that id. */
export function topicPapersOf<P>(tree: readonly TopicNode<P>[], unplaced: readonly P[], id: string, wanted?: (paper: P) => boolean): readonly P[] | undefined {
  const own = id === UNCATEGORIZED_TOPIC ? unplaced : findTopic(tree, id)?.papers;
  if (!own) return undefined;
  return wanted ? own.filter(wanted) : own;
}

/**
 * The tree with its papers named otherwise (the server's numbers as keys, for the wire; the
 * worker's keys as places in the batch). A paper `name` has no name for is left out.
 */
export function renamePapers<P, Q>(tree: readonly TopicNode<P>[], name: (paper: P) => Q | undefined): TopicNode<Q>[] {
  return tree.map((node) => {
    const papers: Q[] = [];
    for (const paper of node.papers) {
      const named = name(paper);
      if (named !== undefined) papers.push(named);
    }
    const out: TopicNode<Q> = { id: node.id, name: node.name, kind: node.kind, count: node.count, papers, children: renamePapers(node.children, name) };
    if (node.phrases) out.phrases = node.phrases;
    return out;
  });
}

function outlineOf<P>(node: TopicNode<P>): TopicOutline {
  const out: TopicOutline = { id: node.id, name: node.name, kind: node.kind, count: node.count, own: node.papers.length, children: node.children.map(outlineOf) };
  if (node.phrases) out.phrases = node.phrases;
  return out;
}

/** The node with only the topics that hold a filtered paper; its count is of the distinct filtered papers under it. */
function filteredOutline<P>(node: TopicNode<P>, wanted: (paper: P) => boolean): { outline: TopicOutline; under: Set<P> } | undefined {
  const under = new Set<P>();
  let own = 0;
  for (const k of node.papers) if (wanted(k)) { own++; under.add(k); }
  const children: TopicOutline[] = [];
  for (const child of node.children) {
    const kept = filteredOutline(child, wanted);
    if (!kept) continue;
    children.push(kept.outline);
    for (const k of kept.under) under.add(k);
  }
  if (under.size === 0) return undefined;
  const outline: TopicOutline = { id: node.id, name: node.name, kind: node.kind, count: under.size, own, children };
  if (node.phrases) outline.phrases = node.phrases;
  return { outline, under };
}

function findTopic<P>(nodes: readonly TopicNode<P>[], id: string): TopicNode<P> | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const found = findTopic(node.children, id);
    if (found) return found;
  }
  return undefined;
}

function countIn<P>(list: readonly P[], wanted: (paper: P) => boolean): number {
  let n = 0;
  for (const k of list) if (wanted(k)) n++;
  return n;
}
