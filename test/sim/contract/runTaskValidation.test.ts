import {
  CreateClusterCommand,
  CreateServiceCommand,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type RunTaskCommandInput,
  StartTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ContractWorld,
  registerInstances,
  registerWebTaskDefinition,
  rejectionOf,
  startContractWorld,
} from '../helpers.ts';

/** What RunTask refuses before placing anything, and where it may place, with the wording ECS uses. */

const AWSVPC = { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'] } };

let world: ContractWorld;
let instances: string[];
let web: string;
beforeEach(async () => {
  world = await startContractWorld();
  await world.client.send(new CreateClusterCommand({ clusterName: 'prod' }));
  instances = await registerInstances(world.client, 'prod', 3);
  web = await registerWebTaskDefinition(world.client, 'web');
});
afterEach(async () => {
  await world.server.close();
});

function runTask(input: Partial<RunTaskCommandInput>) {
  return world.client.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: web, ...input }));
}

/** Task ARNs of cluster `prod`, any desired status. */
async function allTasks(): Promise<string[]> {
  const running = await world.client.send(new ListTasksCommand({ cluster: 'prod' }));
  const stopped = await world.client.send(new ListTasksCommand({ cluster: 'prod', desiredStatus: 'STOPPED' }));
  return [...(running.taskArns ?? []), ...(stopped.taskArns ?? [])];
}

async function registerFargateDefinition(family: string, taskRoleArn?: string): Promise<string> {
  const out = await world.client.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      ...(taskRoleArn ? { taskRoleArn } : {}),
      containerDefinitions: [{ name: 'job', image: 'example/job:1', essential: true }],
    }),
  );
  return out.taskDefinition?.taskDefinitionArn ?? '';
}

describe('RunTask refuses', () => {
  it('a networkConfiguration for a task definition that is not awsvpc (StartTask and CreateService too)', async () => {
    const message = 'Network Configuration is not valid for the given networkMode of this task definition.';
    const run = await rejectionOf(runTask({ networkConfiguration: AWSVPC }));
    expect(run.name).toBe('InvalidParameterException');
    expect(run.message).toBe(message);
    const start = await rejectionOf(
      world.client.send(
        new StartTaskCommand({
          cluster: 'prod',
          taskDefinition: web,
          containerInstances: [instances[0] as string],
          networkConfiguration: AWSVPC,
        }),
      ),
    );
    expect(start.name).toBe('InvalidParameterException');
    expect(start.message).toBe(message);
    const service = await rejectionOf(
      world.client.send(
        new CreateServiceCommand({
          cluster: 'prod',
          serviceName: 'web',
          taskDefinition: web,
          desiredCount: 1,
          networkConfiguration: AWSVPC,
        }),
      ),
    );
    expect(service.name).toBe('InvalidParameterException');
    expect(service.message).toBe(message);
    expect(await allTasks()).toEqual([]);
  });

  it('launchType EXTERNAL with no external instance, and never runs it on an EC2 instance', async () => {
    const refused = await rejectionOf(runTask({ launchType: 'EXTERNAL', count: 3 }));
    expect(refused.name).toBe('InvalidParameterException');
    expect(refused.message).toBe('No Container Instances were found in your cluster.');
    expect(await allTasks()).toEqual([]);

    // An ECS Anywhere instance registers with the external capability: EXTERNAL tasks go there and only there.
    const external = await world.client.send(
      new RegisterContainerInstanceCommand({
        cluster: 'prod',
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 15576 },
        ],
        attributes: [{ name: 'ecs.capability.external' }],
      }),
    );
    const externalArn = external.containerInstance?.containerInstanceArn;
    const placed = await runTask({ launchType: 'EXTERNAL', count: 3 });
    expect(placed.failures).toEqual([]);
    expect(placed.tasks?.map((t) => [t.launchType, t.containerInstanceArn])).toEqual([
      ['EXTERNAL', externalArn],
      ['EXTERNAL', externalArn],
      ['EXTERNAL', externalArn],
    ]);
    // And EC2 tasks never land on the external instance.
    const ec2 = await runTask({
      launchType: 'EC2',
      count: 10,
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
    });
    expect(ec2.tasks).toHaveLength(10);
    for (const task of ec2.tasks ?? []) {
      expect(task.launchType).toBe('EC2');
      expect(instances).toContain(task.containerInstanceArn);
    }
  });

  it('a platformVersion with the EC2 launch type, and one Fargate does not have', async () => {
    const ec2 = await rejectionOf(runTask({ launchType: 'EC2', platformVersion: '1.4.0' }));
    expect(ec2.name).toBe('InvalidParameterException');
    expect(ec2.message).toBe('The platform version must be null when specifying an EC2 launch type.');
    const service = await rejectionOf(
      world.client.send(
        new CreateServiceCommand({
          cluster: 'prod',
          serviceName: 'web',
          taskDefinition: web,
          launchType: 'EC2',
          platformVersion: 'LATEST',
        }),
      ),
    );
    expect(service.message).toBe('The platform version must be null when specifying an EC2 launch type.');

    await world.client.send(new CreateClusterCommand({ clusterName: 'batch', capacityProviders: ['FARGATE'] }));
    const job = await registerFargateDefinition('job');
    const fargate = {
      cluster: 'batch',
      taskDefinition: job,
      launchType: 'FARGATE' as const,
      networkConfiguration: AWSVPC,
    };
    const unknown = await rejectionOf(world.client.send(new RunTaskCommand({ ...fargate, platformVersion: '1.9.0' })));
    expect(unknown.name).toBe('PlatformUnknownException');
    expect(unknown.message).toBe("The specified platform version doesn't exist.");
    const known = await world.client.send(new RunTaskCommand({ ...fargate, platformVersion: '1.4.0' }));
    expect(known.tasks?.[0]?.platformVersion).toBe('1.4.0');
  });

  it('enableExecuteCommand when neither the task definition nor an override gives a task role', async () => {
    const refused = await rejectionOf(runTask({ enableExecuteCommand: true }));
    expect(refused.name).toBe('InvalidParameterException');
    expect(refused.message).toBe(
      'The execute command failed because a valid task role is not being used. Specify a valid task role in your task definition or as a task override and try again.',
    );
    const start = await rejectionOf(
      world.client.send(
        new StartTaskCommand({
          cluster: 'prod',
          taskDefinition: web,
          containerInstances: [instances[0] as string],
          enableExecuteCommand: true,
        }),
      ),
    );
    expect(start.name).toBe('InvalidParameterException');
    expect(await allTasks()).toEqual([]);

    const role = 'arn:aws:iam::123456789012:role/web-task';
    const overridden = await runTask({ enableExecuteCommand: true, overrides: { taskRoleArn: role } });
    expect(overridden.tasks?.[0]?.enableExecuteCommand).toBe(true);
    await world.client.send(new CreateClusterCommand({ clusterName: 'batch', capacityProviders: ['FARGATE'] }));
    const withRole = await registerFargateDefinition('job', role);
    const own = await world.client.send(
      new RunTaskCommand({
        cluster: 'batch',
        taskDefinition: withRole,
        launchType: 'FARGATE',
        networkConfiguration: AWSVPC,
        enableExecuteCommand: true,
      }),
    );
    expect(own.tasks?.[0]?.enableExecuteCommand).toBe(true);
  });

  it('a capacity provider the cluster is not associated with, saying so', async () => {
    const message =
      'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.';
    const job = await registerFargateDefinition('job');
    await world.client.send(new CreateClusterCommand({ clusterName: 'batch', capacityProviders: ['FARGATE'] }));
    const run = (capacityProvider: string) =>
      world.client.send(
        new RunTaskCommand({
          cluster: 'batch',
          taskDefinition: job,
          capacityProviderStrategy: [{ capacityProvider, weight: 1 }],
          networkConfiguration: AWSVPC,
        }),
      );
    const spot = await rejectionOf(run('FARGATE_SPOT'));
    expect(spot.name).toBe('InvalidParameterException');
    expect(spot.message).toBe(message);
    const onDemand = await run('FARGATE');
    expect(onDemand.tasks?.[0]?.capacityProviderName).toBe('FARGATE');

    // A cluster with no provider at all, and a cluster whose default strategy names one it does not have.
    const prod = await rejectionOf(
      world.client.send(
        new RunTaskCommand({
          cluster: 'prod',
          taskDefinition: job,
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }],
          networkConfiguration: AWSVPC,
        }),
      ),
    );
    expect(prod.message).toBe(message);
    const cluster = await rejectionOf(
      world.client.send(
        new CreateClusterCommand({
          clusterName: 'mixed',
          capacityProviders: ['FARGATE'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        }),
      ),
    );
    expect(cluster.name).toBe('InvalidParameterException');
    expect(cluster.message).toBe(message);
  });
});
