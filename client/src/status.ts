import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/shared/protocol';

/** The status bar item: papers indexed, a spinner while indexing; click shows the output channel. */
export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('litnotes.status', vscode.StatusBarAlignment.Right, 100);

  constructor(showOutputCommand: string) {
    this.item.name = 'Literature Notes';
    this.item.command = showOutputCommand;
    this.item.text = '$(sync~spin) Papers';
    this.item.tooltip = 'Literature Notes: starting';
    this.item.show();
  }

  update(s: StatusParams): void {
    const papers = `${s.papers} paper${s.papers === 1 ? '' : 's'}`;
    // While indexing, the entries read so far: papers are counted once notes and entries are merged.
    const entries = s.notes + s.digestEntries + (s.bibliographyEntries ?? 0);
    this.item.text = s.state === 'indexing' ? `$(sync~spin) ${entries} entr${entries === 1 ? 'y' : 'ies'} read` : `$(library) ${papers}`;
    const lines = [
      s.state !== 'indexing' ? 'Literature Notes' : s.papers ? `Literature Notes: indexing… (${papers} so far)` : 'Literature Notes: indexing…',
      `${s.notes} notes, ${s.digests} digests (${s.digestEntries} entries)${s.bibliographies ? `, ${s.bibliographies} bibliograph${s.bibliographies === 1 ? 'y' : 'ies'} (${s.bibliographyEntries ?? 0} entries)` : ''}`,
    ];
    if (s.problems) lines.push(`${s.problems} problem${s.problems === 1 ? '' : 's'} in notes or digests (see Problems)`);
    lines.push('Click to show the output.');
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor = s.problems ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  /** The server stopped unasked and is being started again. */
  restarting(restart: number, max: number): void {
    this.item.text = '$(sync~spin) Papers';
    this.item.tooltip = `Literature Notes: the language server stopped and is restarting (restart ${restart} of at most ${max}).\nClick to show the output.`;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  }

  error(message: string): void {
    this.item.text = '$(error) Papers';
    this.item.tooltip = `Literature Notes: ${message}\nClick to show the output.`;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  }

  dispose(): void {
    this.item.dispose();
  }
}
