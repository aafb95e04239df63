import * as v8 from 'v8';
import { runtimeTrickOff } from './tricks';

/**
 * The heap growing factor outside a scan: a heap may grow to 1.3 times what the last full
 * collection left before the next one, instead of V8's own factor (up to 4 when collections are
 * fast). Every thread of the server holds a large, mostly long-lived heap (the library model, the
 * index, the token cache), and V8's factor let each keep much garbage beside it at once, which added
 * up in the process's peak. The price is more full collections, mostly off the thread (concurrent
 * marking). Set when the server starts (main.ts), so it needs no flag from the editor
 * (docs/performance.md, "The server's Node flags").
 */
const STEADY_GROWING_PERCENT = 30;

/**
 * A scan builds the server thread's heap up from nothing: nearly all it allocates stays alive, so
 * with the steady factor that thread ran a full collection each time its heap grew by 30 %, marking
 * the whole model again each time. So a scan starts with V8 choosing the factor itself (a flag of
 * 0), and the steady factor holds again when it ends, so that what is kept at rest holds little
 * garbage beside it. A scan that parses files rather than reading them from the parse cache goes
 * back to the steady factor as soon as that is clear (ingest/fileLoader.ts): parsing makes much
 * garbage in every thread, which the faster growth would have kept at the process's peak. The
 * flag is the process's, so every thread follows it; V8 reads it whenever it sets a heap's next
 * limit, so it takes effect at once.
 */
export function heapGrowthForScan(): void {
  if (runtimeTrickOff('heapgrowth') || runtimeTrickOff('scangrowth')) return;
  v8.setFlagsFromString('--heap-growing-percent=0');
}

/** The steady factor: when the server starts, and again once a scan has ended. */
export function heapGrowthAtRest(): void {
  if (runtimeTrickOff('heapgrowth')) return;
  v8.setFlagsFromString(`--heap-growing-percent=${STEADY_GROWING_PERCENT}`);
}
