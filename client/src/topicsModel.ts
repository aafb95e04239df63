import type { PaperSummary, TopicNode } from '../../server/src/shared/protocol';

/** The topic tree as the view shows it: pure data built from the server's answers (unit-tested). */
export type TreeNode =
  | { type: 'topic'; id: string; name: string; kind: TopicNode['kind'] | 'new'; count: number; children: TreeNode[]; phrases?: string[] }
  | { type: 'paper'; id: string; key: string; title: string; description: string; hasNote: boolean; cited: boolean };

export interface TreeInput {
  topics: TopicNode[];
  uncategorized: string[];
  papers: Map<string, PaperSummary>;
  /** Keys cited in the active document. */
  cited: Set<string>;
  /** When set, only these keys are shown (a search filter). */
  filter?: Set<string>;
  /** Papers that arrived since the user last opened the New group (shown first, as well as under their topics). */
  fresh?: Set<string>;
}

/** Ids are stable across refreshes (topic ids from the server, papers under them), so expanded nodes stay expanded. */
export function buildTree(input: TreeInput): TreeNode[] {
  const paper = (parentId: string, key: string): TreeNode | undefined => {
    if (input.filter && !input.filter.has(key)) return undefined;
    const p = input.papers.get(key);
    const description = [key, p?.year ?? p?.digestDate].filter(Boolean).join(' · ');
    return { type: 'paper', id: `${parentId}/${key}`, key, title: p?.title ?? key, description, hasNote: !!p?.hasNote, cited: input.cited.has(key) };
  };
  const topic = (t: TopicNode): TreeNode | undefined => {
    const children = [
      ...t.children.map(topic).filter((c): c is TreeNode => !!c),
      ...t.papers.map((k) => paper(t.id, k)).filter((c): c is TreeNode => !!c).sort(byTitle),
    ];
    if (children.length === 0) return undefined;
    const count = input.filter ? countPapers(children) : t.count;
    return { type: 'topic', id: t.id, name: t.name, kind: t.kind, count, children, phrases: t.phrases };
  };
  const roots = input.topics.map(topic).filter((n): n is TreeNode => !!n);
  const other = input.uncategorized.map((k) => paper('uncategorized', k)).filter((n): n is TreeNode => !!n).sort(byTitle);
  if (other.length) roots.push({ type: 'topic', id: 'uncategorized', name: 'Other papers', kind: 'derived', count: other.length, children: other });
  const fresh = [...(input.fresh ?? [])].filter((k) => input.papers.has(k)).map((k) => paper('new', k)).filter((n): n is TreeNode => !!n).sort(byTitle);
  if (fresh.length) roots.unshift({ type: 'topic', id: 'new', name: 'New', kind: 'new', count: fresh.length, children: fresh });
  return roots;
}

function countPapers(nodes: TreeNode[]): number {
  const keys = new Set<string>();
  const walk = (ns: TreeNode[]) => { for (const n of ns) if (n.type === 'paper') keys.add(n.key); else walk(n.children); };
  walk(nodes);
  return keys.size;
}

function byTitle(a: TreeNode, b: TreeNode): number {
  return a.type === 'paper' && b.type === 'paper' ? a.title.localeCompare(b.title) : 0;
}
