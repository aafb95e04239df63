import * as http from 'http';
import * as https from 'https';

/** A failure the user can act on, said in words (the command shows its message as it is). */
export class NetworkError extends Error {}

export interface GetOptions {
  /** How long the connection may stay silent (connecting, or between two parts of the answer). */
  timeoutMs?: number;
  /** Answers larger than this are refused (and not kept). */
  maxBytes?: number;
  accept?: string;
  /** Gives up on the request (the user cancelled); it then fails with a NetworkError saying so. */
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 5;

/**
 * GET a URL's body as text, through Node's http/https (which VS Code routes through the user's
 * proxy settings). Every way it can fail becomes a NetworkError with a message: unreachable or
 * offline, too slow, not found, rate-limited (with Retry-After), server errors, too large.
 */
export async function getText(url: string, options: GetOptions = {}, redirects = 0): Promise<string> {
  const { timeoutMs = 20_000, maxBytes = 10 * 1024 * 1024, accept = '*/*' } = options;
  let target: URL;
  try { target = new URL(url); } catch { throw new NetworkError(`"${url}" is not a web address.`); }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new NetworkError(`"${url}" is not an http(s) address.`);
  const host = target.host;
  const get = target.protocol === 'https:' ? https.get : http.get;
  return new Promise<string>((resolve, reject) => {
    const request = get(target, { headers: { accept, 'user-agent': 'litnotes (VS Code extension)' }, signal: options.signal }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new NetworkError(`${host} redirected too many times.`));
        return resolve(getText(new URL(response.headers.location, target).toString(), options, redirects + 1));
      }
      if (status < 200 || status >= 300) {
        response.resume();
        return reject(new NetworkError(statusMessage(host, status, response.headers['retry-after'])));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          request.destroy();
          reject(new NetworkError(`${host} sent more than ${Math.round(maxBytes / 1024 / 1024)} MB; nothing was used.`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', (err) => reject(new NetworkError(`The answer from ${host} broke off (${err.message}).`)));
    });
    request.setTimeout(timeoutMs, () => request.destroy(new NetworkError(`${host} did not answer within ${Math.round(timeoutMs / 1000)} s.`)));
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof NetworkError) return reject(err);
      if (options.signal?.aborted) return reject(new NetworkError('Cancelled.'));
      const offline = ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET'].includes(err.code ?? '');
      reject(new NetworkError(offline ? `Could not reach ${host} (${err.code}): are you offline, or is a proxy needed?` : `The request to ${host} failed: ${err.message}`));
    });
  });
}

function statusMessage(host: string, status: number, retryAfter: string | string[] | undefined): string {
  if (status === 404) return `${host} has no such paper or page (404).`;
  if (status === 429) {
    const wait = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    return `${host} is limiting requests (429)${Number.isFinite(wait) && wait > 0 ? `; try again in ${Math.ceil(wait)} s` : '; try again later'}.`;
  }
  if (status >= 500) return `${host} had a server error (${status}); try again later.`;
  return `${host} answered ${status}.`;
}
