import { Box, Text } from 'ink';
import { Component, type ReactNode } from 'react';
import { sanitizeText } from '../../domain/sanitize.ts';

interface Props {
  /** What failed, for the message ("Tasks pane"). */
  label: string;
  /** A change of this value retries the render (new data may be fine). */
  resetKey: unknown;
  /** Told when the view fails (its owner may then start following what resetKey is made of). */
  onError?: () => void;
  children: ReactNode;
}

interface State {
  error?: Error;
  failedKey?: unknown;
}

/** Keeps one bad record from blanking the screen: the failing pane says so, everything else keeps working. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = {};

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): State | null {
    if (state.error && state.failedKey === undefined) return { ...state, failedKey: props.resetKey };
    if (state.error && !Object.is(state.failedKey, props.resetKey)) return {};
    return null;
  }

  override componentDidCatch(): void {
    this.props.onError?.();
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <Box flexDirection="column">
          <Text color="red" bold wrap="truncate-end">
            {`✗ ${this.props.label} could not be drawn: ${sanitizeText(this.state.error.message, { maxLength: 200 })}`}
          </Text>
          <Text dimColor wrap="truncate-end">
            The rest of the screen keeps working; this view retries when its data changes.
          </Text>
        </Box>
      );
    }
    return this.props.children;
  }
}
