/**
 * Node flags the server process starts with: the extension passes them (client/src/extension.ts),
 * and so do the tests and the bench (test/support/lspClient.ts), so that they measure what runs.
 *
 * `--max-semi-space-size=2`: a young generation of 2 MB per semi-space instead of V8's default of up
 * to 16 MB. What the server thread allocates while it indexes (the parse results, the papers)
 * mostly stays alive, so each young collection copies nearly all of it, and its pause grows with
 * the semi-space: 10-31 ms at the default, which is most of what a keystroke's request still waited
 * during a cold start. Cold starts at M, 10 interleaved pairs: longest stall median 58 -> 47 ms
 * (lower in 7 of 10), probes over 30 ms 54 -> 24, scan and full text unchanged; warm starts
 * unchanged (8 pairs: 1,543 / 1,551 ms). 4 MB gave 60 -> 45 ms, but 58 -> 36 slow probes.
 * The workers set their own young generation (workerThreads.ts).
 *
 * `--expose-gc`: lets the worker threads collect their garbage when a burst of work is done
 * (collectGarbage in workerThreads.ts), instead of holding it for seconds until V8's memory reducer
 * runs: at M the process's peak fell from 358-374 MB to 281-296 MB with the other changes of that
 * session (test/bench/history.md, eighteenth session). The server thread never calls it.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--expose-gc'];
