import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { Library } from '../model/library';
import type { KeyAt } from './keyAt';

export const VALID_KEY = /^[\p{L}\p{N}_][\p{L}\p{N}_:.#$%&+?<>~\/-]*$/u;

export class RenameError extends Error {}

/** Whether the key under the cursor can be renamed; throws a RenameError saying why not. */
export function prepareRename(at: KeyAt): { range: KeyAt['range']; placeholder: string } {
  if (!at.paper) throw new RenameError(`"${at.key}" is not a known citation key.`);
  if (at.paper.entries.some((e) => e.key === at.key)) {
    throw new RenameError(`"${at.key}" is the key of an entry in ${at.paper.entries.find((e) => e.key === at.key)!.uri.split('/').pop()}, a bibliography your reference manager writes: change it there (in Zotero, Better BibTeX's citation key), or it comes back at the next export.`);
  }
  if (!at.paper.note) throw new RenameError(`"${at.key}" is derived from a digest title; create a literature note to give the paper a key of its own.`);
  if (at.key !== at.paper.key) throw new RenameError(`"${at.key}" is an alias of "${at.paper.key}"; rename that key instead.`);
  return { range: at.range, placeholder: at.key };
}

/** Rename a note's key: its front matter and every citation of it, as one workspace edit. */
export function renameKey(library: Library, at: KeyAt, newName: string): WorkspaceEdit {
  prepareRename(at);
  if (!VALID_KEY.test(newName)) throw new RenameError(`"${newName}" is not a valid citation key (letters, digits, _ and inner : . # $ % & + ? < > ~ / -).`);
  const existing = library.get(newName);
  if (existing && existing !== at.paper) throw new RenameError(`"${newName}" is already the key of "${existing.title}".`);
  const paper = at.paper!;
  const changes: Record<string, TextEdit[]> = {};
  const add = (uri: string, edit: TextEdit) => (changes[uri] ??= []).push(edit);
  if (paper.note?.keyRange) add(paper.note.uri, { range: paper.note.keyRange, newText: newName });
  else if (paper.note) throw new RenameError(`The note for "${paper.key}" takes its key from its file name; add a citekey field to rename it.`);
  for (const [uri, cits] of library.citationsOfKey(paper.key)) for (const c of cits) add(uri, { range: c.range, newText: newName });
  return { changes };
}
