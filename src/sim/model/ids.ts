/** Identifiers in the shapes ECS and EC2 use, all drawn from a seeded source so a seed replays them exactly. */
import type { SeededRandom } from '../../lib/random.ts';

export class IdSource {
  readonly #random: SeededRandom;
  /** One digest per image, as a registry would answer for an unchanged tag. */
  readonly #digests = new Map<string, string>();

  constructor(random: SeededRandom) {
    this.#random = random;
  }

  /** Task and container instance ids: 32 lower-case hex. */
  resourceId(): string {
    return this.#random.hex(32);
  }
  ec2InstanceId(): string {
    return `i-${this.#random.hex(17)}`;
  }
  networkInterfaceId(): string {
    return `eni-${this.#random.hex(17)}`;
  }
  subnetId(): string {
    return `subnet-${this.#random.hex(17)}`;
  }
  amiId(): string {
    return `ami-${this.#random.hex(17)}`;
  }
  uuid(): string {
    return this.#random.uuid();
  }
  /** Deployment and task set ids: `ecs-svc/` and 19 digits. */
  ecsServiceId(): string {
    return `ecs-svc/${this.#random.digits(19)}`;
  }
  /** Docker container ids are 64 hex. */
  runtimeId(): string {
    return this.#random.hex(64);
  }
  imageDigest(image: string): string {
    let digest = this.#digests.get(image);
    if (digest === undefined) {
      digest = `sha256:${this.#random.hex(64)}`;
      this.#digests.set(image, digest);
    }
    return digest;
  }
  macAddress(): string {
    const hex = this.#random.hex(10);
    // 0a: a locally administered unicast prefix, as EC2 hands out.
    return ['0a', ...(hex.match(/../g) ?? [])].join(':');
  }
  /** A private address in the 10.0.0.0/16 VPC every simulated subnet lives in. */
  privateIpv4(): string {
    return `10.0.${this.#random.int(0, 255)}.${this.#random.int(4, 254)}`;
  }
}

/** The EC2-internal DNS name of a private address, e.g. ip-10-0-1-23.ec2.internal. */
export function privateDnsName(ip: string, region: string): string {
  const host = `ip-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}
