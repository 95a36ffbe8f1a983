/**
 * The action flows: what each action key starts, from the targets (marks, else the selection) through the runner's
 * plan, shown word for word in a confirmation, to the call and its result on the flash line. Also what follows a
 * call: a drain followed live, a rerun's new task selected until DescribeTasks sees it.
 */
import { followDrain } from '../../actions/drain.ts';
import type { RerunOffer } from '../../actions/plans.ts';
import type { ActionEvent, ActionPlan, ActionResult, PlanOutcome } from '../../actions/types.ts';
import type { UiActionPort } from '../../actions/uiPort.ts';
import { shortName, taskDefinitionLabel } from '../../domain/arn.ts';
import { canonicalStatus } from '../../domain/lifecycle.ts';
import type { Service, TaskDefinition } from '../../domain/model.ts';
import type { Keymap } from '../../keymap/keymap.ts';
import { planLines, planTitle, STATUS_TONES } from '../panes/actionLines.ts';
import { safe } from '../panes/cells.ts';
import { definitionDiff, diffLines } from '../panes/definitionDiff.ts';
import type { Line } from '../panes/details.ts';
import type { ControllerOptions } from './controller.ts';
import type { DefinitionFlows } from './definitionFlows.ts';
import type { Navigation, Targets } from './navigation.ts';
import { type DialogState, flash, pushView, topView, updateList } from './uiStore.ts';

export interface ActionFlowOptions extends Pick<ControllerOptions, 'ecs' | 'ui' | 'readOnly' | 'actions'> {
  keymap: Keymap;
  navigation: Navigation;
  /** Reads task definitions for the rollback's diff (through the monitor's cache). */
  definitions?: DefinitionFlows;
}

interface OfferOptions {
  lead?: string[];
  /** Lines after the plan's own (the rollback's diff). */
  trailer?: Line[];
  after?: (result: ActionResult) => void;
  /** Takes the marks the plan was made from off their list, when the call goes out. */
  clearMarks?: () => void;
}

function marksOf(targets: Targets<unknown>): Pick<OfferOptions, 'clearMarks'> {
  return targets.clearMarks ? { clearMarks: targets.clearMarks } : {};
}

export class ActionFlows {
  readonly #o: ActionFlowOptions;
  /** A rerun being prepared (DescribeTasks in flight): a second `r` meanwhile is the same intent. */
  #rerunPending = false;
  /** The task a rerun started, selected in the Tasks pane until the user moves. */
  #followTask: string | undefined;
  #stopFollowingDrain: (() => void) | undefined;
  #stopFollowingRollback: (() => void) | undefined;
  /** A rollback being prepared (ListTaskDefinitions, DescribeTaskDefinition in flight): a second `B` is the same intent. */
  #rollbackPending = false;
  /** The instances the latest drain confirmed here set DRAINING: what `x` frees when nothing is marked. */
  #drained: string[] = [];

  constructor(options: ActionFlowOptions) {
    this.#o = options;
    options.actions?.subscribe((event) => this.#onActionEvent(event));
  }

  /** The actions port when an action may run; else says why not (read-only first) and answers undefined. */
  #port(what: string): UiActionPort | undefined {
    const port = this.#o.actions;
    if (this.#o.readOnly || port?.readOnly) {
      flash(this.#o.ui, `Read-only mode (--read-only): ${what} is disabled, nothing was called.`, 'warn');
      return undefined;
    }
    if (!port) {
      flash(this.#o.ui, `${what}: actions are not available in this session.`, 'warn');
      return undefined;
    }
    return port;
  }

  /** A plan goes to the confirmation; a plan error is one sentence on the flash line. */
  #offer(outcome: PlanOutcome, options: OfferOptions = {}): void {
    if ('error' in outcome) {
      flash(this.#o.ui, safe(outcome.error), 'warn');
      return;
    }
    this.#o.ui.setState({ dialog: this.#dialogOf(outcome.plan, options) });
  }

  #dialogOf(plan: ActionPlan, options: OfferOptions = {}): DialogState {
    return {
      title: planTitle(plan),
      lines: [...planLines(plan, options.lead), ...(options.trailer ?? [])],
      onConfirm: () => {
        // The marked set has been acted on: the marks go (as in k9s); a cancelled dialog leaves them.
        options.clearMarks?.();
        this.#execute(plan, options.after);
      },
    };
  }

  #execute(plan: ActionPlan, after?: (result: ActionResult) => void): void {
    const port = this.#o.actions;
    if (!port) return;
    flash(this.#o.ui, `${plan.operation}: sent, waiting for the answer…`, 'muted');
    port.execute(plan).then(
      (result) => {
        this.#showResult(result);
        after?.(result);
      },
      (error: unknown) =>
        flash(this.#o.ui, `${plan.operation} failed: ${safe(error instanceof Error ? error.message : error)}`, 'error'),
    );
  }

  /** The flash in the tone of the status; a partial or failed result opens its per-target view at once. */
  #showResult(result: ActionResult): void {
    const ui = this.#o.ui;
    ui.setState({ lastResult: result });
    const failedSome = result.status === 'partial' || result.status === 'failed';
    flash(
      ui,
      `${safe(result.message)}${failedSome ? ` (${this.#o.keymap.keyOf('lastResult')} shows each target)` : ''}`,
      STATUS_TONES[result.status],
    );
    if (failedSome && !ui.getState().dialog && ui.getState().modal === undefined) {
      pushView(ui, { kind: 'result', result, scroll: 0 });
    }
  }

  #onActionEvent(event: ActionEvent): void {
    if (event.type !== 'task-visible' || event.taskArn !== this.#followTask) return;
    const id = safe(shortName(event.taskArn));
    if (!event.visible) {
      flash(this.#o.ui, `Task ${id} has not shown up in DescribeTasks yet: it may have failed to start.`, 'warn');
      return;
    }
    // Still following it (the user has not moved the cursor): keep it selected as the polls bring it in.
    if (this.#o.ui.getState().lists.tasks.selectedKey === event.taskArn) {
      flash(this.#o.ui, `Task ${id} is visible to ECS now.`, 'ok');
    }
  }

  stopTasks(): void {
    const port = this.#port('Stop');
    if (!port) return;
    const tasks = this.#o.navigation.targets('task', (state, arn) => state.tasks.get(arn));
    this.#offer(port.planStop(tasks.items), marksOf(tasks));
  }

  instancesAction(kind: 'drain' | 'activate'): void {
    const port = this.#port(kind === 'drain' ? 'Drain' : 'Activate');
    if (!port) return;
    const instances = this.#o.navigation.targets('instance', (state, arn) => state.instances.get(arn));
    if (kind === 'activate') {
      this.#offer(port.planActivate(instances.items), {
        ...marksOf(instances),
        after: (result) => {
          this.#stopFollowingDrain?.();
          const activated = new Set(result.targets.filter((t) => t.ok).map((t) => t.arn));
          this.#drained = this.#drained.filter((arn) => !activated.has(arn));
        },
      });
      return;
    }
    this.#offer(port.planDrain(instances.items), {
      ...marksOf(instances),
      after: (result) => {
        const drained = result.targets.filter((t) => t.ok && !t.skipped).map((t) => t.arn);
        if (drained.length > 0) {
          this.#drained = drained;
          this.#followDrain(drained);
        }
      },
    });
  }

  /**
   * The drain followed live on the flash line, from the store the pollers keep fresh: service tasks still moving,
   * then the standalone tasks that hold it, named, with the key that stops them. Ends when no service task is left.
   */
  #followDrain(instanceArns: string[]): void {
    this.#stopFollowingDrain?.();
    let done = false;
    let stop: (() => void) | undefined;
    const finish = () => {
      done = true;
      stop?.();
      this.#stopFollowingDrain = undefined;
    };
    stop = followDrain(this.#o.ecs, instanceArns, (statuses) => {
      if (done) return;
      const moving = statuses.reduce((sum, s) => sum + s.progress.serviceTasks, 0);
      const drained = statuses.filter((s) => s.progress.drained).length;
      const held = statuses.filter((s) => s.blocking.length > 0).map((s) => `${s.label}: ${s.blocking.join(', ')}`);
      const parts = [
        moving > 0 ? `${moving} service task(s) still moving` : 'no service tasks left',
        `${drained} of ${statuses.length} drained`,
      ];
      if (held.length > 0)
        parts.push(
          `${this.#o.keymap.keyOf('stopBlockingTasks')} stops the standalone task(s) holding it: ${held.join('; ')}`,
        );
      flash(this.#o.ui, `Drain: ${parts.join('; ')}`, moving > 0 ? 'muted' : held.length > 0 ? 'warn' : 'ok');
      if (moving === 0) finish();
    });
    if (done) stop();
    else this.#stopFollowingDrain = finish;
  }

  stopBlockingTasks(): void {
    const port = this.#port('Stopping the tasks that hold a drain');
    if (!port) return;
    const instances = this.#o.navigation.targets('instance', (state, arn) => state.instances.get(arn));
    let arns = instances.items.map((i) => i.containerInstanceArn);
    // Nothing marked and no instance opened: the drain started here (whose marks are gone) is what the flash offered.
    if (instances.source === 'selection') {
      const ecs = this.#o.ecs.getState();
      const draining = this.#drained.filter((arn) => ecs.instances.get(arn)?.status === 'DRAINING');
      if (draining.length > 0) arns = draining;
    }
    if (arns.length === 0) {
      flash(this.#o.ui, 'Stop blockers: no container instance is selected or marked.', 'warn');
      return;
    }
    this.#offer(port.planStopBlocking(arns), {
      ...marksOf(instances),
      lead: ['These standalone tasks keep the drain from finishing:'],
    });
  }

  #service(): Service | undefined {
    const service = this.#o.navigation.targets('service', (state, arn) => state.services.get(arn)).items[0];
    if (!service)
      flash(this.#o.ui, `Select a service first (the Services pane, ${this.#o.keymap.keyOf('paneServices')}).`, 'warn');
    return service;
  }

  scale(count?: string): void {
    const port = this.#port('Scale');
    if (!port) return;
    const service = this.#service();
    if (!service) return;
    const arn = service.serviceArn;
    const ui = this.#o.ui;
    // Planned from the record as it is when the value is entered: a poll may have moved desiredCount meanwhile.
    const plan = (text: string) => port.planScale(this.#o.ecs.getState().services.get(arn) ?? service, text);
    if (count !== undefined) {
      this.#offer(plan(count));
      return;
    }
    const name = safe(service.serviceName ?? shortName(arn));
    ui.setState({
      modal: 'prompt',
      input: '',
      prompt: {
        title: `Scale ${name} (desired now ${service.desiredCount ?? '?'}) to:`,
        onSubmit: (text) => {
          const outcome = plan(text);
          if ('error' in outcome) return safe(outcome.error);
          ui.setState({ modal: undefined, prompt: undefined, input: '' });
          this.#offer(outcome);
          return undefined;
        },
      },
    });
  }

  redeploy(): void {
    const port = this.#port('Redeploy');
    if (!port) return;
    const service = this.#service();
    if (service) this.#offer(port.planForceDeployment(service));
  }

  /**
   * `B`: UpdateService back to the revision before the PRIMARY deployment's, the diff (PRIMARY -> that revision) in
   * the confirmation. Reads first (the revisions, each definition at most once), calls nothing until confirmed.
   */
  rollback(): void {
    const port = this.#port('Rollback');
    if (!port) return;
    const service = this.#service();
    if (!service) return;
    const definitions = this.#o.definitions;
    if (!definitions?.available) {
      flash(this.#o.ui, 'Rollback: task definitions cannot be read in this session.', 'warn');
      return;
    }
    if (this.#rollbackPending) return;
    this.#rollbackPending = true;
    const ui = this.#o.ui;
    const name = safe(service.serviceName ?? shortName(service.serviceArn));
    flash(ui, `Rollback: finding the revision before ${name}'s PRIMARY deployment…`, 'muted');
    const prepare = async (): Promise<void> => {
      const found = await definitions.previousRevision(service);
      if ('error' in found) {
        flash(ui, found.error, 'warn');
        return;
      }
      const trailer: Line[] = [
        [],
        [
          {
            text: `What changes back (${safe(taskDefinitionLabel(found.primary))} → ${safe(taskDefinitionLabel(found.previous))}):`,
            tone: 'title',
          },
        ],
      ];
      try {
        const [primary, previous] = await definitions.load([found.primary, found.previous]);
        trailer.push(...diffLines(definitionDiff(primary as TaskDefinition, previous as TaskDefinition)));
      } catch (error) {
        trailer.push([
          { text: `The diff cannot be shown: ${safe(error instanceof Error ? error.message : error)}`, tone: 'warn' },
        ]);
      }
      if (ui.getState().dialog || ui.getState().modal !== undefined) {
        flash(
          ui,
          `Rollback: put aside (another dialog was open); press ${this.#o.keymap.keyOf('rollbackService')} again.`,
          'muted',
        );
        return;
      }
      // The "finding the revision" line has been answered by the confirmation (or its refusal).
      ui.setState({ flash: undefined });
      // Planned from the record as it is now: a poll may have moved the deployments meanwhile.
      const live = this.#o.ecs.getState().services.get(service.serviceArn) ?? service;
      this.#offer(port.planRollback(live, found.previous), {
        trailer,
        after: (result) => {
          if (result.status === 'ok') this.#followRollback(service.serviceArn, found.previous);
        },
      });
    };
    prepare()
      .catch((error: unknown) =>
        flash(ui, `Rollback: ${safe(error instanceof Error ? error.message : error)}`, 'error'),
      )
      .finally(() => {
        this.#rollbackPending = false;
      });
  }

  /**
   * The rollback followed live on the flash line from the store the pollers keep fresh: the deployment of the old
   * revision, its running count and rollout state, until it completes, fails or is replaced.
   */
  #followRollback(serviceArn: string, taskDefinition: string): void {
    this.#stopFollowingRollback?.();
    const ecs = this.#o.ecs;
    const ui = this.#o.ui;
    const revision = safe(taskDefinitionLabel(taskDefinition));
    let last: Service | undefined;
    /** Our deployment once seen: a record without it is either older (a poll sent before the call) or newer. */
    let ours: { id?: string; createdAt?: number } | undefined;
    let unsubscribe: () => void = () => {};
    const stop = () => {
      unsubscribe();
      if (this.#stopFollowingRollback === stop) this.#stopFollowingRollback = undefined;
    };
    const report = (service: Service | undefined): boolean => {
      if (!service || service === last) return false;
      last = service;
      const name = safe(service.serviceName ?? shortName(serviceArn));
      const deployments = service.deployments ?? [];
      const deployment = ours?.id
        ? deployments.find((d) => d.id === ours?.id)
        : deployments.find((d) => d.taskDefinition === taskDefinition && d.status === 'PRIMARY');
      if (deployment?.status !== 'PRIMARY') {
        const primary = deployments.find((d) => d.status === 'PRIMARY');
        const newer = ours !== undefined && (primary?.createdAt ?? 0) > (ours.createdAt ?? 0);
        if (deployment || newer) {
          flash(ui, `Rollback of ${name}: another deployment replaced ${revision} as the PRIMARY one.`, 'warn');
          return true;
        }
        // A record read before the call went out: the next poll brings ours.
        return false;
      }
      ours ??= {
        ...(deployment.id ? { id: deployment.id } : {}),
        ...(deployment.createdAt !== undefined ? { createdAt: deployment.createdAt } : {}),
      };
      const state = canonicalStatus(deployment.rolloutState);
      const counts = `${deployment.runningCount ?? '?'} of ${deployment.desiredCount ?? '?'} running`;
      if (state === 'COMPLETED') {
        flash(ui, `Rollback of ${name} to ${revision} completed: ${counts}.`, 'ok');
        return true;
      }
      if (state === 'FAILED') {
        const reason = deployment.rolloutStateReason ? `: ${safe(deployment.rolloutStateReason)}` : '.';
        flash(ui, `Rollback of ${name} to ${revision} FAILED${reason}`, 'error');
        return true;
      }
      flash(
        ui,
        `Rollback of ${name} to ${revision}: ${counts}, ${safe(deployment.rolloutState ?? 'IN_PROGRESS')}.`,
        'muted',
      );
      return false;
    };
    if (report(ecs.getState().services.get(serviceArn))) return;
    unsubscribe = ecs.subscribe((state) => {
      if (report(state.services.get(serviceArn))) stop();
    });
    this.#stopFollowingRollback = stop;
  }

  rerunTask(): void {
    const port = this.#port('Rerun');
    if (!port) return;
    const task = this.#o.navigation.targets('task', (state, arn) => state.tasks.get(arn)).items[0];
    if (!task) {
      flash(this.#o.ui, 'Rerun: no task is selected.', 'warn');
      return;
    }
    if (this.#rerunPending) return;
    this.#rerunPending = true;
    const id = safe(shortName(task.taskArn));
    flash(this.#o.ui, `Rerun: reading task ${id} again (DescribeTasks)…`, 'muted');
    port
      .prepareRerun({ taskArn: task.taskArn, ...(task.clusterArn ? { clusterArn: task.clusterArn } : {}) })
      .then((offer) => this.#rerunOffer(offer))
      .catch((error: unknown) =>
        flash(this.#o.ui, `Rerun: ${safe(error instanceof Error ? error.message : error)}`, 'error'),
      )
      .finally(() => {
        this.#rerunPending = false;
      });
  }

  async #rerunOffer(offer: RerunOffer): Promise<void> {
    const ui = this.#o.ui;
    if (offer.kind === 'unavailable') {
      flash(ui, safe(offer.error), 'warn');
      return;
    }
    // A standalone rerun keeps its revision: the confirmation says what the family's latest one would change.
    const definitions = this.#o.definitions;
    const used = offer.kind === 'standalone' ? offer.task.taskDefinitionArn : undefined;
    const trailer = used && definitions?.available ? await definitions.rerunComparison(used) : [];
    // Something else took the front while the task was read: do not open a dialog over it.
    if (ui.getState().dialog || ui.getState().modal !== undefined) {
      flash(
        ui,
        `Rerun: put aside (another dialog was open); press ${this.#o.keymap.keyOf('rerunTask')} again.`,
        'muted',
      );
      return;
    }
    if (offer.kind === 'service') {
      if ('error' in offer.redeploy) {
        flash(ui, `${safe(offer.explanation)} ${safe(offer.redeploy.error)}`, 'warn');
        return;
      }
      this.#offer(offer.redeploy, { lead: [offer.explanation, 'Confirm to force a new deployment instead:'] });
      return;
    }
    const follow = (result: ActionResult) => this.#selectNewTask(result);
    const run = offer.run;
    const start = offer.start;
    if (!start || 'error' in start) {
      this.#offer(run, { after: follow, trailer });
      return;
    }
    if ('error' in run) {
      this.#offer(start, { lead: [`RunTask cannot be offered: ${run.error}`], after: follow, trailer });
      return;
    }
    const runDialog = (): DialogState => ({
      ...this.#dialogOf(run.plan, { after: follow, trailer }),
      alternative: { label: 'StartTask on the same instance instead', dialog: startDialog },
    });
    const startDialog = (): DialogState => ({
      ...this.#dialogOf(start.plan, { after: follow, trailer }),
      alternative: { label: 'RunTask (ECS places it) instead', dialog: runDialog },
    });
    ui.setState({ dialog: runDialog() });
  }

  /** After a rerun: the new task selected in the Tasks pane, and followed until it is visible to DescribeTasks. */
  #selectNewTask(result: ActionResult): void {
    const arn = result.newTaskArns[0];
    if (!arn) return;
    this.#followTask = arn;
    const ui = this.#o.ui;
    // The filter or a mark could hide or outvote it: the new task is what the user wants in front.
    updateList(ui, 'tasks', { selectedKey: arn, filter: '', marks: new Set() });
    const { dialog, modal } = ui.getState();
    if (dialog || modal !== undefined) return;
    // A partial result stays in front, the Tasks pane with the new task under it.
    if (topView(ui.getState())?.kind === 'result') ui.setState({ pane: 'tasks' });
    else ui.setState({ pane: 'tasks', stack: [] });
  }
}
