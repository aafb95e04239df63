import { RestartBudget } from '../../server/src/shared/restartBudget';
export { RestartBudget };

/**
 * When the language server stops unasked (a crash, the process killed), the client starts it again
 * within a RestartBudget: at most `max` restarts within `windowMs`. Nothing is lost by a restart:
 * the library is read back from the files (and the parse cache), and the editor sends the open
 * documents again. Pure (no vscode): extension.ts turns the decisions into the client's actions.
 */
export interface RestartEvents {
  restarting(restart: number, max: number, minutes: number): void;
  gaveUp(max: number, minutes: number): void;
}

/** The server's connection closed unasked: restart within the budget, saying so, or stop and say why. */
export function onServerClosed(budget: RestartBudget, events: RestartEvents): 'restart' | 'stop' {
  const minutes = budget.minutes;
  if (budget.take()) {
    events.restarting(budget.total, budget.max, minutes);
    return 'restart';
  }
  events.gaveUp(budget.max, minutes);
  return 'stop';
}

/**
 * A message could not be read or written: a few are not a reason to stop; many are. But a write to
 * a server that is gone (an error of the stream itself, without a count, such as EPIPE; or
 * "Channel closed", counted, once per request sent after the process died) says nothing about the
 * server's messages: the close that follows decides, within the restart budget. Shutting down here
 * instead stopped the client, which then did not restart a killed server whenever requests were
 * sent between its death and the close.
 */
export function onConnectionError(count: number | undefined, error?: { message?: string; code?: unknown }): 'continue' | 'shutdown' {
  if (count === undefined || count <= 3) return 'continue';
  return serverGone(error) ? 'continue' : 'shutdown';
}

function serverGone(error: { message?: string; code?: unknown } | undefined): boolean {
  return /channel closed|EPIPE|ECONNRESET|ERR_STREAM_DESTROYED|write after end/i.test(`${error?.message ?? ''} ${String(error?.code ?? '')}`);
}
