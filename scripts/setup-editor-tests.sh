#!/usr/bin/env bash
# Installs what the tests need on a fresh machine, and is quick when it is all there: Debian's
# chromium, ripgrep, libkrb5-dev, pandoc (exported bibliographies are rendered with it) and neovim
# (the server is driven by a real Neovim, headless), and
# code-server (a real VS Code served over HTTP) in .vscode-test/code-server. code-server's own ripgrep download cannot reach the network here,
# so Debian's rg is put where @vscode/ripgrep looks first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
CODE_SERVER_VERSION=4.100.3
RIPGREP_CACHE_VERSION=1.15.11
dir="$root/.vscode-test/code-server"

missing=()
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v pandoc >/dev/null 2>&1 || missing+=(pandoc)
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$dir/node_modules/.bin/code-server" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$dir/node_modules/code-server/package.json" 2>/dev/null; then
  echo "setup: installing code-server $CODE_SERVER_VERSION into $dir"
  cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_CACHE_VERSION"
  mkdir -p "$cache" "$dir"
  tar -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  [ -f "$dir/package.json" ] || echo '{"name":"litnotes-code-server","private":true}' > "$dir/package.json"
  (cd "$dir" && npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >"$dir/install.log" 2>&1) || {
    echo "setup: code-server install failed; see $dir/install.log" >&2
    tail -30 "$dir/install.log" >&2
    exit 1
  }
fi
echo "setup: tests ready (code-server $CODE_SERVER_VERSION, $(/usr/bin/chromium --version 2>/dev/null | head -1), $(pandoc --version | head -1), $(nvim --version | head -1))"
