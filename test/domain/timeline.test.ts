import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/domain/format.ts';
import type { Task } from '../../src/domain/model.ts';
import {
  ASCII_GLYPHS,
  deriveTimeline,
  lifecycleStamps,
  renderTimeAxis,
  renderTimelineBar,
  type Timeline,
  type TimelineTask,
  taskDurations,
} from '../../src/domain/timeline.ts';
import { SeededRandom } from '../../src/lib/random.ts';

const T0 = Date.UTC(2025, 10, 24, 3, 0, 0);
const s = (seconds: number): number => T0 + seconds * 1000;

/** Compact view of segments for readable expectations: [phase, fromSeconds, toSeconds, flags]. */
function view(timeline: Timeline): (string | number)[][] {
  return timeline.segments.map((segment) => {
    const row: (string | number)[] = [segment.phase, (segment.from - T0) / 1000, (segment.to - T0) / 1000];
    if (segment.open) row.push('open');
    if (segment.observed) row.push('observed');
    return row;
  });
}

describe('deriveTimeline from ECS timestamps', () => {
  it('draws a running task through every phase up to now', () => {
    const task: TimelineTask = {
      lastStatus: 'RUNNING',
      createdAt: s(0),
      pullStartedAt: s(2),
      pullStoppedAt: s(10),
      startedAt: s(12),
    };
    const timeline = deriveTimeline(task, { now: s(100) });
    expect(view(timeline)).toEqual([
      ['queued', 0, 2],
      ['pulling', 2, 10],
      ['starting', 10, 12],
      ['running', 12, 100, 'open'],
    ]);
    expect(timeline.markers).toEqual([]);
  });

  it('a task without a pull is queued until it runs', () => {
    const timeline = deriveTimeline({ lastStatus: 'RUNNING', createdAt: s(0), startedAt: s(5) }, { now: s(9) });
    expect(view(timeline)).toEqual([
      ['queued', 0, 5],
      ['running', 5, 9, 'open'],
    ]);
  });

  it('StopTask: running ends at stoppingAt, stopping lasts to stoppedAt, the SIGKILL exit is not a failure', () => {
    const task: TimelineTask = {
      lastStatus: 'STOPPED',
      createdAt: s(0),
      startedAt: s(5),
      stoppingAt: s(50),
      executionStoppedAt: s(80),
      stoppedAt: s(85),
      stopCode: 'UserInitiated',
      containers: [{ name: 'app', exitCode: 137 }],
    };
    const timeline = deriveTimeline(task, { now: s(1000) });
    expect(view(timeline)).toEqual([
      ['queued', 0, 5],
      ['running', 5, 50],
      ['stopping', 50, 85],
    ]);
    expect(timeline.markers).toEqual([
      { kind: 'stop', at: s(85), exitCode: 137, stopCode: 'UserInitiated', failed: false },
    ]);
  });

  it('an essential exit: execution stops before stoppingAt, and the order of names is not assumed', () => {
    const task: TimelineTask = {
      lastStatus: 'STOPPED',
      createdAt: s(0),
      startedAt: s(5),
      executionStoppedAt: s(40),
      stoppingAt: s(41),
      stoppedAt: s(45),
      stopCode: 'EssentialContainerExited',
      containers: [
        { name: 'sidecar', exitCode: 143 },
        { name: 'app', exitCode: 1 },
      ],
    };
    const timeline = deriveTimeline(task, { now: s(1000), essentialContainers: ['app'] });
    expect(view(timeline)).toEqual([
      ['queued', 0, 5],
      ['running', 5, 40],
      ['stopping', 40, 45],
    ]);
    expect(timeline.markers[0]).toMatchObject({ at: s(45), exitCode: 1, failed: true });
  });

  it('a failed pull: queued, pulling until the stop, a failed stop without exit code', () => {
    const task: TimelineTask = {
      lastStatus: 'STOPPED',
      createdAt: s(0),
      pullStartedAt: s(3),
      stoppingAt: s(20),
      executionStoppedAt: s(20),
      stoppedAt: s(22),
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      containers: [{ name: 'app', reason: 'CannotPullContainerError' }],
    };
    const timeline = deriveTimeline(task, { now: s(60) });
    expect(view(timeline)).toEqual([
      ['queued', 0, 3],
      ['pulling', 3, 20],
      ['stopping', 20, 22],
    ]);
    expect(timeline.markers).toEqual([{ kind: 'stop', at: s(22), stopCode: 'TaskFailedToStart', failed: true }]);
  });

  it('a stopping task: the stopping phase is open to now', () => {
    const task: TimelineTask = {
      lastStatus: 'DEACTIVATING',
      desiredStatus: 'STOPPED',
      createdAt: s(0),
      startedAt: s(5),
      stoppingAt: s(30),
    };
    expect(view(deriveTimeline(task, { now: s(40) }))).toEqual([
      ['queued', 0, 5],
      ['running', 5, 30],
      ['stopping', 30, 40, 'open'],
    ]);
  });
});

describe('deriveTimeline with missing, contradictory and observed data', () => {
  it('draws a task known only from startedAt', () => {
    expect(view(deriveTimeline({ lastStatus: 'RUNNING', startedAt: s(10) }, { now: s(20) }))).toEqual([
      ['running', 10, 20, 'open'],
    ]);
  });

  it('draws nothing for a task with no times at all', () => {
    const timeline = deriveTimeline({ lastStatus: 'RUNNING' }, { now: s(20) });
    expect(timeline).toEqual({ segments: [], markers: [] });
  });

  it('a stopped task with only a stop time is just the marker', () => {
    const timeline = deriveTimeline(
      { lastStatus: 'STOPPED', stoppedAt: s(30), stopCode: 'EssentialContainerExited', containers: [{ exitCode: 0 }] },
      { now: s(60) },
    );
    expect(timeline.segments).toEqual([]);
    expect(timeline.markers).toEqual([
      { kind: 'stop', at: s(30), exitCode: 0, stopCode: 'EssentialContainerExited', failed: false },
    ]);
  });

  it('a stopped task with no stop time ends where knowledge ends: nothing is left open', () => {
    const timeline = deriveTimeline({ lastStatus: 'STOPPED', createdAt: s(0), startedAt: s(5) }, { now: s(60) });
    expect(view(timeline)).toEqual([['queued', 0, 5]]);
    expect(timeline.markers).toEqual([]);
  });

  it('fills a missing startedAt from the RUNNING we observed', () => {
    const timeline = deriveTimeline(
      { lastStatus: 'RUNNING', createdAt: s(0) },
      {
        now: s(60),
        observed: [
          { status: 'PENDING', at: s(3) },
          { status: 'RUNNING', at: s(15) },
        ],
      },
    );
    expect(view(timeline)).toEqual([
      ['queued', 0, 15],
      ['running', 15, 60, 'open', 'observed'],
    ]);
  });

  it('uses observations for every phase when ECS gives no stamps (an emulator)', () => {
    const timeline = deriveTimeline(
      { lastStatus: 'STOPPED', containers: [{ exitCode: 2 }] },
      {
        now: s(100),
        observed: [
          { status: 'STOPPED', at: s(50) },
          { status: 'pending', at: s(0) },
          { status: 'RUNNING', at: s(10) },
          { status: 'RUNNING', at: s(5) },
          { status: 'STOPPING', at: s(40) },
        ],
      },
    );
    expect(view(timeline)).toEqual([
      ['queued', 0, 5, 'observed'],
      ['running', 5, 40, 'observed'],
      ['stopping', 40, 50, 'observed'],
    ]);
    expect(timeline.markers[0]).toEqual({ kind: 'stop', at: s(50), exitCode: 2, failed: true, observed: true });
  });

  it('prefers ECS stamps over our (later, poll-delayed) observations', () => {
    const timeline = deriveTimeline(
      { lastStatus: 'RUNNING', createdAt: s(0), startedAt: s(8) },
      { now: s(60), observed: [{ status: 'RUNNING', at: s(12) }] },
    );
    expect(view(timeline)).toEqual([
      ['queued', 0, 8],
      ['running', 8, 60, 'open'],
    ]);
    // Even an observation that looks earlier (our clock behind AWS's) does not displace a stamp.
    const skewed = deriveTimeline(
      { lastStatus: 'RUNNING', createdAt: s(0), startedAt: s(8) },
      { now: s(60), observed: [{ status: 'RUNNING', at: s(6) }] },
    );
    expect(view(skewed)).toEqual(view(timeline));
  });

  it('ignores unknown statuses and ACTIVATING while ECS says the pull is still going', () => {
    const timeline = deriveTimeline(
      { lastStatus: 'ACTIVATING', createdAt: s(0), pullStartedAt: s(2) },
      {
        now: s(30),
        observed: [
          { status: 'HIBERNATING', at: s(5) },
          { status: 'ACTIVATING', at: s(10) },
        ],
      },
    );
    expect(view(timeline)).toEqual([
      ['queued', 0, 2],
      ['pulling', 2, 30, 'open'],
    ]);
  });

  it('uses ACTIVATING as the post-pull stretch when the pull is over', () => {
    const timeline = deriveTimeline(
      { lastStatus: 'ACTIVATING', createdAt: s(0) },
      { now: s(30), observed: [{ status: 'ACTIVATING', at: s(10) }] },
    );
    expect(view(timeline)).toEqual([
      ['queued', 0, 10],
      ['starting', 10, 30, 'open', 'observed'],
    ]);
  });

  it('ignores a stamp that would move the task backwards', () => {
    // startedAt before createdAt (a broken endpoint): sorted by value, the later "queued" start is dropped.
    const timeline = deriveTimeline({ lastStatus: 'RUNNING', createdAt: s(10), startedAt: s(4) }, { now: s(30) });
    expect(view(timeline)).toEqual([['running', 4, 30, 'open']]);
  });

  it('keeps an open segment sane when now is before its start (clock skew)', () => {
    const timeline = deriveTimeline({ lastStatus: 'RUNNING', startedAt: s(50) }, { now: s(40) });
    expect(view(timeline)).toEqual([['running', 50, 50, 'open']]);
  });

  it('always yields ordered, non-overlapping segments in forward phase order, whatever the stamps', () => {
    const random = new SeededRandom(99);
    const order = ['queued', 'pulling', 'starting', 'running', 'stopping'];
    const fields = [
      'createdAt',
      'pullStartedAt',
      'pullStoppedAt',
      'startedAt',
      'stoppingAt',
      'executionStoppedAt',
      'stoppedAt',
    ] as const;
    for (let round = 0; round < 1000; round++) {
      const task: Partial<Task> = { lastStatus: random.pick(['RUNNING', 'STOPPED', 'PENDING', 'WEIRD']) };
      for (const field of fields) if (random.chance(0.7)) task[field] = s(random.int(0, 100));
      const observed = Array.from({ length: random.int(0, 4) }, () => ({
        status: random.pick(['PENDING', 'ACTIVATING', 'RUNNING', 'STOPPING', 'STOPPED', '??']),
        at: s(random.int(0, 100)),
      }));
      const timeline = deriveTimeline(task, { now: s(random.int(0, 150)), observed });
      let previousEnd = Number.NEGATIVE_INFINITY;
      let previousRank = -1;
      for (const segment of timeline.segments) {
        const rank = order.indexOf(segment.phase);
        expect(rank).toBeGreaterThan(previousRank);
        expect(segment.from).toBeGreaterThanOrEqual(previousEnd);
        expect(segment.to).toBeGreaterThanOrEqual(segment.from);
        previousEnd = segment.to;
        previousRank = rank;
      }
      for (const marker of timeline.markers) expect(marker.at).toBeGreaterThanOrEqual(previousEnd);
      expect(timeline.segments.filter((segment) => segment.open).length).toBeLessThanOrEqual(1);
    }
  });
});

describe('durations and stamps', () => {
  it('computes queue, pull and run as ECS_API_NOTES defines them', () => {
    const task: TimelineTask = {
      lastStatus: 'STOPPED',
      createdAt: s(0),
      pullStartedAt: s(2),
      pullStoppedAt: s(10),
      startedAt: s(12),
      executionStoppedAt: s(40),
      stoppingAt: s(41),
      stoppedAt: s(45),
    };
    expect(taskDurations(task, s(1000))).toEqual({ queue: 12_000, pull: 8000, run: 28_000 });
  });

  it('runs to now while running, and queues to now while waiting', () => {
    expect(taskDurations({ lastStatus: 'RUNNING', createdAt: s(0), startedAt: s(5) }, s(65))).toEqual({
      queue: 5000,
      run: 60_000,
    });
    expect(taskDurations({ lastStatus: 'PENDING', createdAt: s(0), pullStartedAt: s(4) }, s(10))).toEqual({
      queue: 10_000,
      pull: 6000,
    });
  });

  it('leaves out what cannot be known or is out of order', () => {
    expect(taskDurations({ lastStatus: 'STOPPED', createdAt: s(0), startedAt: s(5) }, s(100))).toEqual({
      queue: 5000,
    });
    expect(taskDurations({ lastStatus: 'STOPPED', createdAt: s(0), stoppedAt: s(9) }, s(100))).toEqual({});
    expect(taskDurations({ lastStatus: 'RUNNING', createdAt: s(10), startedAt: s(5) }, s(100))).toEqual({
      run: 95_000,
    });
  });

  it('lists every stamp sorted by value with the gaps between them', () => {
    const stamps = lifecycleStamps({
      createdAt: s(0),
      startedAt: s(5),
      stoppingAt: s(41),
      executionStoppedAt: s(40),
      stoppedAt: s(45),
      connectivityAt: s(5),
    });
    expect(stamps.map((stamp) => [stamp.field, stamp.sincePrevious])).toEqual([
      ['createdAt', undefined],
      ['startedAt', 5000],
      ['connectivityAt', 0],
      ['executionStoppedAt', 35_000],
      ['stoppingAt', 1000],
      ['stoppedAt', 4000],
    ]);
  });
});

describe('renderTimelineBar', () => {
  const window = { windowStart: s(0), windowEnd: s(100), width: 10 };
  const timeline = (segments: Timeline['segments'], markers: Timeline['markers'] = []): Timeline => ({
    segments,
    markers,
  });

  it('fills the cells a phase covers', () => {
    const bar = renderTimelineBar(
      timeline([
        { phase: 'queued', from: s(0), to: s(30) },
        { phase: 'running', from: s(30), to: s(100), open: true },
      ]),
      window,
    );
    expect(bar.text).toBe('░░░███████');
    expect(bar.runs).toEqual([
      { kind: 'queued', text: '░░░', start: 0 },
      { kind: 'running', text: '███████', start: 3 },
    ]);
  });

  it('marks a failed stop with its exit code after it', () => {
    const bar = renderTimelineBar(
      timeline(
        [
          { phase: 'running', from: s(10), to: s(40) },
          { phase: 'stopping', from: s(40), to: s(50) },
        ],
        [{ kind: 'stop', at: s(50), exitCode: 137, failed: true }],
      ),
      window,
    );
    expect(bar.text).toBe(' ███▄✗137 ');
    expect(bar.cells[5]).toEqual({ char: '✗', kind: 'stop-failed' });
    expect(bar.cells.slice(6, 9).every((cell) => cell.kind === 'exit-code')).toBe(true);
  });

  it('marks a clean stop differently and puts the code before the marker at the right edge', () => {
    const bar = renderTimelineBar(
      timeline(
        [{ phase: 'running', from: s(0), to: s(95) }],
        [{ kind: 'stop', at: s(95), exitCode: 0, failed: false }],
      ),
      window,
    );
    expect(bar.text).toBe('████████0|');
    expect(bar.cells[9]?.kind).toBe('stop');
  });

  it('shows a phase shorter than a cell when nothing else claims the cell', () => {
    const bar = renderTimelineBar(timeline([{ phase: 'pulling', from: s(51), to: s(52) }]), window);
    expect(bar.text).toBe('     ▒    ');
  });

  it('gives a shared cell to the phase covering most of it, the later one on a tie', () => {
    const most = renderTimelineBar(
      timeline([
        { phase: 'queued', from: s(0), to: s(14) },
        { phase: 'running', from: s(14), to: s(20) },
      ]),
      window,
    );
    expect(most.text).toBe('░█        ');
    const tie = renderTimelineBar(
      timeline([
        { phase: 'queued', from: s(0), to: s(15) },
        { phase: 'running', from: s(15), to: s(20) },
      ]),
      window,
    );
    expect(tie.text).toBe('░█        ');
    const earlierWins = renderTimelineBar(
      timeline([
        { phase: 'queued', from: s(0), to: s(16) },
        { phase: 'running', from: s(16), to: s(20) },
      ]),
      window,
    );
    expect(earlierWins.text).toBe('░░        ');
  });

  it('clips to the window and leaves out what is outside it', () => {
    const bar = renderTimelineBar(
      timeline(
        [
          { phase: 'queued', from: s(-50), to: s(-10) },
          { phase: 'running', from: s(-10), to: s(20) },
          { phase: 'stopping', from: s(20), to: s(200) },
        ],
        [{ kind: 'stop', at: s(200), exitCode: 1, failed: true }],
      ),
      window,
    );
    expect(bar.text).toBe('██▄▄▄▄▄▄▄▄');
  });

  it('draws an empty bar for a zero width or an empty window', () => {
    const segments = timeline([{ phase: 'running', from: s(0), to: s(100) }]);
    expect(renderTimelineBar(segments, { ...window, width: 0 })).toEqual({ cells: [], runs: [], text: '' });
    expect(renderTimelineBar(segments, { ...window, windowEnd: s(0) }).text).toBe('          ');
  });

  it('uses the glyph set it is given', () => {
    const bar = renderTimelineBar(
      timeline(
        [
          { phase: 'queued', from: s(0), to: s(20) },
          { phase: 'pulling', from: s(20), to: s(40) },
          { phase: 'starting', from: s(40), to: s(50) },
          { phase: 'running', from: s(50), to: s(70) },
          { phase: 'stopping', from: s(70), to: s(80) },
        ],
        [{ kind: 'stop', at: s(80), failed: true }],
      ),
      { ...window, glyphs: ASCII_GLYPHS },
    );
    expect(bar.text).toBe('..::+==-x ');
  });

  it('renders derived timelines at exactly the width, runs covering the text', () => {
    const task: TimelineTask = {
      lastStatus: 'STOPPED',
      createdAt: s(0),
      pullStartedAt: s(1),
      pullStoppedAt: s(3),
      startedAt: s(4),
      executionStoppedAt: s(60),
      stoppingAt: s(61),
      stoppedAt: s(63),
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }],
    };
    for (const width of [1, 5, 17, 40, 120]) {
      const bar = renderTimelineBar(deriveTimeline(task, { now: s(90) }), {
        windowStart: s(-10),
        windowEnd: s(90),
        width,
      });
      expect(bar.cells).toHaveLength(width);
      expect(displayWidth(bar.text)).toBe(width);
      expect(bar.runs.map((run) => run.text).join('')).toBe(bar.text);
      expect(bar.text).toContain('✗');
    }
  });
});

describe('renderTimeAxis', () => {
  it('labels the window relative to now at exactly the width', () => {
    const axis = renderTimeAxis({ windowStart: s(0), windowEnd: s(900), width: 40 });
    expect(axis).toHaveLength(40);
    expect(axis.startsWith('-15m')).toBe(true);
    expect(axis.endsWith('now')).toBe(true);
    expect(axis).toBe('-15m         -10m         -5m        now');
  });

  it('drops labels that would collide instead of overwriting', () => {
    const axis = renderTimeAxis({ windowStart: s(0), windowEnd: s(3600), width: 8, maxLabels: 6 });
    expect(axis).toBe('-1h  now');
  });
});
