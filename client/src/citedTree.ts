import * as vscode from 'vscode';
import { dragKeys, KEYS_MIME } from './citationDrop';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DraftCitationsRequest, DraftCitationsResponse } from '../../server/src/shared/protocol';
import { citedNodes, CitedNode, citedSummary } from './citedModel';
import { isDraft } from './drafts';

/** How long after an edit the list follows it (typing a key should not ask at every keystroke). */
const AFTER_EDIT_MS = 400;

/**
 * The "Cited in Draft" view: the papers the active draft cites, in the order it first cites them,
 * each with the places it is cited. It follows the active editor and its edits while it is visible,
 * and the library (a new note makes an unknown key known).
 */
export class CitedTree implements vscode.TreeDataProvider<CitedNode>, vscode.TreeDragAndDropController<CitedNode>, vscode.Disposable {
  /** A paper dragged into a draft becomes a citation there (citationDrop.ts); an unknown key is not dragged. */
  readonly dragMimeTypes = [KEYS_MIME, 'text/plain'];
  readonly dropMimeTypes: string[] = [];
  handleDrag(nodes: readonly CitedNode[], dataTransfer: vscode.DataTransfer): void {
    dragKeys(nodes, dataTransfer, (n) => (n.type === 'paper' && n.known ? n.key : undefined));
  }

  private readonly changed = new vscode.EventEmitter<CitedNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes: CitedNode[] = [];
  private doc: vscode.TextDocument | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private readonly disposables: vscode.Disposable[] = [];
  view: vscode.TreeView<CitedNode> | undefined;

  constructor(private readonly client: LanguageClient) {
    this.disposables.push(
      this.changed,
      // No text editor (the reader or a PDF has the focus): the list stays the last draft's.
      vscode.window.onDidChangeActiveTextEditor((e) => { if (e && e.document.uri.scheme !== 'output') this.schedule(0); }),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.document === this.doc || e.document === vscode.window.activeTextEditor?.document) this.schedule(AFTER_EDIT_MS); }),
    );
  }

  /** Attaches the view and follows its visibility (a hidden view asks nothing). */
  attach(view: vscode.TreeView<CitedNode>): void {
    this.view = view;
    this.disposables.push(view.onDidChangeVisibility((e) => { if (e.visible) this.schedule(0); }));
    this.schedule(0);
  }

  /** Ask again soon (the library changed, an edit was made). */
  schedule(ms = 0): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.refresh(); }, ms);
  }

  /** The list for the active draft now; resolves when the view shows it. */
  async refresh(): Promise<void> {
    if (this.view && !this.view.visible) return;
    const mine = ++this.seq;
    const active = vscode.window.activeTextEditor?.document;
    const doc = active ? (isDraft(active) ? active : undefined) : this.doc && !this.doc.isClosed ? this.doc : undefined;
    let r: DraftCitationsResponse | undefined;
    let failure: string | undefined;
    if (doc) r = await this.client.sendRequest(DraftCitationsRequest, { uri: doc.uri.toString() }).catch((err: unknown) => { failure = String((err as Error)?.message ?? err).split('\n')[0]; return undefined; });
    if (mine !== this.seq) return; // a newer refresh is under way
    this.doc = doc;
    this.nodes = r && doc ? citedNodes(r, (line) => (line < doc.lineCount ? doc.lineAt(line).text : undefined)) : [];
    if (this.view) {
      this.view.description = r ? citedSummary(r) : undefined;
      this.view.message = !doc
        ? 'Open a draft (markdown, Quarto, R Markdown, LaTeX or Org) to see the papers it cites.'
        : failure ? `The list could not be made: ${failure}`
        : this.nodes.length ? undefined : `${vscode.workspace.asRelativePath(doc.uri)} cites no paper yet. Type [@ (or \\cite{) to cite one.`;
    }
    this.changed.fire(undefined);
  }

  roots(): CitedNode[] { return this.nodes; }

  getChildren(node?: CitedNode): CitedNode[] {
    if (!node) return this.nodes;
    return node.type === 'paper' ? node.places : [];
  }

  getParent(): undefined { return undefined; }

  getTreeItem(node: CitedNode): vscode.TreeItem {
    if (node.type === 'place') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.description = node.excerpt;
      item.iconPath = new vscode.ThemeIcon('quote');
      const doc = this.doc;
      if (doc) {
        const at = new vscode.Position(node.line, node.character);
        item.command = { command: 'vscode.open', title: 'Go to Citation', arguments: [doc.uri, { selection: new vscode.Range(at, at) }] };
      }
      return item;
    }
    const item = new vscode.TreeItem(`${node.number}. ${node.title}`, node.places.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.iconPath = node.known
      ? new vscode.ThemeIcon(node.hasNote ? 'note' : 'book', node.notIn ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined)
      : new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.contextValue = node.known ? (node.hasNote ? 'paper.note' : 'paper.digest') : 'unknown';
    item.tooltip = node.known
      ? `${node.title}\n${node.description}${node.more > 0 ? `\n(${node.places.length} of the places listed)` : ''}${node.notIn ? `\nThe draft's bibliography (${node.notIn}) lacks it: pandoc and LaTeX would not find it.` : ''}`
      : `"${node.key}" is no paper's key in the library. The warning on it in the draft offers the closest keys.`;
    if (node.known) item.command = { command: 'litnotes.openReader', title: 'Open in Reader', arguments: [node.key] };
    item.accessibilityInformation = { label: `${node.number}. ${node.title}, ${node.description}` };
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
