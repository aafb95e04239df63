import { CloseAction, CloseHandlerResult, ErrorAction, ErrorHandler, ErrorHandlerResult } from 'vscode-languageclient/node';

/**
 * When the language server stops unasked (a crash, the process killed), the client starts it again,
 * a bounded number of times: at most `max` restarts within `windowMs`. Nothing is lost by a restart:
 * the library is read back from the files (and the parse cache), and the editor sends the open
 * documents again.
 */
export class RestartBudget {
  private readonly times: number[] = [];
  /** Restarts so far, all told. */
  total = 0;

  constructor(readonly max = 5, readonly windowMs = 3 * 60_000, private readonly now: () => number = Date.now) {}

  /** Whether one more restart is allowed now (and counts it when it is). */
  take(): boolean {
    const t = this.now();
    while (this.times.length && t - this.times[0] > this.windowMs) this.times.shift();
    if (this.times.length >= this.max) return false;
    this.times.push(t);
    this.total++;
    return true;
  }

  /** A restart the user asked for starts the count again. */
  reset(): void {
    this.times.length = 0;
  }
}

export interface RestartEvents {
  restarting(restart: number, max: number): void;
  gaveUp(max: number, minutes: number): void;
}

/** The client's error handler: restart within the budget, saying so; a few bad messages are not a reason to stop. */
export function restartingErrorHandler(budget: RestartBudget, events: RestartEvents): ErrorHandler {
  return {
    error(_error, _message, count): ErrorHandlerResult {
      return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
    },
    closed(): CloseHandlerResult {
      if (budget.take()) {
        events.restarting(budget.total, budget.max);
        return { action: CloseAction.Restart, handled: true };
      }
      const minutes = Math.round(budget.windowMs / 60_000);
      events.gaveUp(budget.max, minutes);
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}
