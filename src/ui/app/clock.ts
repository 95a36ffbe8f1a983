/**
 * The clock the screen ages things by ("3s ago", timelines): one tick a second into the UI store's `now`. Nothing
 * renders on a tick by itself: components subscribe to what they show derived from `now` (an age's text, whether a
 * flash is still up), so a tick re-renders only what it changes on screen.
 */
import { useMemo, useSyncExternalStore } from 'react';
import type { Scheduler } from '../../lib/scheduler.ts';
import { useApp } from './context.ts';
import type { UiStore } from './uiStore.ts';

const TICK_MS = 1_000;

/** Ticks on each whole second of the scheduler's clock until the returned stop is called. */
export function startClock(ui: UiStore, scheduler: Scheduler): () => void {
  let handle: ReturnType<Scheduler['setTimeout']> | undefined;
  const tick = () => {
    const now = scheduler.now();
    ui.setState({ now });
    handle = scheduler.setTimeout(tick, TICK_MS - (now % TICK_MS));
  };
  tick();
  return () => {
    if (handle) scheduler.clearTimeout(handle);
  };
}

/** The clock as components follow it: told of each change of the UI store, read through now(). */
export interface ClockSource {
  subscribe(listener: () => void): () => void;
  now(): number;
}

/** A clock that never ticks, for what does not depend on the time: it is not told of any change of the UI store. */
export const STILL_CLOCK: ClockSource = { subscribe: () => () => {}, now: () => 0 };

export function clockOf(ui: UiStore): ClockSource {
  return { subscribe: (listener) => ui.subscribe(listener), now: () => ui.getState().now };
}

/**
 * `derive(now)` as of the clock, re-rendering only when its value changes: a component that shows "41s" renders
 * every second, one that shows "3m" once a minute, one whose text does not depend on the time never. `derive` must
 * return a primitive (compared with Object.is), e.g. the text it would draw.
 */
export function useClockDerived<T extends string | number | boolean | undefined>(
  clock: ClockSource,
  derive: (now: number) => T,
): T {
  return useSyncExternalStore(clock.subscribe, () => derive(clock.now()));
}

/** The app's clock (the UI store's `now`), for useClockDerived. */
export function useUiClock(): ClockSource {
  const { ui } = useApp();
  return useMemo(() => clockOf(ui), [ui]);
}
