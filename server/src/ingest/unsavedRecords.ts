import type { Text } from '../parse/types';
import { TextReader, TextStoreLocation, TextWriter } from '../runtime/textStore';
import type { CacheRecord } from './parseCache';

/**
 * The parse cache records a worker makes during a scan and writes only when the server says
 * (parseWorker.ts). They are the library's parse results, texts included: held as strings, they
 * were a few hundred megabytes per worker in a large library until the full text was ready. With a
 * text store they wait in a file of their own there (appended as they come, read back one by one
 * when written out, removed after), and only their names stay in memory.
 */
export class UnsavedRecords {
  private readonly records: { name: string; text: Text }[] = [];
  private readonly spill?: { writer: TextWriter; reader: TextReader; file: number };
  private unreadable = 0;
  private readProblem?: string;

  /** `spillFile`: the file in `location` for the records (handed out by the server thread, like the texts' file). */
  constructor(location: TextStoreLocation | undefined, spillFile: number | undefined, private readonly log: (line: string) => void) {
    if (location && spillFile !== undefined) {
      this.spill = { writer: new TextWriter(location, spillFile, log), reader: new TextReader(location, (why) => { this.readProblem ??= why; }), file: spillFile };
    }
  }

  get size(): number {
    return this.records.length;
  }

  /** Keeps the record to write later (on disk when it can: a store that cannot be written keeps it in memory). */
  add(record: CacheRecord): void {
    const held: { name: string; text: Text } = { ...record };
    this.spill?.writer.store(held, 'text');
    this.records.push(held);
  }

  /**
   * Takes up to `count` of the records, oldest first, their texts read back. One whose text cannot
   * be read back is left out (its file is parsed again at the next start) and counted for close().
   */
  take(count: number): CacheRecord[] {
    this.spill?.writer.flush();
    const out: CacheRecord[] = [];
    for (const { name, text } of this.records.splice(0, count)) {
      const read = typeof text === 'string' ? text : this.spill!.reader.text(text);
      if (read) out.push({ name, text: read }); else this.unreadable++;
    }
    return out;
  }

  /** Removes the spill file (the server removes the store's folder at exit in any case). */
  close(): void {
    if (!this.spill) return;
    this.spill.writer.close();
    this.spill.reader.remove([this.spill.file]);
    this.spill.reader.close();
    if (this.unreadable) this.log(`parse cache: ${this.unreadable} results were not saved (${this.readProblem}); their files are parsed again at the next start`);
  }
}
