import * as assert from 'assert';
import { FrameGuard } from '../../server/src/runtime/framing';

/** Feeds `input` to a guard in chunks of `size` bytes: what it passed on, and the bad frame it reported, if any. */
function guard(input: string, size: number): { out: string; bad?: string } {
  let bad: string | undefined;
  const g = new FrameGuard((why) => { bad ??= why; });
  const out: Buffer[] = [];
  g.on('data', (d: Buffer) => out.push(d));
  const bytes = Buffer.from(input, 'utf8');
  for (let i = 0; i < bytes.length; i += size) g.write(bytes.subarray(i, i + size));
  g.end();
  return { out: Buffer.concat(out).toString('utf8'), bad };
}

const frame = (body: string, extra = '') => `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('framing of the editor\'s messages (stdio)', () => {
  const good = frame('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"é":"ü"}}') +
    frame('{"jsonrpc":"2.0","method":"initialized","params":{}}', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n') +
    frame('') + frame('{"x":"a\\r\\n\\r\\nContent-Length: 3"}');

  for (const size of [1, 7, 1 << 20]) {
    it(`passes well-framed messages through unchanged (chunks of ${size} bytes)`, () => {
      assert.deepStrictEqual(guard(good, size), { out: good, bad: undefined });
    });
  }

  const bad: [string, string, RegExp][] = [
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n{}', /not a non-negative integer: "abc"/],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}', /not a non-negative integer: "-5"/],
    ['no Content-Length', 'Content-Type: x\r\n\r\n{}', /without Content-Length/],
    ['no header at all', '{"jsonrpc":"2.0","id":1,"method":"initialize"}', /does not start with a header/],
    // Framed well by itself: its first 5 bytes pass as a (broken) message; what is left of the body fails.
    ['a Content-Length shorter than its body', frame('{"jsonrpc":"2.0","id":1}').replace(/Length: \d+/, 'Length: 5'), /a header name with byte 0x22/],
    ['a header line without a colon', 'Content-Length 5\r\n\r\n{}', /header name with byte 0x20/],
    ['a header that never ends', `Content-Length: 5${'x'.repeat(5000)}`, /a header longer than 4096 bytes/],
  ];
  for (const [what, input, why] of bad) {
    it(`reports ${what}, after the good messages before it, and passes nothing of it on`, () => {
      const r = guard(good + input, 3);
      assert.match(r.bad ?? '', why);
      const framedWell = input.startsWith('Content-Length: 5\r\n\r\n{') ? 'Content-Length: 5\r\n\r\n{"jso' : '';
      assert.strictEqual(r.out, good + framedWell, 'the messages before it went through, and nothing of it');
    });
  }
});
