/**
 * Node built-ins that take milliseconds to load and serve only after the first frame (node:crypto loads a dozen
 * modules, node:child_process brings net's and dgram's): loaded at their first use rather than with the module that
 * uses them, which is on the way to the first frame.
 */
import { createRequire } from 'node:module';

const requireBuiltin = createRequire(import.meta.url);

export function nodeCrypto(): typeof import('node:crypto') {
  return requireBuiltin('node:crypto');
}

export function nodeChildProcess(): typeof import('node:child_process') {
  return requireBuiltin('node:child_process');
}
