/**
 * The simulator's agenda: a binary min-heap of actions ordered by (time, sequence). The sequence number breaks
 * ties, so actions due at the same instant run in the order they were scheduled, which keeps a seed replayable.
 */
export interface ScheduledAction {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

export class EventQueue {
  readonly #heap: ScheduledAction[] = [];
  #nextSeq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(at: number, run: () => void): void {
    const entry: ScheduledAction = { at, seq: this.#nextSeq++, run };
    const heap = this.#heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentEntry = heap[parent] as ScheduledAction;
      if (!before(entry, parentEntry)) break;
      heap[index] = parentEntry;
      index = parent;
    }
    heap[index] = entry;
  }

  /** The time of the earliest action, if any. */
  peekTime(): number | undefined {
    return this.#heap[0]?.at;
  }

  pop(): ScheduledAction | undefined {
    const heap = this.#heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop() as ScheduledAction;
    if (heap.length > 0) {
      let index = 0;
      const length = heap.length;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= length) break;
        const right = left + 1;
        let child = left;
        if (right < length && before(heap[right] as ScheduledAction, heap[left] as ScheduledAction)) child = right;
        const childEntry = heap[child] as ScheduledAction;
        if (!before(childEntry, last)) break;
        heap[index] = childEntry;
        index = child;
      }
      heap[index] = last;
    }
    return top;
  }
}

function before(a: ScheduledAction, b: ScheduledAction): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
