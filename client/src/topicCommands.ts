import * as vscode from 'vscode';
import { EditableTopic, hidden, merged, renamed, Vocabulary } from './topicEdits';
import type { TopicsTree } from './topicsTree';
import type { TopicItem, TreeNode } from './topicsModel';
import { UNCATEGORIZED_TOPIC } from '../../server/src/shared/protocol';

/**
 * Rename, Merge Into… and Hide for a topic in the Topics view: each writes the workspace settings
 * (topicEdits.ts says which), so the correction holds across restarts; the tree is then refreshed.
 */
export class TopicCommands {
  constructor(private readonly tree: TopicsTree) {}

  async rename(node?: TopicItem): Promise<void> {
    if (!isEditable(node)) return;
    const name = await vscode.window.showInputBox({ title: `Rename Topic “${node.name}”`, value: node.name, prompt: 'Papers under this topic are listed under the new name (kept in litnotes.topics.vocabulary).', validateInput: (v) => (v.trim() ? undefined : 'A topic needs a name') });
    if (name === undefined) return;
    const next = renamed(this.vocabulary(), node, name);
    if (next) await this.write('topics.vocabulary', next);
  }

  async merge(node?: TopicItem, target?: TopicItem): Promise<void> {
    if (!isEditable(node)) return;
    const others = this.tree.allTopics().filter((t) => t.id !== node.id && isEditable(t));
    const into = target ?? (await vscode.window.showQuickPick(others.map((t) => ({ label: t.name, description: `${t.count} papers`, detail: t.phrases?.join(', '), topic: t })), { title: `Merge “${node.name}” Into…`, placeHolder: 'The topic to list its papers under' }))?.topic;
    if (!into) return;
    await this.write('topics.vocabulary', merged(this.vocabulary(), node, into));
  }

  async hide(node?: TopicItem): Promise<void> {
    if (!isEditable(node) || node.kind !== 'derived') return;
    const list = vscode.workspace.getConfiguration('litnotes').get<string[]>('topics.hidden') ?? [];
    await this.write('topics.hidden', hidden(list, node));
  }

  private vocabulary(): Vocabulary {
    return { ...(vscode.workspace.getConfiguration('litnotes').get<Vocabulary>('topics.vocabulary') ?? {}) };
  }

  private async write(setting: string, value: unknown): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('litnotes').update(setting, value, target);
    // The server hears of the change as it is saved; a moment later the tree is asked for again.
    this.tree.scheduleRefresh();
  }
}

function isEditable(node: TreeNode | undefined): node is TopicItem & EditableTopic {
  return !!node && node.type === 'topic' && (node.kind === 'derived' || node.kind === 'vocabulary') && node.id !== UNCATEGORIZED_TOPIC;
}
