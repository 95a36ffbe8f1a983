/**
 * Service events: what kind of news each one is (so placement failures and unhealthy targets stand out), their
 * order, and merging the ≤100 events ECS returns on each poll into a longer history without duplicates.
 */

import { type ServiceEvent, serviceEventKey } from './model.ts';

export type ServiceEventKind = 'placement-failure' | 'deployment-failed' | 'unhealthy' | 'steady-state' | 'info';

const EVENT_RULES: readonly [RegExp, ServiceEventKind][] = [
  [/\bwas unable to place a task\b/i, 'placement-failure'],
  [/\bdeployment failed\b|\bcircuit breaker\b|\brolling back\b/i, 'deployment-failed'],
  [/\bunhealthy\b|\bfailed\b[^.]*\bhealth[ -]?checks?\b/i, 'unhealthy'],
  [/\bhas reached a steady state\b/i, 'steady-state'],
];

/** The kind of a service event message, phrased as ECS phrases them; anything else is `info`. */
export function classifyServiceEvent(message: string | undefined): ServiceEventKind {
  if (message === undefined) return 'info';
  for (const [pattern, kind] of EVENT_RULES) if (pattern.test(message)) return kind;
  return 'info';
}

/** Newest first; events without a time last; ties by key so the order is stable. */
export function compareEventsNewestFirst(a: ServiceEvent, b: ServiceEvent): number {
  const timeA = a.createdAt ?? Number.NEGATIVE_INFINITY;
  const timeB = b.createdAt ?? Number.NEGATIVE_INFINITY;
  if (timeA !== timeB) return timeB > timeA ? 1 : -1;
  const keyA = serviceEventKey(a);
  const keyB = serviceEventKey(b);
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}

/**
 * The union of the history we hold and a fresh page of events, newest first, at most `limit` long. Returns
 * `history` itself when the page brings nothing new (a store can keep its reference). `history` is expected to be
 * what this function returned before (sorted, without duplicates).
 */
export function mergeServiceEvents(
  history: readonly ServiceEvent[],
  incoming: readonly ServiceEvent[],
  limit = 500,
): readonly ServiceEvent[] {
  const known = new Set(history.map(serviceEventKey));
  const fresh: ServiceEvent[] = [];
  for (const event of incoming) {
    const key = serviceEventKey(event);
    if (known.has(key)) continue;
    known.add(key);
    fresh.push(event);
  }
  if (fresh.length === 0 && history.length <= limit) return history;
  return [...history, ...fresh].sort(compareEventsNewestFirst).slice(0, Math.max(0, limit));
}
