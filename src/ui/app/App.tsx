/**
 * The screen: header, breadcrumbs, the body (panes, a detail view, help or a dialog), a status line and the footer.
 * Exactly as tall as the terminal; on a wide terminal several panes show at once, on 80x24 one fills the body.
 */
import { Box, useInput, useWindowSize } from 'ink';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { activeScopes, type PaneId, type Scope } from '../../keymap/keymap.ts';
import type { Scheduler } from '../../lib/scheduler.ts';
import { Breadcrumbs } from '../components/Breadcrumbs.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorBoundary } from '../components/ErrorBoundary.tsx';
import { Footer } from '../components/Footer.tsx';
import { Header } from '../components/Header.tsx';
import { HelpOverlay } from '../components/HelpOverlay.tsx';
import { StatusLine } from '../components/StatusLine.tsx';
import { LogView } from '../logs/LogView.tsx';
import type { LogViews } from '../logs/logViews.ts';
import { PANE_TITLES } from '../panes/cells.ts';
import { DetailView, PaneView } from '../panes/PaneView.tsx';
import { ThemeContext } from '../theme/context.ts';
import type { Theme } from '../theme/theme.ts';
import { startClock } from './clock.ts';
import { AppContext, type AppServices, useApp, useEcs, useUi } from './context.ts';
import type { Controller } from './controller.ts';
import { followInitialCluster } from './startup.ts';
import type { UiState } from './uiStore.ts';

export interface AppProps {
  services: AppServices;
  controller: Controller;
  theme: Theme;
  scheduler: Scheduler;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: { columns: number; rows: number };
  /** A cluster to open on (name or ARN), else the most troubled one that has services. */
  initialCluster?: string;
  /** Receives the body's height (page up/down) and width (wrapped line views) after each layout. */
  onLayout?: (bodyHeight: number, bodyWidth: number) => void;
}

/** Lines around the body: header (2), breadcrumbs, status line, footer. */
export const CHROME_LINES = 5;
/** The smallest terminal the wide layout uses. */
export const WIDE = { columns: 120, rows: 32 };

export function App(props: AppProps) {
  return (
    <ThemeContext.Provider value={props.theme}>
      <AppContext.Provider value={props.services}>
        <Screen {...props} />
      </AppContext.Provider>
    </ThemeContext.Provider>
  );
}

function useTerminalSize(fixed: AppProps['size']): { columns: number; rows: number } {
  const live = useWindowSize();
  return fixed ?? { columns: Math.max(20, live.columns), rows: Math.max(8, live.rows) };
}

function Screen({ controller, scheduler, size, initialCluster: wantedCluster, onLayout }: AppProps) {
  const { ui, ecs, tables, readOnly } = useApp();
  const { columns, rows } = useTerminalSize(size);
  // What the screen's frame shows: the pane in front, the view stack, a modal or dialog. Not the clock, not the data.
  const front = useUi(
    useShallow(
      (s): FrontState => ({ pane: s.pane, stack: s.stack, modal: s.modal, dialog: s.dialog, helpScroll: s.helpScroll }),
    ),
  );

  useInput((input, key) => controller.handleInput(input, key));

  useEffect(() => startClock(ui, scheduler), [scheduler, ui]);

  useEffect(
    () =>
      followInitialCluster({
        ecs,
        ui,
        tables,
        focusCluster: (arn) => controller.focusCluster(arn),
        ...(wantedCluster !== undefined ? { wanted: wantedCluster } : {}),
      }),
    [ecs, ui, tables, controller, wantedCluster],
  );

  const bodyHeight = Math.max(1, rows - CHROME_LINES);
  useEffect(() => onLayout?.(bodyHeight, columns), [onLayout, bodyHeight, columns]);
  const scopes = controller.scopes();
  const wide = columns >= WIDE.columns && rows >= WIDE.rows;

  return (
    <Box flexDirection="column" width={columns} height={rows} overflow="hidden">
      <Header width={columns} />
      <Breadcrumbs width={columns} />
      <Box width={columns} height={bodyHeight} overflow="hidden">
        <Body
          state={front}
          width={columns}
          height={bodyHeight}
          wide={wide}
          readOnly={readOnly}
          logViews={controller.logViews}
        />
      </Box>
      <StatusLine width={columns} />
      <Footer scopes={scopes} width={columns} readOnly={readOnly} />
    </Box>
  );
}

type FrontState = Pick<UiState, 'pane' | 'stack' | 'modal' | 'dialog' | 'helpScroll'>;

function Body({
  state,
  width,
  height,
  wide,
  readOnly,
  logViews,
}: {
  state: FrontState;
  width: number;
  height: number;
  wide: boolean;
  readOnly: boolean;
  logViews: LogViews;
}) {
  const view = state.stack[state.stack.length - 1];
  if (state.modal === 'help') {
    const beneath: Scope[] = activeScopes({
      pane: state.pane,
      detail: state.stack.length > 0,
      logs: view?.kind === 'logs',
      diff: view?.kind === 'definitionDiff',
    });
    return <HelpOverlay scopes={beneath} scroll={state.helpScroll} width={width} height={height} readOnly={readOnly} />;
  }
  if (state.dialog) {
    return <Dialog dialog={state.dialog} width={Math.min(width, 110)} height={height} />;
  }
  if (view?.kind === 'logs') {
    const session = logViews.session(view.session);
    return (
      <ErrorBoundary label="The log view" resetKey={view}>
        {session ? <LogView session={session} width={width} height={height} /> : null}
      </ErrorBoundary>
    );
  }
  if (view) {
    return (
      <ErrorBoundary label="This view" resetKey={view}>
        <DetailView view={view} width={width} height={height} />
      </ErrorBoundary>
    );
  }
  if (!wide) return <SafePane key={state.pane} pane={state.pane} width={width} height={height} focused />;
  return <WideLayout pane={state.pane} width={width} height={height} />;
}

/** Clusters and Failures side by side on top; below them the cluster pane in front (Services unless another). */
function WideLayout({ pane, width, height }: { pane: PaneId; width: number; height: number }) {
  const topHeight = Math.max(6, Math.min(12, Math.floor(height / 3)));
  const leftWidth = Math.floor(width * 0.45);
  const main: PaneId = pane === 'clusters' || pane === 'failures' ? 'services' : pane;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box width={width} height={topHeight}>
        <SafePane pane="clusters" width={leftWidth} height={topHeight} focused={pane === 'clusters'} />
        <Box width={1} />
        <SafePane pane="failures" width={width - leftWidth - 1} height={topHeight} focused={pane === 'failures'} />
      </Box>
      <SafePane key={main} pane={main} width={width} height={height - topHeight} focused={pane === main} />
    </Box>
  );
}

/**
 * A pane behind its own error boundary, retried whenever the data changes. It follows the data only once the pane
 * has failed: until then a poll re-renders the pane's own subscriptions, not this.
 */
function SafePane(props: { pane: PaneId; width: number; height: number; focused: boolean }) {
  const [failed, setFailed] = useState(false);
  const data = useEcs((s) => (failed ? s : undefined));
  return (
    <Box width={props.width} height={props.height} overflow="hidden">
      <ErrorBoundary label={`${PANE_TITLES[props.pane]} pane`} resetKey={data} onError={() => setFailed(true)}>
        <PaneView {...props} />
      </ErrorBoundary>
    </Box>
  );
}
