import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CitedKeysRequest, ListRequest, PaperRequest, PaperSummary, SearchRequest, TopicsRequest, TopicsResponse } from '../../server/src/shared/protocol';
import { buildTree, TreeNode } from './topicsModel';

const TOPIC_ICONS: Record<string, string> = { tag: 'tag', folder: 'folder', vocabulary: 'bookmark', derived: 'sparkle', new: 'bell-dot' };
/** Workspace state: the paper keys the user had seen when they last opened the New group. */
const SEEN_KEYS = 'litnotes.seenPapers';

/**
 * The Topics view: topic -> subtopic -> paper, fed by litnotes/topics. Refreshes when the library
 * changes, keeps expansion (stable ids), marks papers cited in the active editor, filters by search.
 */
export class TopicsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: TreeNode[] = [];
  private papers = new Map<string, PaperSummary>();
  private topics: TopicsResponse | undefined;
  private cited = new Set<string>();
  private filter: { query: string; keys: Set<string> } | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  view: vscode.TreeView<TreeNode> | undefined;

  private fresh = new Set<string>();

  constructor(private readonly client: LanguageClient, private readonly state?: vscode.Memento) {
    this.disposables.push(this.changed, vscode.window.onDidChangeActiveTextEditor(() => void this.updateCited()));
  }

  /**
   * Papers new since the user last opened the New group. The first time, everything there is counts
   * as seen: a library is not "new" on the day litnotes meets it.
   */
  private updateFresh(): void {
    if (!this.state) return;
    const seen = this.state.get<string[]>(SEEN_KEYS);
    if (!seen) { void this.state.update(SEEN_KEYS, [...this.papers.keys()]); return; }
    const known = new Set(seen);
    this.fresh = new Set([...this.papers.keys()].filter((k) => !known.has(k)));
  }

  /** The New group was opened: what it shows is seen from now on (it goes at the next refresh). */
  markSeen(): void {
    void this.state?.update(SEEN_KEYS, [...this.papers.keys()]);
  }

  /** The library changed: fetch the tree again, soon (several changes make one refresh). */
  scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 300);
  }

  async refresh(): Promise<void> {
    const [topics, list] = await Promise.all([
      this.client.sendRequest(TopicsRequest),
      this.client.sendRequest(ListRequest, { limit: 20000 }),
    ]);
    this.topics = topics;
    this.papers = new Map(list.papers.map((p) => [p.key, p]));
    await vscode.commands.executeCommand('setContext', 'litnotes.hasPapers', list.total > 0);
    await this.updateCited(false);
    this.updateFresh();
    this.rebuild();
  }

  private rebuild(): void {
    if (!this.topics) return;
    this.roots = buildTree({ topics: this.topics.topics, uncategorized: this.topics.uncategorized, papers: this.papers, cited: this.cited, filter: this.filter?.keys, fresh: this.fresh });
    if (this.view) {
      this.view.message = this.filter ? `Papers matching “${this.filter.query}” (${this.filter.keys.size})` : undefined;
      this.view.description = this.filter ? 'filtered' : undefined;
    }
    this.changed.fire(undefined);
  }

  private async updateCited(rebuild = true): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    const keys = doc ? await this.client.sendRequest(CitedKeysRequest, { uri: doc.uri.toString() }).catch(() => []) : [];
    const next = new Set(keys);
    if (next.size === this.cited.size && keys.every((k) => this.cited.has(k))) return;
    this.cited = next;
    if (rebuild) this.rebuild();
  }

  async setFilter(query: string | undefined): Promise<string | undefined> {
    if (!query?.trim()) { this.filter = undefined; this.rebuild(); await vscode.commands.executeCommand('setContext', 'litnotes.topicsFiltered', false); return undefined; }
    const r = await this.client.sendRequest(SearchRequest, { query, limit: 200 });
    if (r.error) return r.error;
    this.filter = { query, keys: new Set(r.results.map((x) => x.key)) };
    await vscode.commands.executeCommand('setContext', 'litnotes.topicsFiltered', true);
    this.rebuild();
    return undefined;
  }

  roots_(): TreeNode[] { return this.roots; }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? (node.type === 'topic' ? node.children : []) : this.roots;
  }

  getParent(): undefined { return undefined; }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.type === 'topic') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.description = String(node.count);
      item.iconPath = new vscode.ThemeIcon(TOPIC_ICONS[node.kind] ?? 'symbol-folder');
      item.contextValue = node.id === 'uncategorized' ? 'topic.other' : `topic.${node.kind}`;
      item.tooltip = node.kind === 'new'
        ? `${node.count} paper${node.count === 1 ? '' : 's'} new since you last opened this group`
        : topicTooltip(node);
      return item;
    }
    const item = new vscode.TreeItem(node.title, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.cited ? `● ${node.description}` : node.description;
    item.iconPath = new vscode.ThemeIcon(node.hasNote ? 'note' : 'book', node.cited ? new vscode.ThemeColor('charts.green') : undefined);
    item.contextValue = node.hasNote ? 'paper.note' : 'paper.digest';
    item.command = { command: 'litnotes.openReader', title: 'Open in Reader', arguments: [node.key] };
    item.accessibilityInformation = { label: `${node.title}, ${node.description}${node.cited ? ', cited in this document' : ''}` };
    return item;
  }

  /** Every topic in the tree, depth first (for picking a topic to merge into). */
  allTopics(): Extract<TreeNode, { type: 'topic' }>[] {
    const out: Extract<TreeNode, { type: 'topic' }>[] = [];
    const walk = (ns: TreeNode[]) => { for (const n of ns) if (n.type === 'topic') { out.push(n); walk(n.children); } };
    walk(this.roots);
    return out;
  }

  /** The abstract, fetched when the tooltip is about to show; plain text, never rendered as HTML. */
  async resolveTreeItem(item: vscode.TreeItem, node: TreeNode): Promise<vscode.TreeItem> {
    if (node.type !== 'paper') return item;
    const details = await this.client.sendRequest(PaperRequest, { key: node.key });
    if (details) {
      const md = new vscode.MarkdownString();
      md.isTrusted = false;
      md.supportHtml = false;
      md.appendText(details.title).appendText('\n\n');
      if (details.authors.length) md.appendText(details.authors.slice(0, 6).join(', ') + '\n\n');
      md.appendText(details.abstract ?? details.summary ?? '');
      item.tooltip = md;
    }
    return item;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}

function topicTooltip(node: Extract<TreeNode, { type: 'topic' }>): string {
  const papers = `${node.name}: ${node.count} paper${node.count === 1 ? '' : 's'}`;
  if (node.kind !== 'derived' || node.id === 'uncategorized') return `${papers} (${node.kind})`;
  const subtopics = node.children.filter((c) => c.type === 'topic').length;
  return [`${papers} (derived from abstracts)`, node.phrases?.length ? `Defined by: ${node.phrases.join(', ')}` : '', subtopics ? `${subtopics} subtopic${subtopics === 1 ? '' : 's'}` : '']
    .filter(Boolean).join('\n');
}
