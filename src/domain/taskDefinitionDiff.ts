/**
 * What changed between two task definition revisions, field by field, and which revision counts as "the one before"
 * a service's PRIMARY deployment. Pure: the view (ui/panes/taskDefinitionDiff.ts) draws the entries, the rollback plan
 * names the revision.
 *
 * Values are compared raw (two values that differ only in an escape sequence still differ) and come out sanitised,
 * so every string in an entry is safe for the terminal. Environment values are carried only for keys whose value
 * changed, and flagged `secret` when the key looks like one (PASSWORD, TOKEN, KEY…): the view masks those until asked.
 */
import { parseArn, taskDefinitionFamily } from './arn.ts';
import type { ContainerDefinitionSummary, NameValue, SecretReference, Service, TaskDefinition } from './model.ts';
import { sanitizeText } from './sanitize.ts';

export type DiffChange = 'added' | 'removed' | 'changed' | 'unchanged';

export interface DiffEntry {
  /** `task`, or the container's name (sanitised). */
  scope: string;
  /** What is compared: `image tag`, `cpu`, `env LOG_LEVEL`, `secret DB_URL`, `log option awslogs-group`… */
  field: string;
  change: DiffChange;
  /** Terminal-safe values; absent for a side that has none, and for added/removed environment keys. */
  before?: string;
  after?: string;
  /** The values are an environment variable's whose key looks secret: masked until the user unmasks them. */
  secret?: boolean;
}

export interface TaskDefinitionDiff {
  /** Added, removed and changed fields, task fields first, then container by container. */
  changed: DiffEntry[];
  /** Fields both revisions set to the same value (the view folds them). */
  unchanged: DiffEntry[];
}

const VALUE_MAX = 240;

/** A key that names a credential: its values are masked by default. */
const SECRET_KEY = /PASSW(OR)?D|PASSPHRASE|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH|SESSION|SIGNATURE|CERT|PWD/i;

export function looksSecret(key: string): boolean {
  return SECRET_KEY.test(key);
}

function clean(value: string): string {
  return sanitizeText(value, { maxLength: VALUE_MAX });
}

/** An image reference split into repository, tag and digest (`repo:tag@sha256:…`); the tag defaults to none. */
export function splitImage(image: string): { repository: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  // A colon after the last slash is the tag's; one before it is a registry's port.
  const colon = name.lastIndexOf(':');
  const tagged = colon > name.lastIndexOf('/');
  return {
    repository: tagged ? name.slice(0, colon) : name,
    ...(tagged ? { tag: name.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

class Collector {
  readonly changed: DiffEntry[] = [];
  readonly unchanged: DiffEntry[] = [];

  /** Compares one field; undefined on both sides is not a field of either revision and is left out. */
  compare(scope: string, field: string, before: string | undefined, after: string | undefined, secret = false): void {
    if (before === undefined && after === undefined) return;
    const change: DiffChange =
      before === undefined ? 'added' : after === undefined ? 'removed' : before === after ? 'unchanged' : 'changed';
    const entry: DiffEntry = { scope: clean(scope), field: clean(field), change };
    if (before !== undefined) entry.before = clean(before);
    if (after !== undefined) entry.after = clean(after);
    if (secret) entry.secret = true;
    (change === 'unchanged' ? this.unchanged : this.changed).push(entry);
  }

  /** A key-value list (environment): keys added and removed by name only, values only for keys that changed. */
  compareKeys(scope: string, prefix: string, before: Map<string, string>, after: Map<string, string>): void {
    const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
    for (const key of keys) {
      const from = before.get(key);
      const to = after.get(key);
      const field = `${prefix} ${key}`;
      if (from === undefined || to === undefined) {
        this.changed.push({
          scope: clean(scope),
          field: clean(field),
          change: from === undefined ? 'added' : 'removed',
        });
      } else if (from === to) {
        this.unchanged.push({ scope: clean(scope), field: clean(field), change: 'unchanged' });
      } else {
        const entry: DiffEntry = {
          scope: clean(scope),
          field: clean(field),
          change: 'changed',
          before: clean(from),
          after: clean(to),
        };
        if (looksSecret(key)) entry.secret = true;
        this.changed.push(entry);
      }
    }
  }
}

const text = (value: string | number | boolean | undefined): string | undefined =>
  value === undefined ? undefined : String(value);

/** A list shown as one value: words joined by spaces, JSON when an item holds a space (so the split shows). */
function words(list: readonly string[] | undefined): string | undefined {
  if (list === undefined) return undefined;
  return list.some((item) => /\s/.test(item) || item === '') ? JSON.stringify(list) : list.join(' ');
}

/** name -> value (an environment) or name -> valueFrom (secrets), the last entry winning as in Docker. */
function byName(list: readonly (NameValue | SecretReference)[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of list ?? []) {
    if (typeof item?.name !== 'string') continue;
    out.set(item.name, ('value' in item ? item.value : 'valueFrom' in item ? item.valueFrom : undefined) ?? '');
  }
  return out;
}

function ports(container: ContainerDefinitionSummary): string | undefined {
  const list = container.portMappings;
  if (list === undefined || list.length === 0) return undefined;
  return list
    .map(
      (p) => `${p.containerPort ?? '?'}/${p.protocol ?? 'tcp'}${p.hostPort !== undefined ? ` host ${p.hostPort}` : ''}`,
    )
    .sort()
    .join(', ');
}

function healthCheck(container: ContainerDefinitionSummary): string | undefined {
  const check = container.healthCheck;
  if (!check) return undefined;
  const parts = [words(check.command) ?? '(no command)'];
  if (check.interval !== undefined) parts.push(`every ${check.interval}s`);
  if (check.timeout !== undefined) parts.push(`timeout ${check.timeout}s`);
  if (check.retries !== undefined) parts.push(`retries ${check.retries}`);
  if (check.startPeriod !== undefined) parts.push(`start period ${check.startPeriod}s`);
  return parts.join(', ');
}

function placement(definition: TaskDefinition): string | undefined {
  const list = definition.placementConstraints;
  if (list === undefined || list.length === 0) return undefined;
  return list
    .map((c) => `${c.type ?? '?'}${c.expression ? ` ${c.expression}` : ''}`)
    .sort()
    .join('; ');
}

function compareImages(out: Collector, scope: string, before?: string, after?: string): void {
  if (before === undefined || after === undefined || before === after) {
    out.compare(scope, 'image', before, after);
    return;
  }
  const from = splitImage(before);
  const to = splitImage(after);
  if (from.repository !== to.repository) {
    out.compare(scope, 'image', before, after);
    return;
  }
  // Same repository: name what moved (the tag, the digest), with the repository unchanged beside it.
  out.compare(scope, 'image repository', from.repository, to.repository);
  out.compare(scope, 'image tag', from.tag, to.tag);
  out.compare(scope, 'image digest', from.digest, to.digest);
}

function compareContainers(
  out: Collector,
  before: ContainerDefinitionSummary | undefined,
  after: ContainerDefinitionSummary | undefined,
): void {
  const scope = after?.name ?? before?.name ?? '(unnamed)';
  if (!before || !after) {
    out.compare(scope, 'container', before ? (before.image ?? '') : undefined, after ? (after.image ?? '') : undefined);
    return;
  }
  compareImages(out, scope, before.image, after.image);
  out.compare(scope, 'essential', text(before.essential ?? true), text(after.essential ?? true));
  out.compare(scope, 'cpu', text(before.cpu), text(after.cpu));
  out.compare(scope, 'memory', text(before.memory), text(after.memory));
  out.compare(scope, 'memory reservation', text(before.memoryReservation), text(after.memoryReservation));
  out.compare(scope, 'entryPoint', words(before.entryPoint), words(after.entryPoint));
  out.compare(scope, 'command', words(before.command), words(after.command));
  out.compareKeys(scope, 'env', byName(before.environment), byName(after.environment));
  // Secrets are references (an ARN or parameter name), never the value: shown like any other field.
  const secretsBefore = byName(before.secrets);
  const secretsAfter = byName(after.secrets);
  for (const name of [...new Set([...secretsBefore.keys(), ...secretsAfter.keys()])].sort()) {
    out.compare(scope, `secret ${name}`, secretsBefore.get(name), secretsAfter.get(name));
  }
  out.compare(scope, 'ports', ports(before), ports(after));
  out.compare(scope, 'health check', healthCheck(before), healthCheck(after));
  const logBefore = before.logConfiguration;
  const logAfter = after.logConfiguration;
  out.compare(scope, 'log driver', logBefore?.logDriver, logAfter?.logDriver);
  const optionsBefore = new Map(Object.entries(logBefore?.options ?? {}));
  const optionsAfter = new Map(Object.entries(logAfter?.options ?? {}));
  for (const name of [...new Set([...optionsBefore.keys(), ...optionsAfter.keys()])].sort()) {
    out.compare(scope, `log option ${name}`, optionsBefore.get(name), optionsAfter.get(name));
  }
  const logSecretsBefore = byName(logBefore?.secretOptions);
  const logSecretsAfter = byName(logAfter?.secretOptions);
  for (const name of [...new Set([...logSecretsBefore.keys(), ...logSecretsAfter.keys()])].sort()) {
    out.compare(scope, `log secret ${name}`, logSecretsBefore.get(name), logSecretsAfter.get(name));
  }
  out.compare(scope, 'stop timeout', text(before.stopTimeout), text(after.stopTimeout));
}

/**
 * Containers paired by name; when exactly one on each side is left unpaired (a renamed single container), those two
 * are compared with each other rather than shown as one removed and one added.
 */
function pairContainers(
  before: readonly ContainerDefinitionSummary[],
  after: readonly ContainerDefinitionSummary[],
): [ContainerDefinitionSummary | undefined, ContainerDefinitionSummary | undefined][] {
  const pairs: [ContainerDefinitionSummary | undefined, ContainerDefinitionSummary | undefined][] = [];
  const leftBefore = [...before];
  const leftAfter: ContainerDefinitionSummary[] = [];
  for (const container of after) {
    const index = leftBefore.findIndex((other) => other.name === container.name);
    if (index >= 0) {
      pairs.push([leftBefore[index], container]);
      leftBefore.splice(index, 1);
    } else {
      leftAfter.push(container);
    }
  }
  if (leftBefore.length === 1 && leftAfter.length === 1) {
    pairs.push([leftBefore[0], leftAfter[0]]);
    return pairs;
  }
  for (const container of leftBefore) pairs.push([container, undefined]);
  for (const container of leftAfter) pairs.push([undefined, container]);
  return pairs;
}

/** Every compared field of `before` -> `after`, split into what changed and what did not. */
export function diffTaskDefinitions(before: TaskDefinition, after: TaskDefinition): TaskDefinitionDiff {
  const out = new Collector();
  out.compare('task', 'cpu', before.cpu, after.cpu);
  out.compare('task', 'memory', before.memory, after.memory);
  out.compare('task', 'network mode', before.networkMode, after.networkMode);
  out.compare('task', 'task role', before.taskRoleArn, after.taskRoleArn);
  out.compare('task', 'execution role', before.executionRoleArn, after.executionRoleArn);
  out.compare('task', 'placement constraints', placement(before), placement(after));
  const containersBefore = (before.containerDefinitions ?? []).filter((c) => c !== undefined && c !== null);
  const containersAfter = (after.containerDefinitions ?? []).filter((c) => c !== undefined && c !== null);
  for (const [from, to] of pairContainers(containersBefore, containersAfter)) compareContainers(out, from, to);
  return { changed: out.changed, unchanged: out.unchanged };
}

// ---------------------------------------------------------------- which revision came before

/** The revision number of a task definition ARN or `family:revision` reference. */
export function revisionOf(reference: string): number | undefined {
  const name = parseArn(reference)?.resource ?? reference;
  const match = /:(\d+)$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

export interface RevisionPair {
  /** The PRIMARY deployment's task definition (the service's when it lists no deployments). */
  primary?: string;
  /**
   * The revision the PRIMARY replaces while a rollout is in flight: the newest ACTIVE deployment's, when it differs.
   * Undefined when no rollout is in flight: the family's previous revision is then the one before (previousInFamily).
   */
  rollingFrom?: string;
}

export function revisionPair(service: Pick<Service, 'deployments' | 'taskDefinition'>): RevisionPair {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? service.taskDefinition;
  const active = deployments
    .filter((d) => d.status === 'ACTIVE' && d.taskDefinition !== undefined && d.taskDefinition !== primary)
    .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))[0];
  return {
    ...(primary !== undefined ? { primary } : {}),
    ...(active?.taskDefinition !== undefined ? { rollingFrom: active.taskDefinition } : {}),
  };
}

/**
 * The family's revision before `primary` among `revisions` (ListTaskDefinitions ARNs, any order): the highest
 * revision number below the primary's, of the same family. Undefined when there is none.
 */
export function previousInFamily(primary: string, revisions: readonly string[]): string | undefined {
  const family = taskDefinitionFamily(primary);
  const current = revisionOf(primary);
  if (family === undefined || current === undefined) return undefined;
  let best: { arn: string; revision: number } | undefined;
  for (const arn of revisions) {
    if (typeof arn !== 'string' || taskDefinitionFamily(arn) !== family) continue;
    const revision = revisionOf(arn);
    if (revision === undefined || revision >= current) continue;
    if (!best || revision > best.revision) best = { arn, revision };
  }
  return best?.arn;
}
