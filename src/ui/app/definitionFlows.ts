/**
 * The task definition diff flows: which revision came before a service's PRIMARY one (the rollout's ACTIVE revision,
 * else the family's previous ACTIVE revision from ListTaskDefinitions), the diff view (`D`) with its toggles and
 * its chooser of any two revisions, and the definitions read for the rollback and rerun confirmations. Revisions
 * are read through the monitor's cache: each is described at most once.
 */
import { taskDefinitionFamily, taskDefinitionLabel } from '../../domain/arn.ts';
import type { Service, TaskDefinition } from '../../domain/model.ts';
import { previousInFamily, revisionOf, revisionPair } from '../../domain/taskDefinitionDiff.ts';
import type { Keymap } from '../../keymap/keymap.ts';
import type { EcsStore } from '../../store/store.ts';
import { safe } from '../panes/cells.ts';
import { definitionDiff, diffLines } from '../panes/definitionDiff.ts';
import type { Line } from '../panes/details.ts';
import type { MonitorLike } from './controller.ts';
import type { Navigation } from './navigation.ts';
import { type DefinitionDiffView, flash, pushView, topView, type UiStore } from './uiStore.ts';

export interface DefinitionFlowOptions {
  ecs: EcsStore;
  ui: UiStore;
  monitor: MonitorLike;
  keymap: Keymap;
  navigation: Navigation;
}

/** The revision a service's PRIMARY deployment replaced, and in words why that one. */
export interface PreviousRevision {
  primary: string;
  previous: string;
  /** Terminal-safe. */
  context: string;
}

const label = (arn: string) => safe(taskDefinitionLabel(arn));

function message(error: unknown): string {
  return safe(error instanceof Error ? error.message : error);
}

export class DefinitionFlows {
  readonly #o: DefinitionFlowOptions;
  /** A `D` being resolved (ListTaskDefinitions in flight): a second `D` meanwhile is the same intent. */
  #pending = false;

  constructor(options: DefinitionFlowOptions) {
    this.#o = options;
  }

  /** Whether this session can read task definitions at all (a monitor without the cache cannot). */
  get available(): boolean {
    return this.#o.monitor.taskDefinition !== undefined && this.#o.monitor.taskDefinitionRevisions !== undefined;
  }

  /** The revision before the PRIMARY deployment's, or one sentence saying why there is none. */
  async previousRevision(service: Service): Promise<PreviousRevision | { error: string }> {
    const name = safe(service.serviceName ?? service.serviceArn);
    const pair = revisionPair(service);
    if (!pair.primary) return { error: `${name} names no task definition yet: refresh and try again.` };
    if (pair.rollingFrom) {
      return {
        primary: pair.primary,
        previous: pair.rollingFrom,
        context: `The rollout in flight replaces ${label(pair.rollingFrom)} (ACTIVE) with ${label(pair.primary)} (PRIMARY).`,
      };
    }
    const family = taskDefinitionFamily(pair.primary);
    const list = this.#o.monitor.taskDefinitionRevisions;
    if (!family || !list) return { error: `The revisions of ${label(pair.primary)} cannot be listed in this session.` };
    let revisions: string[];
    try {
      revisions = await list.call(this.#o.monitor, family);
    } catch (error) {
      return { error: `Could not list the revisions of ${safe(family)}: ${message(error)}` };
    }
    const previous = previousInFamily(pair.primary, revisions);
    if (!previous) {
      return {
        error: `${name} runs ${label(pair.primary)} and the family has no earlier ACTIVE revision: there is nothing before it.`,
      };
    }
    return {
      primary: pair.primary,
      previous,
      context: `No rollout in flight: ${label(previous)} is the family's ACTIVE revision before ${label(pair.primary)}.`,
    };
  }

  /** Both revisions, through the cache (at most one DescribeTaskDefinition each, ever). */
  async load(arns: readonly string[]): Promise<TaskDefinition[]> {
    const read = this.#o.monitor.taskDefinition;
    if (!read) throw new Error('Task definitions cannot be read in this session.');
    return Promise.all(
      arns.map(async (arn) => {
        const definition = await read.call(this.#o.monitor, arn);
        if (!definition) throw new Error(`ECS did not return the task definition ${label(arn)}.`);
        return definition;
      }),
    );
  }

  /**
   * For a rerun's confirmation: the revision the rerun uses against the family's latest ACTIVE one (one
   * ListTaskDefinitions page of one, then each revision described at most once). Never fails: a problem is a line.
   */
  async rerunComparison(taskDefinition: string): Promise<Line[]> {
    const family = taskDefinitionFamily(taskDefinition);
    const list = this.#o.monitor.taskDefinitionRevisions;
    if (!family || !list) return [];
    const heading = (text: string): Line => [{ text, tone: 'title' }];
    try {
      const [latest] = await list.call(this.#o.monitor, family, { limit: 1 });
      if (!latest) {
        return [
          [],
          [
            {
              text: `${safe(family)} has no ACTIVE revision now: ${label(taskDefinition)} may have been deregistered.`,
              tone: 'warn',
            },
          ],
        ];
      }
      if (taskDefinitionLabel(latest) === taskDefinitionLabel(taskDefinition)) {
        return [[], [{ text: `${label(taskDefinition)} is the family's latest ACTIVE revision.`, tone: 'muted' }]];
      }
      const [used, newest] = await this.load([taskDefinition, latest]);
      return [
        [],
        heading(`The rerun keeps ${label(taskDefinition)}; the family's latest, ${label(latest)}, differs:`),
        ...diffLines(definitionDiff(used as TaskDefinition, newest as TaskDefinition)),
      ];
    } catch (error) {
      return [[], [{ text: `The family's latest revision could not be compared: ${message(error)}`, tone: 'warn' }]];
    }
  }

  /** `D`: the PRIMARY deployment's revision against the one before it, in a view over the pane. */
  showDiff(): void {
    const ui = this.#o.ui;
    const service = this.#o.navigation.targets('service', (state, arn) => state.services.get(arn)).items[0];
    if (!service) {
      flash(ui, `Select a service first (the Services pane, ${this.#o.keymap.keyOf('paneServices')}).`, 'warn');
      return;
    }
    if (!this.available) {
      flash(ui, 'The task definition diff is not available in this session.', 'warn');
      return;
    }
    if (this.#pending) return;
    this.#pending = true;
    flash(ui, `Diff: finding the revision before ${safe(service.serviceName ?? '')}'s PRIMARY deployment…`, 'muted');
    this.previousRevision(service)
      .then((found) => {
        if ('error' in found) flash(ui, found.error, 'warn');
        else this.open(found.previous, found.primary, found.context, service.serviceArn);
      })
      .finally(() => {
        this.#pending = false;
      });
  }

  /**
   * Opens the diff of two revisions (in place of a diff already in front) and reads them: the view says what it
   * waits for, or why it cannot be shown.
   */
  open(from: string, to: string, context?: string, service?: string): void {
    const view: DefinitionDiffView = {
      kind: 'definitionDiff',
      from,
      to,
      ...(context ? { context } : {}),
      ...(service ? { service } : {}),
      scroll: 0,
      unmasked: false,
      unfolded: false,
    };
    const front = this.#front();
    if (front) {
      const { stack } = this.#o.ui.getState();
      this.#o.ui.setState({ stack: stack.map((item) => (item === front ? view : item)) });
    } else {
      pushView(this.#o.ui, view);
    }
    // The "finding the revision" line has been answered by the view itself.
    this.#o.ui.setState({ flash: undefined });
    this.#read(view);
  }

  #read(view: DefinitionDiffView): void {
    this.load([view.from, view.to]).catch((error: unknown) =>
      this.#patch(view, { error: `The diff cannot be shown: ${message(error)}` }),
    );
  }

  /** Changes the diff view `view` wherever it is in the stack now (the user may have opened something over it). */
  #patch(view: DefinitionDiffView, patch: Partial<DefinitionDiffView>): void {
    const { stack } = this.#o.ui.getState();
    if (!stack.includes(view)) return;
    this.#o.ui.setState({ stack: stack.map((item) => (item === view ? { ...view, ...patch } : item)) });
  }

  #front(): DefinitionDiffView | undefined {
    const view = topView(this.#o.ui.getState());
    return view?.kind === 'definitionDiff' ? view : undefined;
  }

  toggleSecrets(): void {
    const view = this.#front();
    if (view) this.#patch(view, { unmasked: !view.unmasked });
  }

  toggleUnchanged(): void {
    const view = this.#front();
    if (view) this.#patch(view, { unfolded: !view.unfolded, scroll: 0 });
  }

  /** `c`: any two ACTIVE revisions of the family, named by their numbers, from ListTaskDefinitions. */
  chooseRevisions(): void {
    const view = this.#front();
    const list = this.#o.monitor.taskDefinitionRevisions;
    if (!view || !list) return;
    const family = taskDefinitionFamily(view.to);
    if (!family) return;
    const ui = this.#o.ui;
    flash(ui, `Listing the revisions of ${safe(family)} (ListTaskDefinitions)…`, 'muted');
    list.call(this.#o.monitor, family).then(
      (revisions) => {
        // Something else took the front meanwhile: leave it be.
        if (this.#front() !== view || ui.getState().modal !== undefined || ui.getState().dialog) return;
        const numbers = new Map<number, string>();
        for (const arn of revisions) {
          const revision = revisionOf(arn);
          if (revision !== undefined && taskDefinitionFamily(arn) === family) numbers.set(revision, arn);
        }
        const shown = [...numbers.keys()].sort((a, b) => b - a);
        flash(ui, `${shown.length} ACTIVE revision(s) of ${safe(family)}.`, 'muted');
        ui.setState({
          modal: 'prompt',
          input: '',
          prompt: {
            title: `Compare two revisions of ${safe(family)} (ACTIVE: ${shown.slice(0, 20).join(', ')}${
              shown.length > 20 ? ', …' : ''
            }), older then newer:`,
            onSubmit: (text) => {
              const picked = text
                .trim()
                .split(/[\s,]+/)
                .filter(Boolean);
              if (picked.length !== 2 || !picked.every((item) => /^\d+$/.test(item))) {
                return 'Enter two revision numbers, e.g. "3 5".';
              }
              const [older, newer] = picked.map(Number) as [number, number];
              const unknown = [older, newer].find((revision) => !numbers.has(revision));
              if (unknown !== undefined) return `${unknown} is not an ACTIVE revision of ${safe(family)}.`;
              ui.setState({ modal: undefined, prompt: undefined, input: '' });
              const from = numbers.get(older) as string;
              const to = numbers.get(newer) as string;
              const next: DefinitionDiffView = {
                kind: 'definitionDiff',
                from,
                to,
                ...(view.service ? { service: view.service } : {}),
                context: `Chosen from the ACTIVE revisions of ${safe(family)}.`,
                scroll: 0,
                unmasked: false,
                unfolded: false,
              };
              const { stack } = ui.getState();
              ui.setState({ stack: stack.map((item) => (item === view ? next : item)) });
              this.#read(next);
              return undefined;
            },
          },
        });
      },
      (error: unknown) => flash(ui, `Could not list the revisions of ${safe(family)}: ${message(error)}`, 'error'),
    );
  }
}
