/**
 * Counts the function components React renders, by name, through the hook React DevTools uses: React reports each
 * commit to it (development and production builds alike). Ink hands its renderer to the hook only when DEV=true at
 * the moment an app is mounted (react-devtools-core is not installed, so nothing connects anywhere): install the
 * counter before mounting, uninstall it after.
 *
 * A component rendered in a commit when its fiber there is not the one the previous commit had at that place (React
 * swaps in the alternate it worked on; a subtree it skipped keeps its old fibers) and it did work (PerformedWork).
 */
const PERFORMED_WORK = 1;
/** FunctionComponent, ForwardRef, MemoComponent, SimpleMemoComponent. */
const FUNCTION_TAGS = new Set([0, 11, 14, 15]);

interface Fiber {
  tag: number;
  flags: number;
  type: unknown;
  alternate: Fiber | null;
  child: Fiber | null;
  sibling: Fiber | null;
}

function nameOf(type: unknown): string {
  if (typeof type === 'function') return (type as { displayName?: string }).displayName ?? (type.name || '?');
  if (type && typeof type === 'object' && 'type' in type) return nameOf((type as { type: unknown }).type);
  if (type && typeof type === 'object' && 'render' in type) return nameOf((type as { render: unknown }).render);
  return '?';
}

export interface RenderCounter {
  /** Renders by component name since the counter was installed or last reset. */
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
  /** Walking the fibers costs time: a benchmark counts only while it measures renders, not while it times frames. */
  setCounting(on: boolean): void;
  uninstall(): void;
}

export function installRenderCounter(options: { counting?: boolean } = {}): RenderCounter {
  const counts = new Map<string, number>();
  let active = true;
  let counting = options.counting ?? true;
  let previous = new WeakSet<Fiber>();
  const hookName = '__REACT_DEVTOOLS_GLOBAL_HOOK__';
  const globals = globalThis as Record<string, unknown>;
  const hadHook = hookName in globals;
  const devBefore = process.env.DEV;
  process.env.DEV = 'true';
  globals[hookName] = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    onScheduleFiberRoot: () => {},
    onCommitFiberUnmount: () => {},
    onPostCommitFiberRoot: () => {},
    checkDCE: () => {},
    onCommitFiberRoot: (_id: number, root: { current: Fiber }) => {
      // The renderer keeps the hook it was handed: once uninstalled, it counts nothing.
      if (!active || !counting) return;
      const seen = new WeakSet<Fiber>();
      const stack: Fiber[] = [root.current];
      while (stack.length > 0) {
        const fiber = stack.pop() as Fiber;
        seen.add(fiber);
        const rendered =
          !previous.has(fiber) && (fiber.alternate === null || (fiber.flags & PERFORMED_WORK) === PERFORMED_WORK);
        if (rendered && FUNCTION_TAGS.has(fiber.tag)) {
          const name = nameOf(fiber.type);
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
        if (fiber.sibling) stack.push(fiber.sibling);
        if (fiber.child) stack.push(fiber.child);
      }
      previous = seen;
    },
  };
  return {
    counts: () => Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b))),
    total: () => [...counts.values()].reduce((sum, count) => sum + count, 0),
    reset: () => counts.clear(),
    setCounting: (on) => {
      counting = on;
    },
    uninstall: () => {
      active = false;
      if (!hadHook) delete globals[hookName];
      if (devBefore === undefined) delete process.env.DEV;
      else process.env.DEV = devBefore;
    },
  };
}
