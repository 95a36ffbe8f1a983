/**
 * Only what reads the clock follows it: a table row with no clock-driven column (and a plain column header) does
 * not subscribe to the clock, so a tick asks it nothing; a row with an age does, and redraws as the age moves.
 */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ClockSource } from '../../src/ui/app/clock.ts';
import type { Column } from '../../src/ui/components/table.ts';
import { VirtualTable } from '../../src/ui/components/VirtualTable.tsx';

interface Item {
  name: string;
  startedAt: number;
}

/** A clock moved by hand that counts who is listening and how often it is read. */
function countingClock(start: number) {
  let now = start;
  const listeners = new Set<() => void>();
  let reads = 0;
  const clock: ClockSource = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    now() {
      reads++;
      return now;
    },
  };
  return {
    clock,
    listening: () => listeners.size,
    reads: () => reads,
    tick(ms: number) {
      now += ms;
      for (const listener of [...listeners]) listener();
    },
  };
}

const NAME: Column<Item> = { id: 'name', title: 'NAME', width: 12, value: (item) => item.name };
const AGE: Column<Item> = {
  id: 'age',
  title: 'AGE',
  width: 6,
  timeDependent: true,
  value: (item, context) => `${Math.floor((context.now - item.startedAt) / 1000)}s`,
};
const ITEMS: Item[] = Array.from({ length: 5 }, (_, index) => ({ name: `svc-${index}`, startedAt: 0 }));

function table(columns: Column<Item>[], clock: ClockSource) {
  return (
    <VirtualTable
      items={ITEMS}
      columns={columns}
      keyOf={(item) => item.name}
      selectedIndex={0}
      marks={new Set()}
      width={40}
      height={8}
      clock={clock}
      focused
    />
  );
}

describe('what follows the clock', () => {
  it('rows and a header that do not read the clock are not subscribed to it', () => {
    const time = countingClock(10_000);
    const view = render(table([NAME], time.clock));
    expect(view.lastFrame()).toContain('svc-4');
    expect(time.listening()).toBe(0);
    const reads = time.reads();
    time.tick(1000);
    expect(time.reads()).toBe(reads);
    view.unmount();
  });

  it('rows with an age follow it and show the new age', async () => {
    const time = countingClock(10_000);
    const view = render(table([NAME, AGE], time.clock));
    expect(view.lastFrame()).toContain('10s');
    expect(time.listening()).toBe(ITEMS.length);
    time.tick(1000);
    const deadline = Date.now() + 5000;
    while (!view.lastFrame()?.includes('11s') && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(view.lastFrame()).toContain('11s');
    view.unmount();
  });
});
