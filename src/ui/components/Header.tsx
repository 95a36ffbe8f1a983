import { Box, Text } from 'ink';
import { useMemo, useRef, useSyncExternalStore } from 'react';
import { displayWidth, formatAge } from '../../domain/format.ts';
import { sanitizeText } from '../../domain/sanitize.ts';
import type { PaneId } from '../../keymap/keymap.ts';
import type { ApiMeta, EcsState, EcsStore, ResourceMeta } from '../../store/store.ts';
import { type ClockSource, useClockDerived, useUiClock } from '../app/clock.ts';
import { type TargetInfo, useApp, useEcs, useUi } from '../app/context.ts';
import { feedOfPane } from '../app/feeds.ts';
import { useTheme } from '../theme/context.ts';
import { fitSpans } from './SpanLine.tsx';
import type { Span } from './table.ts';

/** Each feed with its full label and the short one narrow terminals get. */
const FEED_LABELS: readonly [PaneId, string, string][] = [
  ['clusters', 'clusters', 'cl'],
  ['services', 'services', 'svc'],
  ['tasks', 'tasks', 'task'],
  ['instances', 'instances', 'inst'],
  ['failures', 'failures', 'fail'],
];

/** "tasks 3s" per pane; "tasks ✗ 12s" when the last attempt failed after the last success. */
export function feedAgeSpan(label: string, meta: ResourceMeta | undefined, now: number): Span {
  if (!meta) return { text: `${label} -`, tone: 'muted' };
  const failing = meta.lastError !== undefined && (meta.lastSuccessAt ?? 0) <= meta.lastError.at;
  if (failing) return { text: `${label} ✗ ${formatAge(meta.lastSuccessAt, now)}`, tone: 'error' };
  return { text: `${label} ${formatAge(meta.lastSuccessAt, now)}`, tone: meta.inFlight ? 'accent' : 'text' };
}

/** Under this age a feed that is not failing is fresh: the fast feeds refresh every few seconds, the slowest every 30. */
export const FRESH_MS = 60_000;

/**
 * The header's coarse view of a feed, which changes only when it tells something: "tasks ok" while refreshes land,
 * its age in minutes once none has for a minute ("tasks 2m", in the warning tone), and a failing feed's exact age
 * ("tasks ✗ 12s").
 */
export function coarseFeedAgeSpan(label: string, meta: ResourceMeta | undefined, now: number): Span {
  const exact = feedAgeSpan(label, meta, now);
  if (meta?.lastSuccessAt === undefined || exact.tone === 'error') return exact;
  if (now - meta.lastSuccessAt < FRESH_MS) return { text: `${label} ok`, tone: 'text' };
  return { ...exact, tone: meta.inFlight ? 'accent' : 'warn' };
}

const widthOf = (spans: readonly Span[]) => spans.reduce((sum, span) => sum + displayWidth(span.text), 0);

/** The first variant that fits the width whole; the last (the most compact) cut to it when none does. */
export function firstThatFits(variants: readonly Span[][], width: number): Span[] {
  const fitting = variants.find((variant) => widthOf(variant) <= width);
  return fitSpans(fitting ?? variants[variants.length - 1] ?? [], width);
}

export interface WhereInput {
  target: TargetInfo;
  readOnly: boolean;
  banner?: string;
  clusterName?: string;
}

/**
 * The first line: the banner, then profile, region and cluster, READ-ONLY, and the endpoint last. A narrow terminal
 * drops the endpoint's URL first, then its kind, then the words "profile" and "region": the cluster always stays.
 */
export function whereLine({ target, readOnly, banner, clusterName }: WhereInput, width: number): Span[] {
  const lead: Span[] = [];
  if (banner !== undefined) lead.push({ text: ` ${sanitizeText(banner)} `, tone: 'banner' }, { text: ' ' });
  lead.push({ text: 'ecsdeck', tone: 'title' });
  const profile = sanitizeText(target.profile ?? 'default');
  const region = sanitizeText(target.region ?? '-');
  const cluster: Span[] =
    clusterName === undefined ? [] : [{ text: ' · cluster ' }, { text: sanitizeText(clusterName), tone: 'title' }];
  const badge: Span[] = readOnly ? [{ text: ' ' }, { text: ' READ-ONLY ', tone: 'badge' }] : [];
  const kind = target.endpointKind === 'aws' ? 'AWS' : target.endpointKind;
  const endpointTone = target.endpointKind === 'aws' ? 'text' : 'accent';
  const url = target.endpointKind === 'aws' || !target.endpoint ? '' : ` ${sanitizeText(target.endpoint)}`;
  const named: Span[] = [...lead, { text: ` profile ${profile} · region ${region}` }, ...cluster, ...badge];
  const terse: Span[] = [...lead, ...cluster, ...badge, { text: ` · ${profile} · ${region}` }];
  return firstThatFits(
    [
      [...named, { text: ' · ' }, { text: `${kind}${url}`, tone: endpointTone }],
      [...named, { text: ' · ' }, { text: kind, tone: endpointTone }],
      named,
      terse,
      [...lead, ...cluster, ...badge],
    ],
    width,
  );
}

/** What the second line shows of the API meta. */
export type ApiShown = Pick<ApiMeta, 'ratePerSecond' | 'budgetCeiling' | 'throttled' | 'errors'>;

/** The CloudWatch Logs budget in use, once logs have been opened. */
export interface LogsShown {
  ratePerSecond: number;
  ceiling: number;
  throttled: number;
}

/**
 * The second line: every feed's age, then the API rate against the budget; labels shorten before anything goes.
 * `coarse` ages (the header's) say "ok" rather than counting the seconds since the last refresh.
 */
export function freshnessLine(
  meta: ReadonlyMap<string, ResourceMeta>,
  api: ApiShown,
  cluster: string | undefined,
  now: number,
  width: number,
  options: {
    coarse?: boolean;
    logs?: LogsShown;
    metrics?: Pick<ApiMeta, 'ratePerSecond' | 'budgetCeiling' | 'throttled'>;
  } = {},
): Span[] {
  const ageSpan = options.coarse ? coarseFeedAgeSpan : feedAgeSpan;
  const ages = (short: boolean): Span[] => {
    const spans: Span[] = [{ text: 'data ', tone: 'muted' }];
    FEED_LABELS.forEach(([pane, label, shortLabel], index) => {
      if (index > 0) spans.push({ text: short ? ' ' : ' · ', tone: 'muted' });
      spans.push(ageSpan(short ? shortLabel : label, meta.get(feedOfPane(pane, cluster)), now));
    });
    return spans;
  };
  const rate = api.ratePerSecond.toFixed(1);
  // The budget is always a finite rate: 0 only means the monitor has not published it yet.
  const ceiling = api.budgetCeiling > 0 ? `${api.budgetCeiling}` : '-';
  const throttledTone = api.throttled > 0 ? 'warn' : 'text';
  const errors = (label: string): Span[] =>
    api.errors > 0
      ? [
          { text: label, tone: 'muted' },
          { text: String(api.errors), tone: 'error' },
        ]
      : [];
  const full: Span[] = [
    { text: '   API ', tone: 'muted' },
    { text: `${rate}/s of ${ceiling}/s` },
    { text: ' · throttled ', tone: 'muted' },
    { text: String(api.throttled), tone: throttledTone },
    ...errors(' · errors '),
  ];
  const compact: Span[] = [
    { text: ' │ API ', tone: 'muted' },
    { text: `${rate} of ${ceiling}/s` },
    { text: ' thr ', tone: 'muted' },
    { text: String(api.throttled), tone: throttledTone },
    ...errors(' err '),
  ];
  // The logs budget beside the ECS one, once logs have been used: "logs 0.4/s of 2/s".
  const logs = options.logs;
  const logsTone = logs && logs.throttled > 0 ? 'warn' : 'text';
  const logsFull: Span[] = logs
    ? [
        { text: ' · logs ', tone: 'muted' },
        { text: `${logs.ratePerSecond.toFixed(1)}/s of ${logs.ceiling}/s`, tone: logsTone },
      ]
    : [];
  const logsCompact: Span[] = logs
    ? [
        { text: ' logs ', tone: 'muted' },
        { text: `${logs.ratePerSecond.toFixed(1)} of ${logs.ceiling}/s`, tone: logsTone },
      ]
    : [];
  // CloudWatch's own budget beside ECS's, once its client is up.
  const metrics = options.metrics;
  const metricsTone = metrics && metrics.throttled > 0 ? 'warn' : 'text';
  const cloudWatch: Span[] = metrics
    ? [
        { text: ' · cw ', tone: 'muted' },
        { text: `${metrics.ratePerSecond.toFixed(1)}/s of ${metrics.budgetCeiling}/s`, tone: metricsTone },
      ]
    : [];
  const cloudWatchCompact: Span[] = metrics
    ? [
        { text: ' cw ', tone: 'muted' },
        { text: `${metrics.ratePerSecond.toFixed(1)} of ${metrics.budgetCeiling}/s`, tone: metricsTone },
      ]
    : [];
  return firstThatFits(
    [
      [...ages(false), ...full, ...logsFull, ...cloudWatch],
      [...ages(false), ...compact, ...logsCompact, ...cloudWatchCompact],
      [...ages(true), ...full, ...logsFull, ...cloudWatch],
      [...ages(true), ...compact, ...logsCompact, ...cloudWatchCompact],
      ...(logs || metrics ? [[...ages(true), ...compact]] : []),
    ],
    width,
  );
}

/** How long the header holds a rate it shows: the rate is counted over the last 10 s, in bursts of calls per poll. */
export const RATE_HOLD_MS = 10_000;
/** From this share of the budget on, the rate shows as it moves: it is about to be throttled. */
const RATE_WATCH_SHARE = 0.8;

/**
 * The rate as the header shows it: held for RATE_HOLD_MS, so the swings of a 10-second window between the bursts
 * of calls of two polls do not redraw the line every second; shown at once when it starts, stops or nears the budget.
 */
export function steadyRate(
  shown: { current: { rate: number; at: number } | undefined },
  rate: number,
  ceiling: number,
  now: number,
): number {
  const exact = Number(rate.toFixed(1));
  const last = shown.current;
  const urgent = exact === 0 || last?.rate === 0 || (ceiling > 0 && exact >= ceiling * RATE_WATCH_SHARE);
  if (last === undefined || (exact !== last.rate && (urgent || now - last.at >= RATE_HOLD_MS))) {
    shown.current = { rate: exact, at: now };
  }
  return (shown.current as { rate: number }).rate;
}

/**
 * The API rate as the header shows it (steadyRate), kept as the store's rate and the clock move. steadyRate
 * remembers what it showed and since when: it runs here, once per change of either store, never inside a selector
 * (React calls those as often as it likes); the header reads the result.
 */
function useSteadyRate(ecs: EcsStore, clock: ClockSource): number {
  const source = useMemo(() => {
    const shown: { current: { rate: number; at: number } | undefined } = { current: undefined };
    const follow = () => {
      const { api } = ecs.getState();
      steadyRate(shown, api.ratePerSecond, api.budgetCeiling, clock.now());
    };
    follow();
    return {
      subscribe(listener: () => void): () => void {
        const changed = () => {
          follow();
          listener();
        };
        const stops = [ecs.subscribe(changed), clock.subscribe(changed)];
        // What changed between the first render and this subscription.
        follow();
        return () => {
          for (const stop of stops) stop();
        };
      },
      rate: () => (shown.current as { rate: number }).rate,
    };
  }, [ecs, clock]);
  return useSyncExternalStore(source.subscribe, source.rate);
}

/** Two lines: where we are pointed (banner, cluster, read-only), then data freshness and the API budget. */
export function Header({ width }: { width: number }) {
  const { target, readOnly, banner, ecs, logs } = useApp();
  const theme = useTheme();
  const clock = useUiClock();
  const cluster = useUi((s) => s.cluster);
  const clusterName = useEcs((s) => (cluster ? s.clusters.get(cluster)?.clusterName : undefined));
  const ratePerSecond = useSteadyRate(ecs, clock);
  const shownLogsRate = useRef<{ rate: number; at: number } | undefined>(undefined);
  const logsAt = (now: number): LogsShown | undefined => {
    const usage = logs?.usage?.();
    if (!usage) return undefined;
    return {
      ratePerSecond: steadyRate(shownLogsRate, usage.ratePerSecond, usage.ceiling, now),
      ceiling: usage.ceiling,
      throttled: usage.throttled,
    };
  };
  const shownMetricsRate = useRef<{ rate: number; at: number } | undefined>(undefined);
  // The line as text, from the data and from the clock: the header re-renders when what the line says changes, not
  // when a refresh toggles "in flight", another cluster's feed lands or a tick passes.
  const lineAt = (state: EcsState, now: number): string => {
    const logsShown = logsAt(now);
    return JSON.stringify(
      freshnessLine(
        state.meta,
        {
          ratePerSecond,
          budgetCeiling: state.api.budgetCeiling,
          throttled: state.api.throttled,
          errors: state.api.errors,
        },
        cluster,
        now,
        width,
        {
          coarse: true,
          ...(logsShown ? { logs: logsShown } : {}),
          ...(state.metricsApi
            ? {
                metrics: {
                  ratePerSecond: steadyRate(
                    shownMetricsRate,
                    state.metricsApi.ratePerSecond,
                    state.metricsApi.budgetCeiling,
                    now,
                  ),
                  budgetCeiling: state.metricsApi.budgetCeiling,
                  throttled: state.metricsApi.throttled,
                },
              }
            : {}),
        },
      ),
    );
  };
  const agesText = useEcs((state) => lineAt(state, clock.now()));
  useClockDerived(clock, (now) => lineAt(ecs.getState(), now));

  const where = whereLine(
    {
      target,
      readOnly,
      ...(banner !== undefined ? { banner } : {}),
      ...(clusterName !== undefined ? { clusterName } : {}),
    },
    width,
  );
  const ages = JSON.parse(agesText) as Span[];

  return (
    <Box flexDirection="column" width={width} height={2}>
      {[where, ages].map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the two fixed header lines
        <Text key={index} wrap="truncate-end">
          {line.map((span, spanIndex) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line
            <Text key={spanIndex} {...(span.tone ? theme.style(span.tone) : {})}>
              {span.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
