import { SimError } from '../errors.ts';
import type { SimTaskDefinition } from '../model/types.ts';
import type { OperationHandler } from './context.ts';
import { readContainerDefinition, readPlacementConstraints, readTags } from './inputs.ts';
import { compareStrings, paginate, readPageRequest } from './paging.ts';
import { wireTaskDefinition } from './serialize.ts';

const STATUSES = ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'] as const;
const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'] as const;
const COMPATIBILITIES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] as const;

type RevisionKey = [family: string, revision: number];

const isRevisionKey = (value: unknown): value is RevisionKey =>
  Array.isArray(value) &&
  value.length === 2 &&
  typeof value[0] === 'string' &&
  typeof value[1] === 'number' &&
  Number.isInteger(value[1]);

const compareRevisions = (a: RevisionKey, b: RevisionKey): number => compareStrings(a[0], b[0]) || a[1] - b[1];

const clientError = (message: string) => new SimError('ClientException', message);

export const describeTaskDefinition: OperationHandler = ({ model }, params) => {
  const ref = params.requireString('taskDefinition', { minLength: 1 });
  const includeTags = (params.stringList('include', { item: { values: ['TAGS'] } }) ?? []).includes('TAGS');
  const definition = model.resolveTaskDefinition(ref);
  if (!definition) throw clientError('Unable to describe task definition.');
  return {
    taskDefinition: wireTaskDefinition(definition),
    tags: includeTags ? definition.tags.map((t) => ({ key: t.key, value: t.value })) : undefined,
  };
};

/**
 * ListTaskDefinitions. `familyPrefix` is, despite its name, the full family (ECS matches it exactly);
 * the order is family then revision, reversed by sort DESC.
 */
export const listTaskDefinitions: OperationHandler = ({ model }, params) => {
  const family = params.string('familyPrefix');
  const status = params.string('status', { values: STATUSES }) ?? 'ACTIVE';
  const descending = params.string('sort', { values: ['ASC', 'DESC'] }) === 'DESC';
  const request = readPageRequest(params, 100, isRevisionKey);
  const matching: SimTaskDefinition[] = [];
  for (const definition of model.state.taskDefinitions.values()) {
    if (definition.status === status && (family === undefined || definition.family === family)) {
      matching.push(definition);
    }
  }
  const page = paginate<SimTaskDefinition, RevisionKey>(
    matching,
    (definition) => [definition.family, definition.revision],
    descending ? (a, b) => compareRevisions(b, a) : compareRevisions,
    request,
  );
  return { taskDefinitionArns: page.items.map((definition) => definition.arn), nextToken: page.nextToken };
};

export const registerTaskDefinition: OperationHandler = ({ model }, params) => {
  const family = params.requireString('family', {
    minLength: 1,
    maxLength: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    patternHint: 'up to 255 letters, numbers, hyphens and underscores',
  });
  const containerDefinitions = (params.objectList('containerDefinitions', { minItems: 1 }) ?? []).map(
    readContainerDefinition,
  );
  if (containerDefinitions.length === 0) throw clientError('Container list cannot be empty.');
  const networkMode = params.string('networkMode', { values: NETWORK_MODES });
  const requiresCompatibilities = params.stringList('requiresCompatibilities', { item: { values: COMPATIBILITIES } });
  const cpu = params.string('cpu', { maxLength: 32 });
  const memory = params.string('memory', { maxLength: 32 });
  const names = new Set<string>();
  for (const container of containerDefinitions) {
    if (names.has(container.name)) throw clientError(`Duplicate container name '${container.name}'.`);
    names.add(container.name);
  }
  if (requiresCompatibilities?.includes('FARGATE')) {
    if (networkMode !== 'awsvpc') throw clientError("Fargate only supports network mode 'awsvpc'.");
    if (cpu === undefined) throw clientError("Fargate requires that 'cpu' be defined at the task level.");
    if (memory === undefined) throw clientError("Fargate requires that 'memory' be defined at the task level.");
  }
  if (memory === undefined) {
    const unsized = containerDefinitions.find((c) => c.memory === undefined && c.memoryReservation === undefined);
    if (unsized) {
      throw clientError(
        `Invalid setting for container '${unsized.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
      );
    }
  }
  const placementConstraints = readPlacementConstraints(params, 10);
  // Accepted for compatibility; not simulated.
  params.objectList('volumes');
  params.object('runtimePlatform');
  params.object('ephemeralStorage');
  params.string('pidMode');
  params.string('ipcMode');
  const definition = model.registerTaskDefinition({
    family,
    networkMode,
    requiresCompatibilities,
    cpu,
    memory,
    taskRoleArn: params.string('taskRoleArn'),
    executionRoleArn: params.string('executionRoleArn'),
    containerDefinitions,
    ...(placementConstraints ? { placementConstraints } : {}),
    tags: readTags(params),
  });
  return {
    taskDefinition: wireTaskDefinition(definition),
    tags: definition.tags.map((t) => ({ key: t.key, value: t.value })),
  };
};
