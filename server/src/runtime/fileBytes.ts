import * as fs from 'fs';

/** Reads up to `length` bytes at `position` into `into` at `offset` (fewer only at the end of the file). */
export function readUpTo(fd: number, into: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, into, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Writes `length` bytes of `bytes` at `position`, however many writes that takes; throws if one fails. */
export function writeFully(fd: number, bytes: Uint8Array, length: number, position: number): void {
  let done = 0;
  while (done < length) done += fs.writeSync(fd, bytes, done, length - done, position + done);
}
