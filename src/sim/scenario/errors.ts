/**
 * The error of a scenario that cannot be used, in a module of its own: the CLI checks a scenario file before anything
 * starts without loading the simulator's model.
 */

/** A scenario whose file failed to validate or to load: one line naming the file and the field. */
export class ScenarioError extends Error {
  readonly source: string;
  readonly path: string;
  constructor(source: string, path: string, problem: string) {
    super(`${source}: ${path ? `${path} ` : ''}${problem}`);
    this.name = 'ScenarioError';
    this.source = source;
    this.path = path;
  }
}
