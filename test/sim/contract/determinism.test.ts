import { afterEach, describe, expect, it } from 'vitest';
import { type ContractWorld, rawCall, startContractWorld } from '../helpers.ts';

const worlds: ContractWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.server.close()));
});

interface Exchange {
  status: number;
  requestId: string | null;
  body: string;
}

/** Builds a small state through the API, lets time run, and reads it back; returns every raw exchange. */
async function script(world: ContractWorld): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  const call = async (operation: string, body: unknown) => {
    const response = await rawCall(world.url, operation, JSON.stringify(body));
    exchanges.push({
      status: response.status,
      requestId: response.headers.get('x-amzn-requestid'),
      body: response.text,
    });
    return JSON.parse(response.text) as Record<string, unknown>;
  };
  await call('CreateCluster', { clusterName: 'prod' });
  for (let i = 0; i < 3; i++) {
    await call('RegisterContainerInstance', {
      cluster: 'prod',
      instanceIdentityDocument: JSON.stringify({
        instanceId: `i-${i}`,
        availabilityZone: `us-east-1${'abc'[i]}`,
        instanceType: 'm5.large',
      }),
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 7680 },
      ],
    });
  }
  await call('RegisterTaskDefinition', {
    family: 'web',
    containerDefinitions: [
      { name: 'app', image: 'nginx', memory: 256, cpu: 128, portMappings: [{ containerPort: 80 }] },
    ],
  });
  await call('CreateService', { cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 3 });
  await call('RunTask', { cluster: 'prod', taskDefinition: 'web', count: 2, startedBy: 'job' });
  world.advance(90);
  const listed = await call('ListTasks', { cluster: 'prod' });
  await call('DescribeTasks', { cluster: 'prod', tasks: listed.taskArns, include: ['TAGS'] });
  await call('DescribeServices', { cluster: 'prod', services: ['web'] });
  const instances = await call('ListContainerInstances', { cluster: 'prod' });
  await call('DescribeContainerInstances', { cluster: 'prod', containerInstances: instances.containerInstanceArns });
  await call('StopTask', { cluster: 'prod', task: (listed.taskArns as string[])[0], reason: 'determinism' });
  world.advance(60);
  await call('DescribeClusters', { clusters: ['prod'], include: ['STATISTICS'] });
  await call('ListTasks', { cluster: 'prod', desiredStatus: 'STOPPED' });
  await call('DescribeTasks', { cluster: 'prod', tasks: listed.taskArns });
  await call('DescribeServices', { cluster: 'prod', services: ['nope'] });
  return exchanges;
}

describe('determinism', () => {
  it('gives byte-identical responses and request ids for the same seed and requests', async () => {
    const a = await startContractWorld({ seed: 7 });
    const b = await startContractWorld({ seed: 7 });
    worlds.push(a, b);
    const first = await script(a);
    const second = await script(b);
    expect(first.every((e) => e.status === 200)).toBe(true);
    expect(second).toEqual(first);
    // The scripts really exercised time: tasks ran and one stopped.
    const lastDescribe = JSON.parse(first[first.length - 2]?.body ?? '{}') as { tasks: { lastStatus: string }[] };
    expect(lastDescribe.tasks.map((t) => t.lastStatus)).toContain('STOPPED');
  });

  it('differs for another seed', async () => {
    const a = await startContractWorld({ seed: 7 });
    const c = await startContractWorld({ seed: 8 });
    worlds.push(a, c);
    const first = await script(a);
    const other = await script(c);
    expect(other.map((e) => e.requestId)).not.toEqual(first.map((e) => e.requestId));
    expect(other.map((e) => e.body)).not.toEqual(first.map((e) => e.body));
  });
});
