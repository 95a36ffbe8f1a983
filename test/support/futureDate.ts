/**
 * Moves the machine's date a year and a bit ahead for the tests that run under `vitest.future.config.ts`, so a test
 * that ages data by wall-clock time instead of the injected clock fails today rather than next year.
 */

const AHEAD_MS = 400 * 24 * 60 * 60_000;
const RealDate = Date;

class FutureDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + AHEAD_MS);
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return RealDate.now() + AHEAD_MS;
  }
}

globalThis.Date = FutureDate as DateConstructor;
