import * as fs from 'fs';
import { randomBytes } from 'crypto';
import { Slice } from './scheduler';

/**
 * Writes text made in pieces to a file, off the thread: a megabyte at a time, giving way between
 * slices so that requests are answered meanwhile; through a temporary file beside it, renamed over
 * it at the end (so a symlink there is replaced, not written through, and a failed write leaves the
 * old file and no temporary one). The temporary file's name is new each time (two writes of one
 * file at once each have their own), and it is created only if nothing is there, so not through a
 * link put in its place. Throws if it cannot.
 */
export async function writeInSlices(file: string, pieces: Iterable<string>): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.litnotes.tmp`;
  const handle = await fs.promises.open(temp, 'wx');
  try {
    const slice = new Slice();
    let pending: string[] = [];
    let size = 0;
    for (const piece of pieces) {
      pending.push(piece);
      size += piece.length;
      if (size >= 1 << 20) { await handle.write(pending.join('')); pending = []; size = 0; }
      if (slice.spent()) await slice.giveWay();
    }
    await handle.write(pending.join(''));
    await handle.close();
    await fs.promises.rename(temp, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
}
