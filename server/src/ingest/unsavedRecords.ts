import type { StoredText } from '../parse/types';
import { TextReader, TextStoreLocation, TextWriter } from '../runtime/textStore';
import type { CacheRecord } from './parseCache';

/** Records one thread put in a store file of its own, for another thread to write out and remove. */
export interface HandedOffRecords {
  file: number;
  records: HeldRecord[];
}

/** A record as it waits: its bytes, or where they are in the text store. */
interface HeldRecord { name: string; data: Uint8Array | StoredText }

/**
 * The parse cache records a worker makes during a scan and writes only when the server says
 * (parseWorker.ts). They are the library's parse results, texts included: held in memory, they
 * were a few hundred megabytes per worker in a large library until the full text was ready. With a
 * text store they wait in a file of their own there (appended as they come, read back one by one
 * when written out, removed after), and only their names stay in memory. Then the worker that
 * made them can hand them off (handOff) and end with its scan, and a later thread adopts them
 * (adopt) to write them out, so no parse worker need stay alive until then.
 */
export class UnsavedRecords {
  private records: HeldRecord[] = [];
  private writer?: TextWriter;
  private reader?: TextReader;
  /** Store files of these records, removed by close(). */
  private files: number[] = [];
  private unreadable = 0;
  private readProblem?: string;

  /** `spillFile`: the file in `location` for the records (handed out by the server thread, like the texts' file). */
  constructor(location: TextStoreLocation | undefined, spillFile: number | undefined, private readonly log: (line: string) => void) {
    if (location && spillFile !== undefined) {
      this.writer = new TextWriter(location, spillFile, log);
      this.reader = this.readerAt(location);
      this.files = [spillFile];
    }
  }

  /** Records other threads handed off, to be taken and written here; close() removes their files. */
  static adopt(location: TextStoreLocation, handed: readonly HandedOffRecords[], log: (line: string) => void): UnsavedRecords {
    const adopted = new UnsavedRecords(undefined, undefined, log);
    adopted.reader = adopted.readerAt(location);
    adopted.files = handed.map((h) => h.file);
    adopted.records = handed.flatMap((h) => h.records);
    return adopted;
  }

  private readerAt(location: TextStoreLocation): TextReader {
    return new TextReader(location, (why) => { this.readProblem ??= why; });
  }

  get size(): number {
    return this.records.length;
  }

  /** Keeps the record to write later (on disk when it can: a store that cannot be written keeps it in memory). */
  add(record: CacheRecord): void {
    const held: HeldRecord = { ...record };
    this.writer?.store(held, 'data');
    this.records.push(held);
  }

  /**
   * Gives up the records, all written to the store file, for another thread to adopt; this one then
   * holds none and removes nothing. Undefined if some are only in memory (no store, or it could not
   * be written): then they stay here.
   */
  handOff(): HandedOffRecords | undefined {
    if (!this.writer || !this.writer.flush()) return undefined;
    this.writer.close();
    const handed = { file: this.writer.file, records: this.records };
    this.writer = undefined;
    this.reader?.close();
    this.reader = undefined;
    this.records = [];
    this.files = [];
    return handed;
  }

  /**
   * Takes up to `count` of the records, oldest first, their texts read back. One whose text cannot
   * be read back is left out (its file is parsed again at the next start) and counted for close().
   */
  take(count: number): CacheRecord[] {
    this.writer?.flush();
    const out: CacheRecord[] = [];
    for (const { name, data } of this.records.splice(0, count)) {
      const read = data instanceof Uint8Array ? data : this.reader!.bytes(data);
      if (read.length) out.push({ name, data: read }); else this.unreadable++;
    }
    return out;
  }

  /** Lets go of the records, leaving their store files for a thread that adopts them again. */
  leave(): void {
    this.reader?.close();
    this.reader = undefined;
    this.records = [];
    this.files = [];
  }

  /** Removes the store files (the server removes the store's folder at exit in any case). */
  close(): void {
    this.writer?.close();
    this.reader?.remove(this.files);
    this.reader?.close();
    if (this.unreadable) this.log(`parse cache: ${this.unreadable} results were not saved (${this.readProblem}); their files are parsed again at the next start`);
  }
}
