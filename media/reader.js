// Reader webview script: turns clicks into messages for the extension; runs nothing from the page.
(function () {
  const vscode = acquireVsCodeApi();
  const key = document.body.dataset.key;
  vscode.setState({ key });
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('a, button') : null;
    if (!target) return;
    if (target.matches('button[data-action]')) {
      vscode.postMessage({ type: target.dataset.action, key });
    } else if (target.matches('a.paper-link')) {
      event.preventDefault();
      vscode.postMessage({ type: 'openPaper', key: target.dataset.key });
    } else if (target.matches('a[data-open]')) {
      event.preventDefault();
      vscode.postMessage({ type: 'openFile', uri: target.dataset.open, line: Number(target.dataset.line) || 0 });
    } else if (target.matches('a.external')) {
      event.preventDefault();
      vscode.postMessage({ type: 'openExternal', href: target.getAttribute('href') });
    }
  });
})();
