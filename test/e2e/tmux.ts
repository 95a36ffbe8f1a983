/**
 * A real terminal for whole-screen tests: one private tmux server per terminal (`-L <socket>`, no user config), a
 * single pane whose screen is read with capture-pane and whose raw output can be copied to a file with pipe-pane.
 * Nothing here sleeps on a fixed timer: waits poll the screen until a predicate holds or a deadline passes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** True when a tmux binary answers; the e2e tests are skipped (with this reason) when it does not. */
export const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
export const NO_TMUX_REASON = 'tmux is not installed: the whole-screen tests need it as their pseudo-terminal';

/** The pinned Node 22 of the repository (npm scripts use it), else the Node running the tests. */
export function pinnedNode(): string {
  const pinned = join(REPO_ROOT, 'node_modules', '.bin', 'node');
  return existsSync(pinned) ? pinned : process.execPath;
}

/** Single-quotes a word for sh. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The shell command line that runs `ecsdeck` from the sources on the pinned Node, as `npm run demo` does (tsx),
 * loaded in-process. Not bin/ecsdeck.js: it prefers a dist/ bundle when one exists, which may be older than the
 * sources under test. Run it from the repository root (tsx resolves from there).
 */
export function ecsdeckCommand(args: readonly string[]): string {
  return [pinnedNode(), '--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts'), ...args].map(shellQuote).join(' ');
}

export interface Size {
  columns: number;
  rows: number;
}

/** While waiting for a screen: this long between two looks at it. */
const POLL_MS = 40;

let terminalCount = 0;

export class TmuxTerminal {
  readonly socket: string;
  readonly session = 'e2e';
  #started = false;

  constructor(label: string) {
    terminalCount += 1;
    this.socket = `ecsdeck-${label}-${process.pid}-${terminalCount}`;
  }

  /** Runs tmux on this terminal's private server. */
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /**
   * Starts the pane at `size` running `sh -c script`. End the script with `exec cat` (or anything that waits) to
   * keep the pane alive after the program under test: a dead pane reports its cursor as hidden.
   */
  start(script: string, size: Size): void {
    this.tmux(
      'new-session',
      '-d',
      '-s',
      this.session,
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      'sh',
      '-c',
      script,
    );
    this.#started = true;
  }

  /** The pane's visible rows, exactly `rows` of them (blank rows included). */
  rows(): string[] {
    const text = this.tmux('capture-pane', '-p', '-t', this.session);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const height = Number(this.display('#{pane_height}'));
    while (lines.length < height) lines.push('');
    return lines;
  }

  /** A tmux format evaluated for the pane: '#{alternate_on}', '#{cursor_flag}', '#{pane_width}'… */
  display(format: string): string {
    return this.tmux('display-message', '-p', '-t', this.session, format).trim();
  }

  size(): Size {
    const [columns, rows] = this.display('#{pane_width} #{pane_height}').split(' ').map(Number);
    return { columns: columns ?? 0, rows: rows ?? 0 };
  }

  /** Keys as tmux names them ('Enter', 'Escape', 'j', 'C-c'); literal text with `literal`. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys);
  }

  literal(text: string): void {
    this.tmux('send-keys', '-t', this.session, '-l', text);
  }

  resize(size: Size): void {
    this.tmux('resize-window', '-t', this.session, '-x', String(size.columns), '-y', String(size.rows));
  }

  /** Appends every byte the program writes to the pane to `file` from now on. */
  pipeOutputTo(file: string): void {
    this.tmux('pipe-pane', '-O', '-t', this.session, `cat >> ${shellQuote(file)}`);
  }

  /** Polls the screen until `done(rows)` is true; throws with the last screen when `deadlineMs` passes first. */
  async waitFor(
    done: (rows: string[]) => boolean,
    deadlineMs = 20_000,
    what = 'the expected screen',
  ): Promise<string[]> {
    const deadline = performance.now() + deadlineMs;
    let last: string[] = [];
    for (;;) {
      last = this.rows();
      if (done(last)) return last;
      if (performance.now() > deadline) {
        throw new Error(`${what} never showed within ${deadlineMs} ms; the last screen was:\n${last.join('\n')}`);
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, POLL_MS));
    }
  }

  /** Ends the private server and everything running in it. */
  kill(): void {
    if (!this.#started) return;
    const socketPath = spawnSync('tmux', ['-L', this.socket, 'display-message', '-p', '#{socket_path}'], {
      encoding: 'utf8',
    }).stdout.trim();
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    // tmux 3.3 leaves the socket file of a killed server behind.
    if (socketPath.endsWith(this.socket)) rmSync(socketPath, { force: true });
    this.#started = false;
  }
}
