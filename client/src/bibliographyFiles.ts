/**
 * `litnotes.bibliographyFiles` with files added (Add Bibliography File…): the user's list as it was,
 * then each new path once. Pure, so that it is unit-tested.
 */
export function withBibliographyFiles(current: readonly unknown[] | undefined, picked: readonly string[]): { files: string[]; added: string[] } {
  const files = (current ?? []).filter((f): f is string => typeof f === 'string');
  const added: string[] = [];
  for (const p of picked) if (!files.includes(p) && !added.includes(p)) added.push(p);
  return { files: [...files, ...added], added };
}
