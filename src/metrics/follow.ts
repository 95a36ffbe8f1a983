/**
 * Points the metrics poller at what is on screen: the focused cluster, the service or task whose detail is in front.
 * Takes the UI's store by its shape only, so this layer never imports the UI.
 */
import type { MetricsPoller } from './poller.ts';

export interface ScreenState {
  cluster?: string;
  stack: readonly { kind: string; arn?: string }[];
}

export interface ScreenSource {
  getState(): ScreenState;
  subscribe(listener: (state: ScreenState, previous: ScreenState) => void): () => void;
}

export function followScreen(screen: ScreenSource, poller: MetricsPoller): () => void {
  const apply = (state: ScreenState) => {
    poller.focusCluster(state.cluster);
    const top = state.stack.at(-1);
    poller.watchService(top?.kind === 'service' ? top.arn : undefined);
    poller.watchTask(top?.kind === 'task' ? top.arn : undefined);
  };
  apply(screen.getState());
  return screen.subscribe((state, previous) => {
    if (state.cluster !== previous.cluster || state.stack !== previous.stack) apply(state);
  });
}
