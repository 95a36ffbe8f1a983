/**
 * The logs client as the app holds it (LogsAccess): made on first use, so the CloudWatch Logs SDK loads when a log
 * is first opened and never before the first frame; one gateway for the whole run. A creation that fails (no
 * region, the simulator gone) is not kept: the next use tries again.
 */
import type { LogsAccess, LogsGateway, LogsUsage } from './types.ts';

export interface LazyLogsAccess extends LogsAccess {
  usage(): LogsUsage | undefined;
  /** Closes the gateway's sockets when one was made (the run is over). */
  close(): void;
}

export function lazyLogsAccess(create: () => Promise<LogsGateway & { close?: () => void }>): LazyLogsAccess {
  let pending: Promise<LogsGateway & { close?: () => void }> | undefined;
  let made: (LogsGateway & { close?: () => void }) | undefined;
  let closed = false;
  return {
    gateway() {
      pending ??= create().then(
        (gateway) => {
          // Closed while it was being made: nothing may stay open after the run.
          if (closed) gateway.close?.();
          else made = gateway;
          return gateway;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    usage() {
      if (!made) return undefined;
      const stats = made.stats();
      return {
        ratePerSecond: stats.ratePerSecond,
        ceiling: made.budget().ceiling,
        throttled: stats.throttled,
        errors: stats.errors,
      };
    },
    close() {
      closed = true;
      made?.close?.();
      made = undefined;
    },
  };
}
