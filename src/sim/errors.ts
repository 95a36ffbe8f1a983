/** An ECS error as the simulator raises it; the protocol layer turns it into `{"__type","message"}`. */
export class SimError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status?: number) {
    super(message);
    this.name = 'SimError';
    this.type = type;
    this.status = status ?? (type === 'ServerException' ? 500 : 400);
  }
}

export const invalidParameter = (message: string) => new SimError('InvalidParameterException', message);
export const clientError = (message: string) => new SimError('ClientException', message);
export const clusterNotFound = () => new SimError('ClusterNotFoundException', 'Cluster not found.');
export const serviceNotFound = () => new SimError('ServiceNotFoundException', 'Service not found.');
export const serviceNotActive = () => new SimError('ServiceNotActiveException', 'Service was not ACTIVE.');

/** One entry of an ECS `failures` array. */
export interface SimFailure {
  arn?: string;
  reason?: string;
  detail?: string;
}
