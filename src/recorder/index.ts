/** The flight recorder: on-disk history of task transitions, failures and actions (see recorder.ts). */
export * from './fold.ts';
export * from './paths.ts';
export * from './recorder.ts';
export * from './records.ts';
