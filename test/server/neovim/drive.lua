-- Drives litnotes from a real Neovim (headless), with its built-in LSP client as a user's config
-- for Neovim 0.7 would (vim.lsp.start_client), and writes what it saw as JSON to $LITNOTES_OUT.
local server, root, out_file = os.getenv('LITNOTES_SERVER'), os.getenv('LITNOTES_ROOT'), os.getenv('LITNOTES_OUT')
local seen = { steps = {} }
local function step(name, value) seen[name] = value; table.insert(seen.steps, name) end
local function finish()
  local f = io.open(out_file, 'w'); f:write(vim.fn.json_encode(seen)); f:close()
  vim.cmd('qall!')
end

local ready = 0
local id = vim.lsp.start_client({
  name = 'litnotes',
  cmd = { 'node', '--max-semi-space-size=2', '--heap-growing-percent=30', '--expose-gc', server, '--stdio' },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'library' } },
  handlers = {
    ['litnotes/status'] = function(_, result) if result and result.state == 'ready' then ready = ready + 1 end end,
  },
})
local ok, err = pcall(function()
  vim.cmd('edit ' .. root .. '/drafts/nvim.md')
  vim.lsp.buf_attach_client(0, id)
  step('ready', vim.wait(30000, function() return ready > 0 end, 50))

  local function at(line, character)
    return { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = line, character = character } }
  end
  local function request(method, params)
    local answers = vim.lsp.buf_request_sync(0, method, params, 10000) or {}
    for _, a in pairs(answers) do return a.result end
  end
  -- What the built-in completion (vim.lsp.omnifunc) would list: its own start of the word and its filter.
  local function builtin(line_text)
    vim.api.nvim_buf_set_lines(0, 0, -1, false, { line_text })
    local result = request('textDocument/completion', at(0, #line_text))
    local start = vim.fn.match(line_text, '\\k*$')
    local words = {}
    for _, item in ipairs(vim.lsp.util.text_document_completion_list_to_complete_items(result, line_text:sub(start + 1))) do
      table.insert(words, item.word)
    end
    return words
  end
  step('complete_key', builtin('See [@jiang2024'))
  step('complete_title_word', builtin('See [@kas'))
  step('complete_author', builtin('See [@jiang'))

  vim.api.nvim_buf_set_lines(0, 0, -1, false, { 'See [@jiang2024kasa].' })
  local hover = request('textDocument/hover', at(0, 8))
  step('hover', hover and hover.contents and (hover.contents.value or hover.contents) or vim.NIL)
  local def = request('textDocument/definition', at(0, 8))
  def = def and (def[1] or def)
  step('definition', def and (def.uri or def.targetUri) or vim.NIL)
  local edit = request('textDocument/rename', vim.tbl_extend('force', at(0, 8), { newName = 'wang2024kasa' }))
  local files = {}
  for uri, _ in pairs(edit and edit.changes or {}) do table.insert(files, vim.uri_to_fname(uri):sub(#root + 2)) end
  table.sort(files)
  step('rename_files', files)

  -- A note written by a shell command, as a git pull or a reference manager would.
  os.execute("printf -- '---\\ncitekey: shell2024note\\ntitle: Written From the Shell\\n---\\n' > '" .. root .. "/notes/shell2024note.md'")
  local found = vim.wait(5000, function()
    return #builtin('See [@shell2024') > 0
  end, 100)
  step('shell_note', found)

  -- An Org draft (filetype org, as an Emacs-style user writes): org-cite completion and hover.
  vim.cmd('edit ' .. root .. '/drafts/nvim.org')
  vim.lsp.buf_attach_client(0, id)
  step('org_complete', builtin('See [cite:@jiang2024'))
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { 'See [cite/t:@compacter; @jiang2024kasa].' })
  local org_hover = request('textDocument/hover', at(0, 16))
  step('org_hover', org_hover and org_hover.contents and (org_hover.contents.value or org_hover.contents) or vim.NIL)
end)
if not ok then step('error', tostring(err)) end
finish()
