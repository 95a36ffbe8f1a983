import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  listScenarioNames,
  readScenario,
  SCENARIO_DIR,
  scenarioFromDocument,
} from '../../../src/sim/scenario/files.ts';
import { apportion } from '../../../src/sim/scenario/large.ts';
import { ScenarioError } from '../../../src/sim/scenario/load.ts';

const demoText = readFileSync(join(SCENARIO_DIR, 'demo.json'), 'utf8');
/** A fresh, mutable copy of the demo document (tests poke at arbitrary JSON paths). */
// biome-ignore lint/suspicious/noExplicitAny: free-form JSON edited by path in each test
const demoDocument = () => JSON.parse(demoText) as Record<string, any>;

const scratch = mkdtempSync(join(tmpdir(), 'ecsdeck-scenario-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeScenario(name: string, content: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The ScenarioError a document gives, read from a file like the simulator reads it. */
function errorOf(name: string, content: unknown): ScenarioError {
  const path = writeScenario(name, content);
  try {
    readScenario(path);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error(`expected ${name} to be rejected`);
}

describe('shipped scenarios', () => {
  it('lists demo and large', () => {
    expect(listScenarioNames()).toEqual(expect.arrayContaining(['demo', 'large']));
  });

  it('reads the demo by name, with its three clusters and script', () => {
    const { scenario, source } = readScenario('demo');
    expect(source).toBe(join('assets', 'scenarios', 'demo.json'));
    expect(scenario.name).toBe('demo');
    expect(scenario.warmupSeconds).toBe(600);
    expect(scenario.clusters.map((cluster) => cluster.name)).toEqual(['prod', 'batch', 'staging']);
    const prod = scenario.clusters[0];
    expect(prod?.services.map((service) => service.name)).toEqual(['web', 'api', 'payments', 'log-router']);
    expect(prod?.instances.reduce((sum, group) => sum + group.count, 0)).toBe(6);
    expect(scenario.script.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['updateService', 'runTask', 'shiftTaskSets']),
    );
  });

  it('reads the demo by path too, relative to the working directory', () => {
    const { scenario, source } = readScenario('assets/scenarios/demo.json', join(SCENARIO_DIR, '..', '..'));
    expect(source).toBe('assets/scenarios/demo.json');
    expect(scenario.clusters).toHaveLength(3);
  });

  it('expands the large generator to about 20 clusters, 500 services, 400 instances and 10,000 tasks', () => {
    const { scenario } = readScenario('large');
    const services = scenario.clusters.flatMap((cluster) => cluster.services);
    const instances = scenario.clusters.reduce(
      (sum, cluster) => sum + cluster.instances.reduce((n, group) => n + group.count, 0),
      0,
    );
    const tasks =
      services.reduce((sum, service) => sum + (service.desiredCount ?? 0), 0) +
      scenario.clusters.reduce((sum, cluster) => sum + cluster.tasks.reduce((n, task) => n + task.count, 0), 0);
    expect(scenario.clusters).toHaveLength(20);
    expect(services).toHaveLength(500);
    expect(instances).toBe(400);
    expect(tasks).toBe(10_000);
    const failing = scenario.taskDefinitions.filter((definition) =>
      definition.behaviour?.outcomes.some((outcome) => outcome.kind === 'oom' || outcome.kind === 'exits'),
    );
    expect(failing.length).toBeGreaterThanOrEqual(2);
  });

  it('generates the same large layout every time', () => {
    expect(JSON.stringify(readScenario('large').scenario)).toBe(JSON.stringify(readScenario('large').scenario));
  });
});

describe('apportion', () => {
  it('splits a total by weight, at least one each, summing exactly', () => {
    const counts = apportion(100, [1, 1, 2, 6]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(counts.every((count) => count >= 1)).toBe(true);
    expect(counts[3]).toBeGreaterThan(counts[0] ?? 0);
    expect(apportion(3, [100, 1, 1])).toEqual([1, 1, 1]);
  });
});

describe('a bad scenario is one error naming the file and the field', () => {
  it('names a bad desiredCount with its full path', () => {
    const document = demoDocument();
    document.clusters[2].services[1].desiredCount = -1;
    const error = errorOf('negative.json', document);
    expect(error.message).toBe(
      `${join(scratch, 'negative.json')}: clusters[2].services[1].desiredCount must be a non-negative integer (got -1)`,
    );
    expect(error.path).toBe('clusters[2].services[1].desiredCount');
  });

  it('keeps the path as the user gave it', () => {
    const document = demoDocument();
    document.clusters[0].services[0].desiredCount = 'four';
    const path = writeScenario('relative.json', document);
    expect(() => readScenario('relative.json', scratch)).toThrow(
      'relative.json: clusters[0].services[0].desiredCount must be a non-negative integer (got "four")',
    );
    expect(path).toContain(scratch);
  });

  it('rejects unknown fields instead of ignoring a typo', () => {
    const document = demoDocument();
    document.clusters[0].services[0].desiredcount = 4;
    expect(errorOf('typo.json', document).message).toMatch(
      /typo\.json: clusters\[0\]\.services\[0\]\.desiredcount is not a known field \(known here: .*desiredCount/,
    );
  });

  it('rejects an unknown member in every object it reads, naming its path', () => {
    const document = demoDocument();
    // Shapes the demo does not use, so that every kind of object the scenario format has is walked.
    const web = document.clusters[0].services[0];
    web.placementConstraints = [{ type: 'distinctInstance' }];
    web.networkConfiguration = { awsvpcConfiguration: { subnets: ['subnet-1'] } };
    document.clusters[0].instances[0].attributes = [{ name: 'ecs.os-type', value: 'linux' }];
    document.clusters[0].tasks[0].overrides = { containerOverrides: [{ name: 'app', command: ['true'] }] };
    expect(() => scenarioFromDocument(document, 'all.json', 'all')).not.toThrow();

    /** The path of every object in a JSON value, written as the scenario's messages write paths. */
    const objectPaths = (value: unknown, path: string): string[] => {
      if (Array.isArray(value)) return value.flatMap((item, index) => objectPaths(item, `${path}[${index}]`));
      if (typeof value !== 'object' || value === null) return [];
      // Labels and log driver options are data (any key is allowed), not fields.
      if (path.endsWith('.dockerLabels') || path.endsWith('.logConfiguration.options')) return [];
      return [
        path,
        ...Object.entries(value).flatMap(([key, member]) => objectPaths(member, path ? `${path}.${key}` : key)),
      ];
    };
    const paths = objectPaths(document, '');
    for (const shape of ['overrides.containerOverrides[0]', 'awsvpcConfiguration', 'placementConstraints[0]']) {
      expect(paths.some((path) => path.endsWith(shape))).toBe(true);
    }
    for (const path of paths) {
      const copy = structuredClone(document);
      // biome-ignore lint/suspicious/noExplicitAny: free-form JSON reached by path
      const target = path === '' ? copy : (new Function('d', `return d.${path}`)(copy) as Record<string, any>);
      target.unknownMember = 1;
      const field = path ? `${path}.unknownMember` : 'unknownMember';
      expect(() => scenarioFromDocument(copy, 'typo.json', 'typo'), path).toThrow(
        `typo.json: ${field} is not a known field (known here: `,
      );
    }
    // A generator document and its parameters too; `note` is a comment anywhere.
    const generated = { version: 1, generator: 'large', note: 'small', parameters: { clusters: 1, note: 'x' } };
    expect(() =>
      scenarioFromDocument({ ...generated, parameters: { clusters: 1, cluster: 2 } }, 'g.json', 'g'),
    ).toThrow(/^g\.json: parameters\.cluster is not a known field \(known here: clusters, /);
    expect(() => scenarioFromDocument({ ...generated, parameter: {} }, 'g.json', 'g')).toThrow(
      /^g\.json: parameter is not a known field \(known here: version, generator, parameters, name, description\)$/,
    );
  });

  it("reads a container definition's environment, secrets and entryPoint; the demo api revisions differ in tag and environment", () => {
    const document = demoDocument();
    const container = document.taskDefinitions[0].containerDefinitions[0];
    container.entryPoint = ['/bin/sh', '-c'];
    container.secrets = [{ name: 'DB_URL', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }];
    const scenario = scenarioFromDocument(document, 'env.json', 'env');
    const read = scenario.taskDefinitions[0]?.containerDefinitions[0];
    expect(read?.entryPoint).toEqual(['/bin/sh', '-c']);
    expect(read?.secrets).toEqual([{ name: 'DB_URL', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }]);
    const api = scenario.taskDefinitions.filter((definition) => definition.family === 'api');
    const [one, two] = api.map((definition) => definition.containerDefinitions[0]);
    expect([one?.image, two?.image].map((image) => image?.split(':').pop())).toEqual(['1.41.0', '1.42.0']);
    expect(one?.environment).toContainEqual({ key: 'LOG_LEVEL', value: 'info' });
    expect(two?.environment).toContainEqual({ key: 'LOG_LEVEL', value: 'debug' });
    container.environment = [{ name: 'A', value: 1 }];
    expect(errorOf('env-value.json', document).message).toContain(
      'taskDefinitions[0].containerDefinitions[0].environment[0].value must be a string',
    );
  });

  it('quotes a key that is not a plain name in the path', () => {
    const document = demoDocument();
    document.taskDefinitions[0].containerDefinitions[0].dockerLabels = { 'com.example.team': 7 };
    expect(errorOf('label-value.json', document).message).toContain(
      'taskDefinitions[0].containerDefinitions[0].dockerLabels["com.example.team"] must be a string',
    );
  });

  it('shows a bad value escaped, so it cannot steer the terminal', () => {
    const document = demoDocument();
    document.clusters[0].services[0].launchType = 'EC2\u001b[2J';
    const message = errorOf('escape.json', document).message;
    expect(message).toContain(
      'clusters[0].services[0].launchType must be one of EC2, FARGATE, EXTERNAL (got "EC2\\u001b[2J")',
    );
    expect(message).not.toContain('\u001b');
  });

  it('reports invalid JSON on one line', () => {
    const error = errorOf('broken.json', '{"version": 1, "clusters": [');
    expect(error.message).toMatch(/broken\.json: is not valid JSON \(/);
    expect(error.message).not.toContain('\n');
  });

  it('reports a missing file and an unknown scenario name', () => {
    expect(() => readScenario(join(scratch, 'absent.json'))).toThrow(`${join(scratch, 'absent.json')}: does not exist`);
    expect(() => readScenario('no-such-scenario')).toThrow(/no-such-scenario: is not a scenario name \(known: .*demo/);
  });

  it('checks the version', () => {
    const document = demoDocument();
    document.version = 2;
    expect(errorOf('version.json', document).message).toMatch(/version\.json: version must be 1/);
  });

  it('checks references to task definition revisions', () => {
    const document = demoDocument();
    document.clusters[0].services[1].taskDefinition = 'api:3';
    expect(errorOf('revision.json', document).message).toContain(
      'clusters[0].services[1].taskDefinition names "api:3", but this file defines api revisions 1-2',
    );
    document.clusters[0].services[1].taskDefinition = 'nope';
    expect(errorOf('family.json', document).message).toContain(
      'clusters[0].services[1].taskDefinition names task definition family "nope", which this file does not define',
    );
  });

  it('checks instance labels used by tasks and the script', () => {
    const document = demoDocument();
    document.clusters[2].tasks[0].instance = 'staging-9';
    expect(errorOf('label.json', document).message).toContain(
      'clusters[2].tasks[0].instance names instance "staging-9", which cluster "staging" does not have',
    );
    const scripted = demoDocument();
    const index = scripted.script.findIndex((entry: { action: string }) => entry.action === 'disconnectAgent');
    scripted.script[index].instance = 'xlarge-4';
    expect(errorOf('script-label.json', scripted).message).toContain(
      `script[${index}].instance names instance "xlarge-4"`,
    );
  });

  it('checks script entries: timing, action and cluster', () => {
    const both = demoDocument();
    both.script[0].at = 10;
    expect(errorOf('timing.json', both).message).toContain('script[0] needs exactly one of "at" or "every"');
    const action = demoDocument();
    action.script[1].action = 'explode';
    expect(errorOf('action.json', action).message).toMatch(/script\[1\]\.action must be one of runTask, updateService/);
    const cluster = demoDocument();
    cluster.script[1].cluster = 'qa';
    expect(errorOf('cluster.json', cluster).message).toContain(
      'script[1].cluster names cluster "qa", which is not defined',
    );
  });

  it('refuses Fargate for a task definition Fargate cannot run', () => {
    const document = demoDocument();
    const runTask = document.script.findIndex((entry: { action: string }) => entry.action === 'runTask');
    document.script[runTask].taskDefinition = 'web:1';
    document.script[runTask].cluster = 'batch';
    expect(errorOf('fargate.json', document).message).toContain(
      `script[${runTask}].taskDefinition names "web:1", which Fargate cannot run`,
    );
  });

  it('checks services: DAEMON without desiredCount, task sets only for EXTERNAL, unique names', () => {
    const daemon = demoDocument();
    daemon.clusters[0].services[3].desiredCount = 6;
    expect(errorOf('daemon.json', daemon).message).toContain(
      'clusters[0].services[3].desiredCount must not be set on a DAEMON service',
    );
    const sets = demoDocument();
    sets.clusters[2].services[1].taskSets = sets.clusters[2].services[0].taskSets;
    expect(errorOf('sets.json', sets).message).toContain('clusters[2].services[1].taskSets are only allowed with');
    const twice = demoDocument();
    twice.clusters[0].services[1].name = 'web';
    expect(errorOf('twice.json', twice).message).toContain('clusters[0].services[1].name repeats service name "web"');
  });

  it('checks behaviour outcomes', () => {
    const document = demoDocument();
    document.taskDefinitions[4].behaviour.outcomes[0].kind = 'explodes';
    expect(errorOf('outcome.json', document).message).toMatch(
      /taskDefinitions\[4\]\.behaviour\.outcomes\[0\]\.kind must be one of runs, exits, oom/,
    );
    const range = demoDocument();
    range.taskDefinitions[4].behaviour.outcomes[0].afterSecondsMax = 5;
    expect(errorOf('range.json', range).message).toContain(
      'taskDefinitions[4].behaviour.outcomes[0].afterSecondsMax must not be less than afterSeconds',
    );
  });

  it('validates generator parameters with their path', () => {
    const tooFew = { version: 1, generator: 'large', parameters: { clusters: 2, servicesPerCluster: 10, tasks: 5 } };
    expect(() => scenarioFromDocument(tooFew, 'x.json', 'x')).toThrow(
      'x.json: parameters.tasks must be at least 24 (one task per service plus the standalone tasks)',
    );
    const unknown = { version: 1, generator: 'huge' };
    expect(() => scenarioFromDocument(unknown, 'y.json', 'y')).toThrow('y.json: generator must be one of large');
  });

  it('accepts a small generated scenario', () => {
    const small = {
      version: 1,
      generator: 'large',
      parameters: { clusters: 2, instancesPerCluster: 4, servicesPerCluster: 3, tasks: 30, failingServices: 1 },
    };
    const scenario = scenarioFromDocument(small, 'small.json', 'small');
    expect(scenario.name).toBe('small');
    expect(scenario.clusters).toHaveLength(2);
    expect(scenario.clusters.flatMap((cluster) => cluster.services)).toHaveLength(6);
  });
});
