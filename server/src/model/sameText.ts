import type { Text } from '../parse/types';
import type { TextSource } from './library';

/**
 * Whether two texts are the same, reading stored ones (through `reader`) only when they are not
 * the same place in the store and their lengths in bytes agree.
 */
export function sameText(a: Text, b: Text, reader: TextSource | undefined): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') return false;
  if (typeof a !== 'string' && typeof b !== 'string') {
    if (a.file === b.file && a.at === b.at && a.bytes === b.bytes) return true;
    if (a.bytes !== b.bytes) return false;
  }
  if (!reader) return false;
  return reader.text(a) === reader.text(b);
}
