/** The actions layer: plans the UI confirms, a runner that executes them once, journaled. */
export * from './drain.ts';
export * from './journal.ts';
export * from './plans.ts';
export * from './runner.ts';
export * from './types.ts';
export * from './user.ts';
