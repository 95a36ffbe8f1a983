/**
 * EcsGateway over @aws-sdk/client-ecs. The request budget sits in the HTTP handler (budgetedHttpHandler.ts), so
 * every request that goes out, retries included, passes through it at the moment it is sent. The SDK's own
 * retries are off (maxAttempts 1): we retry reads on throttling, server faults and network errors with jittered
 * exponential backoff; writes only on throttling (ECS did nothing then), so one intent is never two calls that
 * both took effect.
 *
 * Every attempt has a deadline on the injected scheduler that aborts it: connecting, waiting for the headers and
 * reading the body (a stalled connection, or one trickling a byte a second, would otherwise hold a poller for
 * good). Nothing the libraries log reaches the terminal: their loggers are a sink the caller chooses.
 */
import type { ECSClient, ECSClientConfig } from '@aws-sdk/client-ecs';
import {
  type Cluster,
  type ContainerInstance,
  type Failure,
  normalizeCluster,
  normalizeContainerInstance,
  normalizeFailure,
  normalizeList,
  normalizeService,
  normalizeTask,
  normalizeTaskDefinition,
  normalizeTaskSet,
  type Service,
  type Task,
  type TaskSet,
} from '../domain/model.ts';
import type { Scheduler } from '../lib/scheduler.ts';
import { ECS_NAMING, GatewayError } from './errors.ts';
import {
  type CallOptions,
  chunk,
  DESCRIBE_LIMIT,
  type DescribeResult,
  type EcsGateway,
  type GatewayTarget,
  type ListTaskDefinitionsFilter,
  type ListTasksFilter,
  type RunTaskRequest,
  type ServiceChange,
  type StartTaskRequest,
  type TasksOutcome,
} from './gateway.ts';
import { responseBodyGuard } from './responseBody.ts';
import {
  createServiceTransport,
  DEFAULT_REQUEST_TIMEOUT_MS,
  resolveServiceTarget,
  ServiceCaller,
} from './serviceCaller.ts';
import { answerOf, keptResult, UnchangedAnswers } from './unchangedAnswers.ts';

type Sdk = typeof import('@aws-sdk/client-ecs');

export interface SdkGatewayOptions {
  region?: string;
  profile?: string;
  /** `--endpoint-url`; AWS_ENDPOINT_URL_ECS is honoured by the SDK itself when this is absent. */
  endpoint?: string;
  /** True when the endpoint is our simulator: dummy credentials, "simulator" in the header. */
  simulator?: boolean;
  /** `--budget`: calls per second, all operations together. */
  budgetPerSecond: number;
  scheduler: Scheduler;
  /** Calls in flight at once. */
  concurrency?: number;
  /** Attempts per read call (1 = no retry); throttled attempts do not count when `throttlePatienceMs` is set. */
  maxAttempts?: number;
  /**
   * Keep retrying a throttled call until it has been throttled for this long without a break (a persistent
   * failure), instead of giving up after `maxAttempts`. For one-shot commands that must finish (snapshot).
   */
  throttlePatienceMs?: number;
  /** Spreads the retry backoff (a float in [0, 1)); tests pass a seeded one. Default Math.random. */
  random?: () => number;
  /** Per-attempt deadline, connect to last byte; a hung endpoint must not hang a pane forever. */
  requestTimeoutMs?: number;
  /** Pages one List* walk may take before it is stopped as endless. */
  maxPages?: number;
  /** Where the SDK's and the HTTP handler's own log lines go; by default nowhere (never the terminal). */
  log?: (line: string) => void;
  /** A response body over this many bytes is refused unparsed (default DEFAULT_MAX_RESPONSE_BYTES, 20 MB). */
  maxResponseBytes?: number;
}

/** 100 results a page: 100,000 ARNs, far more than an ECS account holds in one list. */
export const DEFAULT_MAX_PAGES = 1000;
export { DEFAULT_REQUEST_TIMEOUT_MS };

function missingOf(failures: Failure[]): string[] {
  return failures.filter((f) => f.reason === 'MISSING' && f.arn).map((f) => f.arn as string);
}

function tasksOutcome(out: { tasks?: unknown; failures?: unknown }): TasksOutcome {
  return { tasks: normalizeList(out.tasks, normalizeTask), failures: normalizeList(out.failures, normalizeFailure) };
}

function described<T>(
  out: { items: unknown; failures: unknown },
  normalize: (item: unknown) => T | undefined,
): DescribeResult<T> {
  const failures = normalizeList(out.failures, normalizeFailure);
  return { items: normalizeList(out.items, normalize), failures, missing: missingOf(failures) };
}

/** The parts merged into new arrays (a part may be a kept result, shared with later calls). */
function mergeDescribe<T>(parts: DescribeResult<T>[]): DescribeResult<T> {
  return {
    items: parts.flatMap((p) => p.items),
    failures: parts.flatMap((p) => p.failures),
    missing: parts.flatMap((p) => p.missing),
  };
}

export async function createSdkGateway(options: SdkGatewayOptions): Promise<EcsGateway> {
  // Imported here, not at the top: the SDK is the heaviest module we load and the first frame must not wait for it.
  const sdk = await import('@aws-sdk/client-ecs');
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_ECS ?? undefined;
  const { config, budget, stats } = await createServiceTransport({
    ...options,
    service: ECS_NAMING,
    endpoint,
  });
  const client = new sdk.ECSClient(config satisfies ECSClientConfig);
  // Reads asked again and answered with the same bytes are not parsed or cleaned again (unchangedAnswers.ts).
  const answers = new UnchangedAnswers();
  client.middlewareStack.use(responseBodyGuard(options.maxResponseBytes, answers));
  // The SDK's logger middleware copies every response, its sensitive fields filtered, into a log line: for no sink,
  // a walk of each response (a few percent of an idle screen's CPU) for a line nobody reads.
  if (options.log === undefined) client.middlewareStack.remove('loggerMiddleware');
  const target = await resolveServiceTarget(client, {
    ...options,
    endpoint,
  });
  const caller = new ServiceCaller({
    service: ECS_NAMING,
    scheduler: options.scheduler,
    budget,
    stats,
    target,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.throttlePatienceMs !== undefined ? { throttlePatienceMs: options.throttlePatienceMs } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  return new SdkGateway(sdk, client, target, options, caller, answers);
}

class SdkGateway implements EcsGateway {
  readonly target: GatewayTarget;
  readonly #sdk: Sdk;
  readonly #client: ECSClient;
  readonly #caller: ServiceCaller;
  readonly #maxPages: number;
  readonly #answers: UnchangedAnswers;

  constructor(
    sdk: Sdk,
    client: ECSClient,
    target: GatewayTarget,
    options: SdkGatewayOptions,
    caller: ServiceCaller,
    answers: UnchangedAnswers,
  ) {
    this.#sdk = sdk;
    this.#answers = answers;
    this.#client = client;
    this.target = target;
    this.#caller = caller;
    this.#maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  }

  /** Where the calls go, in words: the endpoint's URL, else "ECS in <region>". */
  get #where(): string {
    return this.target.endpoint ?? `ECS in ${this.target.region}`;
  }

  stats() {
    return this.#caller.stats();
  }

  budget() {
    return this.#caller.budget();
  }

  /**
   * A read and what `build` makes of the SDK's output. An answer with the same bytes as the last one to the same
   * request gets what `build` made of that one, the same objects, neither parsed nor built again
   * (unchangedAnswers.ts). Each operation has one build, so a result kept for a request is of the kind asked for;
   * results are shared between calls, so nothing may change them (callers copy what they hand on).
   */
  async #read<O, R>(send: () => Promise<O>, build: (out: O) => R): Promise<R> {
    const out = await send();
    const kept = keptResult(out);
    if (kept !== undefined) return kept.result as R;
    const result = build(out);
    const source = answerOf(out);
    if (source !== undefined) this.#answers.remember(source, result);
    return result;
  }

  /** One logical call: attempts (each through the budget) with backoff, errors mapped to GatewayError. */
  #call<T>(
    operation: string,
    send: (signal?: AbortSignal) => Promise<T>,
    options: CallOptions | undefined,
    mutating = false,
  ): Promise<T> {
    return this.#caller.call(operation, send, options, mutating);
  }

  async #listAll(
    operation: string,
    page: (nextToken: string | undefined, signal?: AbortSignal) => Promise<{ arns?: string[]; nextToken?: string }>,
    options?: CallOptions,
  ): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    // Tokens already followed: one coming back means the walk would go round for ever.
    const followed = new Set<string>();
    // A page may be short and still carry a token: follow tokens until there are none.
    for (let pages = 1; ; pages++) {
      const result = await this.#call(operation, (signal) => page(nextToken, signal), options);
      for (const arn of result.arns ?? []) if (typeof arn === 'string') arns.push(arn);
      nextToken = typeof result.nextToken === 'string' && result.nextToken !== '' ? result.nextToken : undefined;
      if (!nextToken) return arns;
      if (followed.has(nextToken) || pages >= this.#maxPages) this.#caller.failedCall();
      if (followed.has(nextToken)) {
        throw new GatewayError(
          'paging',
          `${this.#where} sent ${operation} round in a loop (a page token came back after ${pages} pages); stopped paging.`,
          { operation },
        );
      }
      if (pages >= this.#maxPages) {
        throw new GatewayError(
          'paging',
          `${this.#where} was still paging ${operation} after ${pages} pages (${arns.length} results); stopped paging.`,
          { operation },
        );
      }
      followed.add(nextToken);
    }
  }

  /** A Describe* call chunked at its limit, the chunks in parallel (under the concurrency cap), merged. */
  async #describeInChunks<T, O>(
    operation: string,
    ids: string[],
    limit: number,
    normalize: (item: unknown) => T | undefined,
    options: CallOptions | undefined,
    send: (batch: string[], abortSignal?: AbortSignal) => Promise<O>,
    pick: (out: O) => { items: unknown; failures: unknown },
  ): Promise<DescribeResult<T>> {
    const parts = await Promise.all(
      chunk(ids, limit).map((batch) =>
        this.#call(
          operation,
          (abortSignal) =>
            this.#read(
              () => send(batch, abortSignal),
              (out) => described(pick(out), normalize),
            ),
          options,
        ),
      ),
    );
    return mergeDescribe(parts);
  }

  listClusters(options?: CallOptions): Promise<string[]> {
    return this.#listAll(
      'ListClusters',
      (nextToken, abortSignal) =>
        this.#read(
          () =>
            this.#client.send(new this.#sdk.ListClustersCommand({ nextToken, maxResults: 100 }), {
              abortSignal,
            }),
          (out) => ({ arns: out.clusterArns, nextToken: out.nextToken }),
        ),
      options,
    );
  }

  describeClusters(clusters: string[], options?: CallOptions): Promise<DescribeResult<Cluster>> {
    return this.#describeInChunks(
      'DescribeClusters',
      clusters,
      DESCRIBE_LIMIT.clusters,
      normalizeCluster,
      options,
      (batch, abortSignal) =>
        this.#client.send(
          new this.#sdk.DescribeClustersCommand({ clusters: batch, include: ['STATISTICS', 'SETTINGS'] }),
          { abortSignal },
        ),
      (out) => ({ items: out.clusters, failures: out.failures }),
    );
  }

  listContainerInstances(cluster: string, filter?: { status?: string }, options?: CallOptions): Promise<string[]> {
    return this.#listAll(
      'ListContainerInstances',
      (nextToken, abortSignal) =>
        this.#read(
          () =>
            this.#client.send(
              new this.#sdk.ListContainerInstancesCommand({
                cluster,
                nextToken,
                maxResults: 100,
                ...(filter?.status ? { status: filter.status as never } : {}),
              }),
              { abortSignal },
            ),
          (out) => ({ arns: out.containerInstanceArns, nextToken: out.nextToken }),
        ),
      options,
    );
  }

  describeContainerInstances(
    cluster: string,
    containerInstances: string[],
    options?: CallOptions,
  ): Promise<DescribeResult<ContainerInstance>> {
    return this.#describeInChunks(
      'DescribeContainerInstances',
      containerInstances,
      DESCRIBE_LIMIT.containerInstances,
      normalizeContainerInstance,
      options,
      (batch, abortSignal) =>
        this.#client.send(new this.#sdk.DescribeContainerInstancesCommand({ cluster, containerInstances: batch }), {
          abortSignal,
        }),
      (out) => ({ items: out.containerInstances, failures: out.failures }),
    );
  }

  listServices(cluster: string, options?: CallOptions): Promise<string[]> {
    return this.#listAll(
      'ListServices',
      (nextToken, abortSignal) =>
        // ListServices pages by 10 unless asked for more.
        this.#read(
          () =>
            this.#client.send(new this.#sdk.ListServicesCommand({ cluster, nextToken, maxResults: 100 }), {
              abortSignal,
            }),
          (out) => ({ arns: out.serviceArns, nextToken: out.nextToken }),
        ),
      options,
    );
  }

  describeServices(cluster: string, services: string[], options?: CallOptions): Promise<DescribeResult<Service>> {
    return this.#describeInChunks(
      'DescribeServices',
      services,
      DESCRIBE_LIMIT.services,
      normalizeService,
      options,
      (batch, abortSignal) =>
        this.#client.send(new this.#sdk.DescribeServicesCommand({ cluster, services: batch }), { abortSignal }),
      (out) => ({ items: out.services, failures: out.failures }),
    );
  }

  describeTaskSets(cluster: string, service: string, options?: CallOptions): Promise<DescribeResult<TaskSet>> {
    return this.#call(
      'DescribeTaskSets',
      async (abortSignal) =>
        // Copied: the result may be a kept one, shared with the next call.
        mergeDescribe([
          await this.#read(
            () => this.#client.send(new this.#sdk.DescribeTaskSetsCommand({ cluster, service }), { abortSignal }),
            (out) => described({ items: out.taskSets, failures: out.failures }, normalizeTaskSet),
          ),
        ]),
      options,
    );
  }

  listTasks(cluster: string, filter: ListTasksFilter = {}, options?: CallOptions): Promise<string[]> {
    return this.#listAll(
      'ListTasks',
      (nextToken, abortSignal) =>
        this.#read(
          () =>
            this.#client.send(
              new this.#sdk.ListTasksCommand({
                cluster,
                nextToken,
                maxResults: 100,
                ...(filter as Record<string, string>),
              }),
              { abortSignal },
            ),
          (out) => ({ arns: out.taskArns, nextToken: out.nextToken }),
        ),
      options,
    );
  }

  describeTasks(
    cluster: string,
    tasks: string[],
    options?: CallOptions & { includeTags?: boolean },
  ): Promise<DescribeResult<Task>> {
    const include = options?.includeTags ? { include: ['TAGS' as const] } : {};
    return this.#describeInChunks(
      'DescribeTasks',
      tasks,
      DESCRIBE_LIMIT.tasks,
      normalizeTask,
      options,
      (batch, abortSignal) =>
        this.#client.send(new this.#sdk.DescribeTasksCommand({ cluster, tasks: batch, ...include }), { abortSignal }),
      (out) => ({ items: out.tasks, failures: out.failures }),
    );
  }

  describeTaskDefinition(taskDefinition: string, options?: CallOptions) {
    return this.#call(
      'DescribeTaskDefinition',
      (abortSignal) =>
        this.#read(
          () =>
            this.#client.send(new this.#sdk.DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] }), {
              abortSignal,
            }),
          (out) => normalizeTaskDefinition(out.taskDefinition),
        ),
      options,
    );
  }

  listTaskDefinitions(
    familyPrefix: string,
    filter: ListTaskDefinitionsFilter = {},
    options?: CallOptions,
  ): Promise<string[]> {
    const request = { familyPrefix, status: filter.status ?? 'ACTIVE', sort: filter.sort ?? 'ASC' } as const;
    if (filter.limit !== undefined) {
      const limit = Math.max(1, Math.min(100, Math.floor(filter.limit)));
      return this.#call(
        'ListTaskDefinitions',
        async (abortSignal) => {
          const page = await this.#read(
            () =>
              this.#client.send(new this.#sdk.ListTaskDefinitionsCommand({ ...request, maxResults: limit }), {
                abortSignal,
              }),
            // The same page as a walk's (the request may be a walk's first): one build per operation.
            (out) => ({ arns: out.taskDefinitionArns, nextToken: out.nextToken }),
          );
          return (page.arns ?? []).filter((arn): arn is string => typeof arn === 'string').slice(0, limit);
        },
        options,
      );
    }
    return this.#listAll(
      'ListTaskDefinitions',
      (nextToken, abortSignal) =>
        this.#read(
          () =>
            this.#client.send(new this.#sdk.ListTaskDefinitionsCommand({ ...request, nextToken, maxResults: 100 }), {
              abortSignal,
            }),
          (out) => ({ arns: out.taskDefinitionArns, nextToken: out.nextToken }),
        ),
      options,
    );
  }

  stopTask(cluster: string, task: string, reason: string, options?: CallOptions) {
    return this.#call(
      'StopTask',
      async (abortSignal) => {
        const out = await this.#client.send(
          new this.#sdk.StopTaskCommand({ cluster, task, reason: reason.slice(0, 255) }),
          { abortSignal },
        );
        return normalizeTask(out.task);
      },
      options,
      true,
    );
  }

  runTask(request: RunTaskRequest, options?: CallOptions): Promise<TasksOutcome> {
    return this.#call(
      'RunTask',
      async (abortSignal) => {
        return tasksOutcome(await this.#client.send(new this.#sdk.RunTaskCommand(request as never), { abortSignal }));
      },
      options,
      true,
    );
  }

  startTask(request: StartTaskRequest, options?: CallOptions): Promise<TasksOutcome> {
    return this.#call(
      'StartTask',
      async (abortSignal) => {
        return tasksOutcome(await this.#client.send(new this.#sdk.StartTaskCommand(request as never), { abortSignal }));
      },
      options,
      true,
    );
  }

  async updateContainerInstancesState(
    cluster: string,
    containerInstances: string[],
    status: 'ACTIVE' | 'DRAINING',
    options?: CallOptions,
  ): Promise<DescribeResult<ContainerInstance>> {
    const parts: DescribeResult<ContainerInstance>[] = [];
    // Sequential on purpose: the user confirmed one batch after another, and a failure stops the rest.
    for (const batch of chunk(containerInstances, DESCRIBE_LIMIT.updateContainerInstancesState)) {
      parts.push(
        await this.#call(
          'UpdateContainerInstancesState',
          async (abortSignal) => {
            const out = await this.#client.send(
              new this.#sdk.UpdateContainerInstancesStateCommand({ cluster, containerInstances: batch, status }),
              { abortSignal },
            );
            const failures = normalizeList(out.failures, normalizeFailure);
            return {
              items: normalizeList(out.containerInstances, normalizeContainerInstance),
              failures,
              missing: missingOf(failures),
            };
          },
          options,
          true,
        ),
      );
    }
    return mergeDescribe(parts);
  }

  updateService(cluster: string, service: string, change: ServiceChange, options?: CallOptions) {
    return this.#call(
      'UpdateService',
      async (abortSignal) => {
        const out = await this.#client.send(new this.#sdk.UpdateServiceCommand({ cluster, service, ...change }), {
          abortSignal,
        });
        return normalizeService(out.service);
      },
      options,
      true,
    );
  }
}
