import { Transform, TransformCallback } from 'stream';

/**
 * A guard in front of the LSP reader on stdio: it passes the bytes through unchanged while they are
 * framed as the base protocol says (header lines `Name: value`, a `Content-Length` that is a
 * non-negative integer, a blank line, then exactly that many bytes), and reports the first frame
 * that is not. vscode-jsonrpc's reader, given a bad frame, reports an error and then waits for
 * input it can never make sense of: the server stayed alive and answered nothing until stdin
 * closed. Once framing is lost there is no telling where the next message starts, so the caller
 * ends the server and the editor starts a new one.
 */
export class FrameGuard extends Transform {
  /** Bytes of the header being read, held back until it is whole and valid (headers are short: a limit tells a missing one quickly). */
  private header: number[] = [];
  /** Bytes of the current body still to come; -1 while reading a header. */
  private bodyLeft = -1;
  private failed = false;

  constructor(private readonly onBadFrame: (why: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.failed) return done();
    let at = 0;
    while (at < chunk.length) {
      if (this.bodyLeft >= 0) {
        const take = Math.min(this.bodyLeft, chunk.length - at);
        this.push(chunk.subarray(at, at + take));
        this.bodyLeft -= take;
        at += take;
        if (this.bodyLeft === 0) this.bodyLeft = -1;
        continue;
      }
      const why = this.headerByte(chunk[at++]);
      if (why) {
        this.failed = true; // nothing of it, and nothing after it, is passed on: the server ends
        this.onBadFrame(why);
        return done();
      }
    }
    done();
  }

  /** Where the header line being read is: its name (up to the colon), its value, or the CR ending it. */
  private part: 'name' | 'value' | 'cr' = 'name';

  /**
   * One byte of a header; a reason when the header cannot be one. Checked as it comes, so that
   * what is left of a body longer than its Content-Length fails at once (no JSON is a header name).
   */
  private headerByte(byte: number): string | undefined {
    this.header.push(byte);
    if (this.header.length > MAX_HEADER_BYTES) return `a header longer than ${MAX_HEADER_BYTES} bytes`;
    if (this.part === 'cr') {
      if (byte !== 10) return 'a header line ends with CR but no LF';
      this.part = 'name';
      return this.header.length >= 4 && this.header[this.header.length - 3] === 10 ? this.headerEnd() : undefined;
    }
    if (byte === 13) {
      const atLineStart = this.header.length === 1 || this.header[this.header.length - 2] === 10;
      if (this.part === 'name' && !(atLineStart && this.header.length > 1)) return 'a header line without "Name: value"';
      this.part = 'cr';
      return undefined;
    }
    if (this.part === 'value') return undefined;
    if (byte === 58 /* : */ && this.header.length > 1 && this.header[this.header.length - 2] !== 10) { this.part = 'value'; return undefined; }
    if (isNameByte(byte)) return undefined;
    return this.header.length === 1
      ? `a message does not start with a header (byte 0x${byte.toString(16).padStart(2, '0')})`
      : `a header name with byte 0x${byte.toString(16).padStart(2, '0')} (a body longer than its Content-Length?)`;
  }

  /** A whole header has been read (its lines are well formed): its Content-Length starts the body. */
  private headerEnd(): string | undefined {
    const bytes = Buffer.from(this.header);
    const text = bytes.toString('latin1');
    this.header = [];
    let length: number | undefined;
    for (const line of text.slice(0, -4).split('\r\n')) {
      const colon = line.indexOf(':');
      if (line.slice(0, colon).toLowerCase() !== 'content-length') continue;
      const value = line.slice(colon + 1).trim();
      if (!/^\d{1,15}$/.test(value)) return `Content-Length is not a non-negative integer: ${JSON.stringify(value.slice(0, 40))}`;
      length = Number(value);
    }
    if (length === undefined) return 'a header without Content-Length';
    this.push(bytes); // a header is passed on once it is known to be one
    this.bodyLeft = length === 0 ? -1 : length;
    return undefined;
  }
}

const MAX_HEADER_BYTES = 4096;

/** Letters, digits and hyphens: what header names are made of. */
function isNameByte(byte: number): boolean {
  return (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte === 45;
}
