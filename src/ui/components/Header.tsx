import { Box, Text } from 'ink';
import { formatAge } from '../../domain/format.ts';
import { sanitizeText } from '../../domain/sanitize.ts';
import type { PaneId } from '../../keymap/keymap.ts';
import type { ResourceMeta } from '../../store/store.ts';
import { useApp, useEcs, useUi } from '../app/context.ts';
import { feedOfPane } from '../app/feeds.ts';
import { useTheme } from '../theme/context.ts';
import { fitSpans } from './SpanLine.tsx';
import type { Span } from './table.ts';

const FEED_LABELS: readonly [PaneId, string][] = [
  ['clusters', 'clusters'],
  ['services', 'services'],
  ['tasks', 'tasks'],
  ['instances', 'instances'],
  ['failures', 'failures'],
];

/** "tasks 3s" per pane; "tasks ✗ 12s" when the last attempt failed after the last success. */
export function feedAgeSpan(label: string, meta: ResourceMeta | undefined, now: number): Span {
  if (!meta) return { text: `${label} -`, tone: 'muted' };
  const failing = meta.lastError !== undefined && (meta.lastSuccessAt ?? 0) <= meta.lastError.at;
  if (failing) return { text: `${label} ✗ ${formatAge(meta.lastSuccessAt, now)}`, tone: 'error' };
  return { text: `${label} ${formatAge(meta.lastSuccessAt, now)}`, tone: meta.inFlight ? 'accent' : 'text' };
}

/** Two lines: where we are pointed (and read-only), then data freshness and the API budget. */
export function Header({ width }: { width: number }) {
  const { target, readOnly } = useApp();
  const theme = useTheme();
  const now = useUi((s) => s.now);
  const cluster = useUi((s) => s.cluster);
  const clusterName = useEcs((s) => (cluster ? s.clusters.get(cluster)?.clusterName : undefined));
  const meta = useEcs((s) => s.meta);
  const api = useEcs((s) => s.api);

  const where: Span[] = [
    { text: 'ecsdeck ', tone: 'title' },
    { text: `profile ${sanitizeText(target.profile ?? 'default')} · region ${sanitizeText(target.region ?? '-')} · ` },
    {
      text:
        target.endpointKind === 'aws' ? 'AWS' : `${target.endpointKind} ${sanitizeText(target.endpoint ?? '')}`.trim(),
      tone: target.endpointKind === 'aws' ? 'text' : 'accent',
    },
  ];
  if (readOnly) where.push({ text: ' ' }, { text: ' READ-ONLY ', tone: 'badge' });
  if (clusterName !== undefined) where.push({ text: ` · cluster ${sanitizeText(clusterName)}` });

  const ages: Span[] = [{ text: 'data ', tone: 'muted' }];
  FEED_LABELS.forEach(([pane, label], index) => {
    if (index > 0) ages.push({ text: ' · ', tone: 'muted' });
    ages.push(feedAgeSpan(label, meta.get(feedOfPane(pane, cluster)), now));
  });
  const rate = api.ratePerSecond.toFixed(1);
  const ceiling = api.budgetCeiling > 0 ? `${api.budgetCeiling}` : '∞';
  ages.push({ text: '   API ', tone: 'muted' }, { text: `${rate}/s of ${ceiling}/s` });
  ages.push(
    { text: ' · throttled ', tone: 'muted' },
    { text: String(api.throttled), tone: api.throttled > 0 ? 'warn' : 'text' },
  );
  if (api.errors > 0) ages.push({ text: ' · errors ', tone: 'muted' }, { text: String(api.errors), tone: 'error' });

  return (
    <Box flexDirection="column" width={width} height={2}>
      {[where, ages].map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the two fixed header lines
        <Text key={index} wrap="truncate-end">
          {fitSpans(line, width).map((span, spanIndex) => (
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
