import { NEW_PAPERS_TOPIC, PaperSummary, TopicOutline, UNCATEGORIZED_TOPIC } from '../../server/src/shared/protocol';

/**
 * The topic tree as the view shows it: pure data built from the server's answers (unit-tested).
 * A topic node holds its subtopics; its own papers are asked for when it is opened (`own` says how
 * many there are), and become paper nodes under it, after the subtopics.
 */
export type TreeNode =
  | { type: 'topic'; id: string; name: string; kind: TopicOutline['kind'] | 'new'; count: number; own: number; children: TreeNode[]; phrases?: string[] }
  | { type: 'paper'; id: string; key: string; title: string; description: string; hasNote: boolean; cited: boolean }
  | { type: 'more'; id: string; shown: number; total: number };

export type TopicItem = Extract<TreeNode, { type: 'topic' }>;

export interface OutlineInput {
  topics: TopicOutline[];
  /** Papers in no topic (shown last, as "Other papers"). */
  uncategorized: number;
  /** Papers that arrived since the user last opened the New group (shown first, as well as under their topics). */
  fresh: number;
}

/** Ids are stable across refreshes (topic ids from the server, papers under them), so expanded nodes stay expanded. */
export function outlineTree(input: OutlineInput): TopicItem[] {
  const topic = (t: TopicOutline): TopicItem => ({ type: 'topic', id: t.id, name: t.name, kind: t.kind, count: t.count, own: t.own, children: t.children.map(topic), phrases: t.phrases });
  const roots = input.topics.map(topic);
  if (input.uncategorized) roots.push({ type: 'topic', id: UNCATEGORIZED_TOPIC, name: 'Other papers', kind: 'derived', count: input.uncategorized, own: input.uncategorized, children: [] });
  if (input.fresh) roots.unshift({ type: 'topic', id: NEW_PAPERS_TOPIC, name: 'New', kind: 'new', count: input.fresh, own: input.fresh, children: [] });
  return roots;
}

/** A topic's papers as nodes under it, in the order given (the server sorts them by title); a last node says when some are not shown. */
export function paperNodes(parentId: string, papers: readonly PaperSummary[], cited: ReadonlySet<string>, total = papers.length): TreeNode[] {
  const nodes: TreeNode[] = papers.map((p) => ({
    type: 'paper',
    id: `${parentId}/${p.key}`,
    key: p.key,
    title: p.title || p.key,
    description: [p.key, p.year ?? p.digestDate].filter(Boolean).join(' · '),
    hasNote: p.hasNote,
    cited: cited.has(p.key),
  }));
  if (total > papers.length) nodes.push({ type: 'more', id: `${parentId}/…more`, shown: papers.length, total });
  return nodes;
}


/**
 * What the view says above its tree: the filter in force, and why the last refresh failed (the tree
 * then still shows what it had, if anything). `failure` is the error the request was rejected with.
 */
export function viewMessage(filter: { query: string; matches: number } | undefined, failure: unknown, hasTree: boolean): string | undefined {
  const parts: string[] = [];
  if (failure !== undefined) {
    const reason = failureReason(failure);
    const end = reason.endsWith('…') ? '' : '.';
    parts.push(`${hasTree ? 'Topics could not be updated (the tree is the one before)' : 'Topics could not be computed'}: ${reason}${end} Refresh to try again; Show Output has the details.`);
  }
  if (filter) parts.push(`Papers matching “${filter.query}” (${filter.matches})`);
  return parts.length ? parts.join(' ') : undefined;
}

/** The first line of an error's message, without the wrapping the language client and server add (a worker's stack stays in the log). */
function failureReason(failure: unknown): string {
  const message = String((failure as { message?: unknown } | null)?.message ?? failure);
  const line = message.split('\n', 1)[0]
    .replace(/^Request \S+ failed with message: /, '')
    .replace(/^topics could not be computed: /, '')
    .replace(/^Error: /, '')
    .replace(/[.\s]+$/, '');
  return (line.length > 200 ? `${line.slice(0, 199)}…` : line) || 'unknown error';
}
