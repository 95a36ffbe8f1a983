/**
 * Tells the launcher (bin/ecsdeck.js) that the first frame is on screen, so it can write V8's code cache for the
 * bundle: the cache then holds the code that drew the frame, compiled, for the next start. Run from the sources
 * (tsx, tests) nobody listens and nothing happens.
 */
const FIRST_FRAME_DRAWN = Symbol.for('ecsdeck.firstFrameDrawn');

export function firstFrameDrawn(): void {
  const listener = (globalThis as Record<symbol, unknown>)[FIRST_FRAME_DRAWN];
  if (typeof listener === 'function') listener();
}
