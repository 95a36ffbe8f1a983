/**
 * A task's timeline: its phases from ECS timestamps, filled in with the transitions our poller observed, and a
 * pure renderer that lays it on a shared time axis as cells the UI only has to colour.
 *
 * Phases: queued (created, to the pull or to RUNNING), pulling (pullStartedAt to pullStoppedAt), starting (after
 * the pull, before RUNNING: container start, ACTIVATING), running (startedAt to the first of stoppingAt /
 * executionStoppedAt), stopping (to stoppedAt), then the stop marker with the exit code.
 *
 * Robustness (ECS_API_NOTES §2, §8): stamps are sorted by value, never by name (when an essential container exits
 * by itself executionStoppedAt comes before stoppingAt); a phase only ever moves forward, so a stamp that
 * contradicts the ones before it is ignored; a missing stamp is taken from the first time we saw the matching
 * status; a task with missing stamps is drawn as far as it is known.
 */

import { isFailedStop } from './failures.ts';
import { formatDuration } from './format.ts';
import { isTerminalStatus, phaseOfStatus, stopExitCode } from './lifecycle.ts';
import { TASK_TIMESTAMP_FIELDS, type Task, type TaskTimestampField } from './model.ts';

export type TimelinePhase = 'queued' | 'pulling' | 'starting' | 'running' | 'stopping';

const PHASE_RANK: Readonly<Record<TimelinePhase | 'stopped', number>> = {
  queued: 0,
  pulling: 1,
  starting: 2,
  running: 3,
  stopping: 4,
  stopped: 5,
};

/** A status as the poller saw it, and when. */
export interface ObservedTransition {
  status: string;
  at: number;
}

export interface TimelineSegment {
  phase: TimelinePhase;
  from: number;
  to: number;
  /** Still in this phase: `to` is `now`. */
  open?: true;
  /** The start comes from our observation, not from an ECS timestamp (accurate to one poll). */
  observed?: true;
}

export interface StopMarker {
  kind: 'stop';
  at: number;
  /** The exit code of the container that explains the stop (the essential one when known). */
  exitCode?: number;
  stopCode?: string;
  /** Did not end well (failures.ts). */
  failed: boolean;
  observed?: true;
}

export type TimelineMarker = StopMarker;

export interface Timeline {
  segments: TimelineSegment[];
  markers: TimelineMarker[];
}

export type TimelineTask = Pick<
  Task,
  TaskTimestampField | 'lastStatus' | 'desiredStatus' | 'stopCode' | 'stoppedReason' | 'containers'
>;

export interface TimelineOptions {
  now: number;
  /** Status transitions in the order the poller saw them (any order is accepted). */
  observed?: readonly ObservedTransition[];
  /** Names of the essential containers, when the task definition is known: they pick the exit code shown. */
  essentialContainers?: readonly string[];
}

interface PhaseStart {
  phase: TimelinePhase | 'stopped';
  at: number;
  observed: boolean;
}

function validTime(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value);
}

/** The phase an observed status starts, or undefined when it tells us nothing usable. */
function observedPhase(status: string, task: TimelineTask): TimelinePhase | 'stopped' | undefined {
  const phase = phaseOfStatus(status);
  if (phase === 'unknown') return undefined;
  // ACTIVATING during an image pull that ECS says is still going is not the post-pull stretch.
  if (phase === 'starting' && validTime(task.pullStartedAt) && !validTime(task.pullStoppedAt)) return undefined;
  return phase;
}

export function deriveTimeline(task: TimelineTask, options: TimelineOptions): Timeline {
  const { now } = options;
  const stamped: [TimelinePhase | 'stopped', number | undefined][] = [
    ['queued', task.createdAt],
    ['pulling', task.pullStartedAt],
    ['starting', task.pullStoppedAt],
    ['running', task.startedAt],
    ['stopping', task.stoppingAt],
    ['stopping', task.executionStoppedAt],
    ['stopped', task.stoppedAt],
  ];

  // Earliest start per phase: ECS stamps first, our observations only where ECS has none.
  const starts = new Map<TimelinePhase | 'stopped', PhaseStart>();
  for (const [phase, at] of stamped) {
    if (!validTime(at)) continue;
    const known = starts.get(phase);
    if (!known || at < known.at) starts.set(phase, { phase, at, observed: false });
  }
  for (const transition of options.observed ?? []) {
    if (!validTime(transition.at)) continue;
    const phase = observedPhase(transition.status, task);
    if (phase === undefined) continue;
    const known = starts.get(phase);
    if (known && !known.observed) continue;
    if (!known || transition.at < known.at) starts.set(phase, { phase, at: transition.at, observed: true });
  }

  // Sort by time (ties in lifecycle order) and keep only forward moves.
  const ordered = [...starts.values()].sort((a, b) => a.at - b.at || PHASE_RANK[a.phase] - PHASE_RANK[b.phase]);
  const kept: PhaseStart[] = [];
  for (const start of ordered) {
    const last = kept[kept.length - 1];
    if (!last || PHASE_RANK[start.phase] > PHASE_RANK[last.phase]) kept.push(start);
  }

  const segments: TimelineSegment[] = [];
  const markers: TimelineMarker[] = [];
  const terminal = isTerminalStatus(task.lastStatus);
  for (let index = 0; index < kept.length; index++) {
    const start = kept[index] as PhaseStart;
    if (start.phase === 'stopped') {
      const marker: StopMarker = { kind: 'stop', at: start.at, failed: isFailedStop(task, options) };
      const exitCode = stopExitCode(task, options.essentialContainers);
      if (exitCode !== undefined) marker.exitCode = exitCode;
      if (task.stopCode !== undefined) marker.stopCode = task.stopCode;
      if (start.observed) marker.observed = true;
      markers.push(marker);
      break;
    }
    const next = kept[index + 1];
    const segment: TimelineSegment = { phase: start.phase, from: start.at, to: start.at };
    if (next) segment.to = next.at;
    // The last known phase of a live task lasts until now; a stopped task with no stop time ends where knowledge does.
    else if (!terminal) {
      segment.to = Math.max(now, start.at);
      segment.open = true;
    }
    if (start.observed) segment.observed = true;
    if (segment.to > segment.from || segment.open) segments.push(segment);
  }
  return { segments, markers };
}

// ---------------------------------------------------------------- durations and stamps

export interface TaskDurations {
  /** Created to RUNNING; for a task still waiting, created to now. */
  queue?: number;
  /** The image pull; for a pull still going, to now. */
  pull?: number;
  /** RUNNING to the containers' stop (or STOPPED), or to now while it runs. */
  run?: number;
}

function span(from: number | undefined, to: number | undefined): number | undefined {
  return validTime(from) && validTime(to) && to >= from ? to - from : undefined;
}

/** Queue, pull and run durations (ECS_API_NOTES §2); a duration whose stamps are missing or out of order is absent. */
export function taskDurations(task: TimelineTask, now: number): TaskDurations {
  const live = !isTerminalStatus(task.lastStatus) && !validTime(task.stoppedAt);
  const notStopping = live && !validTime(task.stoppingAt) && !validTime(task.executionStoppedAt);
  const durations: TaskDurations = {};
  const queue = span(task.createdAt, task.startedAt ?? (notStopping ? now : undefined));
  if (queue !== undefined) durations.queue = queue;
  const pullEnd = task.pullStoppedAt ?? (notStopping && !validTime(task.startedAt) ? now : undefined);
  const pull = span(task.pullStartedAt, pullEnd);
  if (pull !== undefined) durations.pull = pull;
  const run = span(task.startedAt, task.executionStoppedAt ?? task.stoppedAt ?? (live ? now : undefined));
  if (run !== undefined) durations.run = run;
  return durations;
}

export interface StampEntry {
  field: TaskTimestampField;
  at: number;
  /** Time since the previous stamp in this (time-sorted) list. */
  sincePrevious?: number;
}

/** Every timestamp the task has, sorted by value (ties in lifecycle order), with the gaps between them. */
export function lifecycleStamps(task: Pick<Task, TaskTimestampField>): StampEntry[] {
  const entries: StampEntry[] = [];
  for (const field of TASK_TIMESTAMP_FIELDS) {
    const at = task[field];
    if (validTime(at)) entries.push({ field, at });
  }
  entries.sort(
    (a, b) => a.at - b.at || TASK_TIMESTAMP_FIELDS.indexOf(a.field) - TASK_TIMESTAMP_FIELDS.indexOf(b.field),
  );
  for (let index = 1; index < entries.length; index++) {
    const entry = entries[index] as StampEntry;
    entry.sincePrevious = entry.at - (entries[index - 1] as StampEntry).at;
  }
  return entries;
}

// ---------------------------------------------------------------- rendering

export type BarCellKind = TimelinePhase | 'stop' | 'stop-failed' | 'exit-code' | 'empty';

export interface BarCell {
  char: string;
  kind: BarCellKind;
}

/** Consecutive cells of one kind, for drawing a bar with one styled span per run. */
export interface BarRun {
  kind: BarCellKind;
  text: string;
  /** Index of the first cell. */
  start: number;
}

export interface TimelineBar {
  cells: BarCell[];
  runs: BarRun[];
  text: string;
}

/** One single-cell character per kind. Every phase differs in shape, so the bar reads without colour. */
export interface TimelineGlyphs {
  queued: string;
  pulling: string;
  starting: string;
  running: string;
  stopping: string;
  stop: string;
  stopFailed: string;
  empty: string;
}

export const UNICODE_GLYPHS: TimelineGlyphs = {
  queued: '░',
  pulling: '▒',
  starting: '▓',
  running: '█',
  stopping: '▄',
  stop: '|',
  stopFailed: '✗',
  empty: ' ',
};

export const ASCII_GLYPHS: TimelineGlyphs = {
  queued: '.',
  pulling: ':',
  starting: '+',
  running: '=',
  stopping: '-',
  stop: '|',
  stopFailed: 'x',
  empty: ' ',
};

export interface BarOptions {
  windowStart: number;
  windowEnd: number;
  /** Cells. */
  width: number;
  glyphs?: TimelineGlyphs;
}

/**
 * The timeline as `width` cells over [windowStart, windowEnd). A cell shows the phase that covers most of its time
 * (the later phase on a tie), so even a phase shorter than a cell shows when nothing else claims the cell. The stop
 * marker overrides its cell and its exit code follows it (or precedes it at the right edge).
 */
export function renderTimelineBar(timeline: Timeline, options: BarOptions): TimelineBar {
  const glyphs = options.glyphs ?? UNICODE_GLYPHS;
  const width = Math.max(0, Math.floor(options.width));
  const { windowStart, windowEnd } = options;
  const cells: BarCell[] = Array.from({ length: width }, () => ({ char: glyphs.empty, kind: 'empty' as const }));
  const duration = windowEnd - windowStart;

  if (width > 0 && duration > 0 && Number.isFinite(duration)) {
    const cellSpan = duration / width;
    const best = new Float64Array(width);
    for (const segment of timeline.segments) {
      const from = Math.max(segment.from, windowStart);
      const to = Math.min(segment.to, windowEnd);
      if (to <= from) continue;
      const first = Math.floor((from - windowStart) / cellSpan);
      const last = Math.min(width - 1, Math.ceil((to - windowStart) / cellSpan) - 1);
      for (let cell = first; cell <= last; cell++) {
        const cellStart = windowStart + cell * cellSpan;
        const covered = Math.min(to, cellStart + cellSpan) - Math.max(from, cellStart);
        // Segments come in time order, so `>=` lets the later phase win a tie.
        if (covered > 0 && covered >= (best[cell] ?? 0)) {
          best[cell] = covered;
          cells[cell] = { char: glyphs[segment.phase], kind: segment.phase };
        }
      }
    }

    for (const marker of timeline.markers) {
      if (marker.at < windowStart || marker.at > windowEnd) continue;
      const cell = Math.min(width - 1, Math.floor((marker.at - windowStart) / cellSpan));
      cells[cell] = marker.failed
        ? { char: glyphs.stopFailed, kind: 'stop-failed' }
        : { char: glyphs.stop, kind: 'stop' };
      if (marker.exitCode === undefined) continue;
      const label = String(marker.exitCode);
      const at = cell + label.length < width ? cell + 1 : cell - label.length >= 0 ? cell - label.length : -1;
      if (at < 0) continue;
      for (let offset = 0; offset < label.length; offset++) {
        cells[at + offset] = { char: label[offset] as string, kind: 'exit-code' };
      }
    }
  }

  const runs: BarRun[] = [];
  for (let index = 0; index < cells.length; index++) {
    const cell = cells[index] as BarCell;
    const last = runs[runs.length - 1];
    if (last && last.kind === cell.kind) last.text += cell.char;
    else runs.push({ kind: cell.kind, text: cell.char, start: index });
  }
  return { cells, runs, text: cells.map((cell) => cell.char).join('') };
}

/** The pane's time windows. */
export const TIMELINE_WINDOWS = { '15m': 15 * 60_000, '1h': 60 * 60_000, '6h': 6 * 60 * 60_000 } as const;

const NICE_STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map(
  (seconds) => seconds * 1000,
);

export interface AxisOptions {
  windowStart: number;
  windowEnd: number;
  /** Characters. */
  width: number;
  /** Most labels besides "now" (default: one per 10 columns). */
  maxLabels?: number;
}

/**
 * The shared axis over the bars: exactly `width` characters with "now" at the right and labels at round steps back
 * from it, each over the cell it names, e.g. "-15m         -10m         -5m        now". Labels that would collide are
 * left out rather than overwritten.
 */
export function renderTimeAxis(options: AxisOptions): string {
  const width = Math.max(0, Math.floor(options.width));
  const chars = Array.from({ length: width }, () => ' ');
  const duration = options.windowEnd - options.windowStart;
  if (width === 0 || !(duration > 0) || !Number.isFinite(duration)) return chars.join('');
  const maxLabels = Math.max(1, Math.floor(options.maxLabels ?? width / 10));
  const place = (label: string, at: number): void => {
    if (at < 0 || at + label.length > width) return;
    // Keep a space between labels.
    for (let i = Math.max(0, at - 1); i < Math.min(width, at + label.length + 1); i++) if (chars[i] !== ' ') return;
    for (let i = 0; i < label.length; i++) chars[at + i] = label[i] as string;
  };
  // "now" goes first: it is the one label that must be there.
  place('now', width - 3);
  const step = NICE_STEPS.find((candidate) => duration / candidate <= maxLabels) ?? duration;
  for (let back = step; back <= duration; back += step) {
    const label = `-${formatDuration(back)}`;
    const cell = Math.round(((duration - back) / duration) * (width - 1));
    place(label, Math.min(cell, width - label.length));
  }
  return chars.join('');
}
