/** What a task asks of its host: CPU units, MiB and static host ports, after overrides. */
import type { ContainerDefinition, ContainerOverride, SimTaskDefinition, TaskOverrides } from './types.ts';

export interface TaskSize {
  /** Units and MiB reserved on the instance. */
  cpu: number;
  memory: number;
  /** The task's `cpu`/`memory` strings: the task-level size, else the sum of the containers. */
  cpuText: string;
  memoryText: string;
}

export function containerOverrideFor(overrides: TaskOverrides, name: string): ContainerOverride | undefined {
  return overrides.containerOverrides.find((o) => o.name === name);
}

/** A container's CPU and memory after its override. */
export function effectiveContainer(definition: ContainerDefinition, override: ContainerOverride | undefined) {
  return {
    cpu: override?.cpu ?? definition.cpu,
    memory: override?.memory ?? definition.memory,
    memoryReservation: override?.memoryReservation ?? definition.memoryReservation,
  };
}

export function taskSize(definition: SimTaskDefinition, overrides: TaskOverrides): TaskSize {
  let containerCpu = 0;
  let containerMemory = 0;
  for (const container of definition.containerDefinitions) {
    const effective = effectiveContainer(container, containerOverrideFor(overrides, container.name));
    containerCpu += effective.cpu ?? 0;
    // The hard limit when given, else the soft reservation: what ECS reserves on the instance.
    containerMemory += effective.memory ?? effective.memoryReservation ?? 0;
  }
  const taskCpu = parseSize(overrides.cpu ?? definition.cpu);
  const taskMemory = parseSize(overrides.memory ?? definition.memory);
  const cpu = taskCpu ?? containerCpu;
  const memory = taskMemory ?? containerMemory;
  return { cpu, memory, cpuText: String(cpu), memoryText: String(memory) };
}

/**
 * ECS accepts task sizes as units or MiB ("1024") or with a unit ("1 vCPU", "2 GB"); the simulator needs numbers.
 */
export function parseSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(vcpu|gb)?\s*$/i.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] ? Math.round(amount * 1024) : Math.round(amount);
}

/** Host ports a task holds on its instance: static hostPorts in bridge mode, container ports in host mode. */
export function staticHostPorts(definition: SimTaskDefinition): number[] {
  const ports: number[] = [];
  if (definition.networkMode !== 'bridge' && definition.networkMode !== 'host') return ports;
  for (const container of definition.containerDefinitions) {
    for (const mapping of container.portMappings) {
      const port = definition.networkMode === 'host' ? (mapping.hostPort ?? mapping.containerPort) : mapping.hostPort;
      if (port !== undefined && port > 0) ports.push(port);
    }
  }
  return ports;
}
