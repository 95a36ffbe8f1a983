/**
 * An EcsGateway that exists before the SDK does. The UI draws its first frame with this one; the SDK (the heaviest
 * module we load) is imported afterwards and `connect` hands its gateway over. Calls made in between wait for it;
 * if it cannot be created (no region, say), every call fails with that one error, which the feeds then show.
 */
import type { ContainerInstance } from '../domain/model.ts';
import { GatewayError } from './errors.ts';
import type {
  CallOptions,
  DescribeResult,
  EcsGateway,
  GatewayTarget,
  ListTaskDefinitionsFilter,
  ListTasksFilter,
  RunTaskRequest,
  ServiceChange,
  StartTaskRequest,
  TasksOutcome,
} from './gateway.ts';
import type { CallStatsSnapshot } from './stats.ts';

interface Settle {
  resolve(gateway: EcsGateway): void;
  reject(error: unknown): void;
}

export class DeferredGateway implements EcsGateway {
  readonly #provisional: GatewayTarget;
  readonly #budgetCeiling: number;
  readonly #ready: Promise<EcsGateway>;
  readonly #settle: Settle;
  #connected: EcsGateway | undefined;
  #settled = false;

  /** `provisional` is the target as far as it is known before the SDK resolves it (the region, for one). */
  constructor(provisional: GatewayTarget, budgetCeiling: number) {
    this.#provisional = provisional;
    this.#budgetCeiling = budgetCeiling;
    let settle: Settle = { resolve: () => {}, reject: () => {} };
    this.#ready = new Promise<EcsGateway>((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.#settle = settle;
    // A failure is reported to every call; nobody need be listening when it happens.
    this.#ready.catch(() => undefined);
  }

  /** The gateway once created; rejects with the creation error. */
  get ready(): Promise<EcsGateway> {
    return this.#ready;
  }

  get connected(): boolean {
    return this.#connected !== undefined;
  }

  /** Runs `create` (once) and hands its gateway to every waiting and later call. */
  async connect(create: () => Promise<EcsGateway>): Promise<EcsGateway> {
    if (this.#settled) throw new Error('DeferredGateway.connect called twice');
    this.#settled = true;
    try {
      const gateway = await create();
      this.#connected = gateway;
      this.#settle.resolve(gateway);
    } catch (error) {
      this.#settle.reject(error);
    }
    return this.#ready;
  }

  get target(): GatewayTarget {
    return this.#connected?.target ?? this.#provisional;
  }

  stats(): CallStatsSnapshot {
    return (
      this.#connected?.stats() ?? {
        total: 0,
        throttled: 0,
        errors: 0,
        byOperation: {},
        ratePerSecond: 0,
        inFlight: 0,
      }
    );
  }

  budget(): { ceiling: number; effective: number } {
    return this.#connected?.budget() ?? { ceiling: this.#budgetCeiling, effective: this.#budgetCeiling };
  }

  /** The connected gateway, waiting for it unless the caller's signal gives up first. */
  async #gateway(operation: string, options: CallOptions | undefined): Promise<EcsGateway> {
    if (this.#connected) return this.#connected;
    const signal = options?.signal;
    if (!signal) return this.#ready;
    const cancelled = () => new GatewayError('aborted', `${operation} was cancelled.`, { operation });
    if (signal.aborted) throw cancelled();
    let onAbort = () => {};
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(cancelled());
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.#ready, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async listClusters(options?: CallOptions): Promise<string[]> {
    return (await this.#gateway('ListClusters', options)).listClusters(options);
  }

  async describeClusters(clusters: string[], options?: CallOptions) {
    return (await this.#gateway('DescribeClusters', options)).describeClusters(clusters, options);
  }

  async listContainerInstances(cluster: string, filter?: { status?: string }, options?: CallOptions) {
    return (await this.#gateway('ListContainerInstances', options)).listContainerInstances(cluster, filter, options);
  }

  async describeContainerInstances(cluster: string, containerInstances: string[], options?: CallOptions) {
    const gateway = await this.#gateway('DescribeContainerInstances', options);
    return gateway.describeContainerInstances(cluster, containerInstances, options);
  }

  async listServices(cluster: string, options?: CallOptions) {
    return (await this.#gateway('ListServices', options)).listServices(cluster, options);
  }

  async describeServices(cluster: string, services: string[], options?: CallOptions) {
    return (await this.#gateway('DescribeServices', options)).describeServices(cluster, services, options);
  }

  async describeTaskSets(cluster: string, service: string, options?: CallOptions) {
    return (await this.#gateway('DescribeTaskSets', options)).describeTaskSets(cluster, service, options);
  }

  async listTasks(cluster: string, filter?: ListTasksFilter, options?: CallOptions) {
    return (await this.#gateway('ListTasks', options)).listTasks(cluster, filter, options);
  }

  async describeTasks(cluster: string, tasks: string[], options?: CallOptions & { includeTags?: boolean }) {
    return (await this.#gateway('DescribeTasks', options)).describeTasks(cluster, tasks, options);
  }

  async describeTaskDefinition(taskDefinition: string, options?: CallOptions) {
    return (await this.#gateway('DescribeTaskDefinition', options)).describeTaskDefinition(taskDefinition, options);
  }

  async listTaskDefinitions(familyPrefix: string, filter?: ListTaskDefinitionsFilter, options?: CallOptions) {
    return (await this.#gateway('ListTaskDefinitions', options)).listTaskDefinitions(familyPrefix, filter, options);
  }

  async stopTask(cluster: string, task: string, reason: string, options?: CallOptions) {
    return (await this.#gateway('StopTask', options)).stopTask(cluster, task, reason, options);
  }

  async runTask(request: RunTaskRequest, options?: CallOptions): Promise<TasksOutcome> {
    return (await this.#gateway('RunTask', options)).runTask(request, options);
  }

  async startTask(request: StartTaskRequest, options?: CallOptions): Promise<TasksOutcome> {
    return (await this.#gateway('StartTask', options)).startTask(request, options);
  }

  async updateContainerInstancesState(
    cluster: string,
    containerInstances: string[],
    status: 'ACTIVE' | 'DRAINING',
    options?: CallOptions,
  ): Promise<DescribeResult<ContainerInstance>> {
    const gateway = await this.#gateway('UpdateContainerInstancesState', options);
    return gateway.updateContainerInstancesState(cluster, containerInstances, status, options);
  }

  async updateService(cluster: string, service: string, change: ServiceChange, options?: CallOptions) {
    return (await this.#gateway('UpdateService', options)).updateService(cluster, service, change, options);
  }
}
