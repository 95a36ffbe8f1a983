/**
 * The log view (k9s's as the model): a header saying what is shown and how it is read (live, or polling and why),
 * the containers as tabs, then the lines: only the visible ones are turned into spans and mounted. It re-renders when
 * the session says so, at most once a frame however fast lines arrive.
 */
import { Box } from 'ink';
import { useStore } from 'zustand';
import { formatCount } from '../../domain/count.ts';
import type { FollowStatus } from '../../logs/follow.ts';
import { SpanLine } from '../components/SpanLine.tsx';
import type { Span } from '../components/table.ts';
import { safe } from '../panes/cells.ts';
import type { Tone } from '../theme/theme.ts';
import { logWindow } from './logRows.ts';
import { LOG_CHROME_LINES, type LogSession, type LogViewState } from './session.ts';

const SINCE_WORDS: Readonly<Record<LogViewState['since'], string>> = {
  tail: 'newest lines',
  '1m': 'last 1m',
  '5m': 'last 5m',
  '15m': 'last 15m',
  '1h': 'last 1h',
  all: 'whole stream',
};

/** How the lines are read, in words: live, polling (and why), reading the history. */
export function readingWords(status: FollowStatus | undefined, loading: boolean): { text: string; tone: Tone } {
  if (!status) return loading ? { text: 'reading…', tone: 'muted' } : { text: 'not reading', tone: 'muted' };
  const sampled = status.sampled ? ' (sampled by CloudWatch)' : '';
  switch (status.phase) {
    case 'history':
      return { text: 'reading the history…', tone: 'muted' };
    case 'live':
      return { text: `● live tail${sampled}`, tone: 'ok' };
    case 'polling':
      return {
        text: status.liveTailRefused ? `polling (live tail refused: ${safe(status.liveTailRefused)})` : 'polling',
        tone: 'warn',
      };
    case 'done':
      return { text: 'history only', tone: 'muted' };
  }
}

export function headerSpans(state: LogViewState, lines: number, dropped: number): Span[] {
  const reading = readingWords(state.status, state.loading);
  const spans: Span[] = [
    { text: ' Logs ', tone: 'title' },
    { text: ` ${state.title} · ${SINCE_WORDS[state.since]} · `, tone: 'muted' },
    { text: state.follow ? 'following' : 'paused (G follows)', tone: state.follow ? 'accent' : 'warn' },
    { text: ' · ', tone: 'muted' },
    { text: reading.text, tone: reading.tone },
  ];
  if (state.pattern) spans.push({ text: ` · filter "${safe(state.pattern)}"`, tone: 'accent' });
  if (state.search) spans.push({ text: ` · /${safe(state.search)} ${state.matches} matches`, tone: 'accent' });
  const details = [`${formatCount(lines)} lines`];
  if (dropped > 0) details.push(`${formatCount(dropped)} dropped`);
  // The history stopped at the buffer's bound: older lines of the window were not read.
  if (state.status?.historyCut) details.push('history cut at the bound');
  if (state.wrap) details.push('wrap');
  details.push(state.timestamps === 'off' ? 'no time' : state.timestamps === 'utc' ? 'UTC' : 'local time');
  spans.push({ text: ` · ${details.join(' · ')}`, tone: 'muted' });
  return spans;
}

/** The tab line: a task's containers (the one shown highlighted, or `all`), then what keeps lines from showing. */
function tabSpans(state: LogViewState, sentences: readonly string[]): Span[] {
  const spans: Span[] = [];
  if (state.tabs.length > 1) {
    state.tabs.forEach((tab, index) => {
      spans.push({ text: ` ${tab} `, tone: state.tab === index ? 'selection' : 'muted' });
    });
    spans.push({ text: ' all ', tone: state.tab === 'all' ? 'selection' : 'muted' });
    spans.push({ text: '  ' });
  }
  const first = sentences[0];
  if (first)
    spans.push({ text: sentences.length > 1 ? `${first} (+${sentences.length - 1} more)` : first, tone: 'warn' });
  return spans;
}

/** What keeps lines from showing: unreadable containers, missing streams, an error. */
function problemSentences(state: LogViewState): string[] {
  return [
    ...state.notices,
    ...(state.status?.missing ?? []),
    ...(state.status?.error ? [safe(state.status.error)] : []),
  ];
}

export function LogView({ session, width, height }: { session: LogSession; width: number; height: number }) {
  const state = useStore(session.state);
  const buffer = session.buffer;
  const bodyHeight = Math.max(1, height - LOG_CHROME_LINES);
  const sentences = problemSentences(state);
  let rows: Span[][];
  if (state.pretty) {
    rows = state.pretty.lines
      .slice(state.pretty.scroll, state.pretty.scroll + bodyHeight)
      .map((line) => [{ text: line }]);
  } else if (buffer.size === 0 && buffer.dropped === 0) {
    const waiting = state.loading
      ? 'Reading…'
      : state.follow && state.status
        ? 'No lines yet: following.'
        : 'No lines.';
    rows =
      sentences.length > 0
        ? sentences.map((text) => [{ text, tone: 'warn' as const }])
        : [[{ text: waiting, tone: 'muted' }]];
  } else {
    rows = logWindow(buffer, {
      ...state,
      width,
      height: bodyHeight,
      sources: session.labels,
      prefixed: session.prefixed,
      search: state.search.toLowerCase(),
    }).rows;
  }
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <SpanLine spans={headerSpans(state, buffer.size, buffer.dropped)} width={width} />
      <SpanLine spans={tabSpans(state, state.pretty ? [] : buffer.size === 0 ? [] : sentences)} width={width} />
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a row's identity is its place in the window
        <SpanLine key={index} spans={row} width={width} />
      ))}
    </Box>
  );
}
