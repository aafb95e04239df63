import * as vscode from 'vscode';
import { dragKeys, KEYS_MIME } from './citationDrop';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CitedKeysRequest, MarkPapersSeenRequest, PaperRequest, PaperSummary, SearchRequest, TopicOutlineRequest, TopicOutlineResponse, TopicPapersRequest, UNCATEGORIZED_TOPIC } from '../../server/src/shared/protocol';
import { outlineTree, paperNodes, TopicItem, TreeNode, viewMessage } from './topicsModel';

const TOPIC_ICONS: Record<string, string> = { tag: 'tag', folder: 'folder', vocabulary: 'bookmark', derived: 'sparkle', new: 'bell-dot' };
/** Papers listed under one topic at most; a last row says how many more there are. */
const PAPERS_PER_TOPIC = 2000;

interface TopicPapers { papers: PaperSummary[]; total: number }

/**
 * The Topics view: topic -> subtopic -> paper. It asks the server for the topics alone
 * (litnotes/topicOutline) and for a topic's papers when the topic is opened (litnotes/topicPapers),
 * so a large library's tree costs neither the server nor this view more than what is shown.
 * Refreshes when the library changes while the view is visible, keeps expansion (stable ids),
 * marks papers cited in the active editor, filters by search.
 */
export class TopicsTree implements vscode.TreeDataProvider<TreeNode>, vscode.TreeDragAndDropController<TreeNode>, vscode.Disposable {
  /** A paper dragged into a draft becomes a citation there (citationDrop.ts). */
  readonly dragMimeTypes = [KEYS_MIME, 'text/plain'];
  readonly dropMimeTypes: string[] = [];
  handleDrag(nodes: readonly TreeNode[], dataTransfer: vscode.DataTransfer): void {
    dragKeys(nodes, dataTransfer, (n) => (n.type === 'paper' ? n.key : undefined));
  }

  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: TopicItem[] = [];
  private outline: TopicOutlineResponse | undefined;
  /** Each opened topic's papers, until the next refresh. */
  private papersOf = new Map<string, Promise<TopicPapers>>();
  private cited = new Set<string>();
  private filter: { query: string; keys: Set<string> } | undefined;
  /** Why the last refresh failed (undefined once one succeeds): the view says so above the tree. */
  private failure: unknown;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** A change came while the view was hidden: refresh when it shows. */
  private stale = false;
  private readonly disposables: vscode.Disposable[] = [];
  private treeView: vscode.TreeView<TreeNode> | undefined;

  constructor(private readonly client: LanguageClient) {
    this.disposables.push(this.changed, vscode.window.onDidChangeActiveTextEditor(() => void this.updateCited()));
  }

  get view(): vscode.TreeView<TreeNode> | undefined { return this.treeView; }
  set view(view: vscode.TreeView<TreeNode> | undefined) {
    this.treeView = view;
    if (view) this.disposables.push(view.onDidChangeVisibility((e) => { if (e.visible && this.stale) this.scheduleRefresh(); }));
  }

  /** The New group was opened: what it shows is seen from now on (it goes at the next refresh). */
  markSeen(): void {
    void this.client.sendRequest(MarkPapersSeenRequest).catch(() => undefined);
  }

  /**
   * The library changed: fetch the tree again, soon (several changes make one refresh). While the
   * view is hidden nothing is fetched, so a library's topics are not derived until they are looked at.
   */
  scheduleRefresh(): void {
    if (this.treeView && !this.treeView.visible) { this.stale = true; return; }
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh().catch(() => undefined), 300);
  }

  /** Fetch the outline again; a topic's papers are fetched again when it is shown. */
  async refresh(): Promise<void> {
    this.stale = false;
    // A progress bar on the view while the server derives a tree it has not got yet (seconds in a large library).
    let outline: TopicOutlineResponse;
    try {
      outline = await vscode.window.withProgress({ location: { viewId: 'litnotes.topics' } }, () => this.client.sendRequest(TopicOutlineRequest, { keys: this.filter && [...this.filter.keys] }));
    } catch (err) {
      // The tree it had stays (a stuck or crashed topics worker, the server restarting), and the view says why.
      this.failure = err ?? 'unknown error';
      this.showMessage();
      return;
    }
    this.failure = undefined;
    this.outline = outline;
    this.papersOf = new Map();
    await this.updateCited(false);
    this.rebuild();
  }

  private rebuild(): void {
    if (!this.outline) return;
    this.roots = outlineTree(this.outline);
    this.showMessage();
    this.changed.fire(undefined);
  }

  private showMessage(): void {
    if (!this.treeView) return;
    this.treeView.message = viewMessage(this.filter && { query: this.filter.query, matches: this.filter.keys.size }, this.failure, this.outline !== undefined);
    this.treeView.description = this.filter ? 'filtered' : undefined;
  }

  private async updateCited(rebuild = true): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    const keys = doc ? await this.client.sendRequest(CitedKeysRequest, { uri: doc.uri.toString() }).catch(() => []) : [];
    const next = new Set(keys);
    if (next.size === this.cited.size && keys.every((k) => this.cited.has(k))) return;
    this.cited = next;
    // The papers already fetched are shown again with the new marks (getChildren makes their nodes).
    if (rebuild) this.changed.fire(undefined);
  }

  async setFilter(query: string | undefined): Promise<string | undefined> {
    if (!query?.trim()) {
      this.filter = undefined;
      await vscode.commands.executeCommand('setContext', 'litnotes.topicsFiltered', false);
    } else {
      const r = await this.client.sendRequest(SearchRequest, { query, limit: 200 });
      if (r.error) return r.error;
      this.filter = { query, keys: new Set(r.results.map((x) => x.key)) };
      await vscode.commands.executeCommand('setContext', 'litnotes.topicsFiltered', true);
    }
    await this.refresh();
    return undefined;
  }

  roots_(): TreeNode[] { return this.roots; }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.roots;
    if (node.type !== 'topic') return [];
    if (!node.own) return node.children;
    const { papers, total } = await this.topicPapers(node);
    return [...node.children, ...paperNodes(node.id, papers, this.cited, total)];
  }

  getParent(): undefined { return undefined; }

  /** A topic's own papers, fetched once per refresh; a failed fetch (the server restarting, say) is tried again next time. */
  private topicPapers(node: TopicItem): Promise<TopicPapers> {
    let pending = this.papersOf.get(node.id);
    if (!pending) {
      const revision = this.outline?.revision;
      pending = this.client.sendRequest(TopicPapersRequest, { id: node.id, keys: this.filter && [...this.filter.keys], limit: PAPERS_PER_TOPIC }).then((r) => {
        if (r.revision !== revision) this.scheduleRefresh(); // the tree changed since the outline: show the new one
        return { papers: r.papers, total: r.total };
      });
      pending.catch(() => this.papersOf.delete(node.id));
      this.papersOf.set(node.id, pending);
    }
    return pending.catch(() => ({ papers: [], total: 0 }));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.type === 'topic') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.description = String(node.count);
      item.iconPath = new vscode.ThemeIcon(TOPIC_ICONS[node.kind] ?? 'symbol-folder');
      item.contextValue = node.id === UNCATEGORIZED_TOPIC ? 'topic.other' : `topic.${node.kind}`;
      item.tooltip = node.kind === 'new'
        ? `${node.count} paper${node.count === 1 ? '' : 's'} new since you last opened this group`
        : topicTooltip(node);
      return item;
    }
    if (node.type === 'more') {
      const item = new vscode.TreeItem(`${node.shown.toLocaleString()} of ${node.total.toLocaleString()} papers shown`, vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.description = 'Filter Topics to narrow them';
      item.iconPath = new vscode.ThemeIcon('info');
      item.command = { command: 'litnotes.filterTopics', title: 'Filter Topics…' };
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
  allTopics(): TopicItem[] {
    const out: TopicItem[] = [];
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

function topicTooltip(node: TopicItem): string {
  const papers = `${node.name}: ${node.count} paper${node.count === 1 ? '' : 's'}`;
  if (node.kind !== 'derived' || node.id === UNCATEGORIZED_TOPIC) return `${papers} (${node.kind})`;
  const subtopics = node.children.filter((c) => c.type === 'topic').length;
  return [`${papers} (derived from abstracts)`, node.phrases?.length ? `Defined by: ${node.phrases.join(', ')}` : '', subtopics ? `${subtopics} subtopic${subtopics === 1 ? '' : 's'}` : '']
    .filter(Boolean).join('\n');
}

