/**
 * The demo simulator behind a relay that hides its /_sim routes: to ecsdeck it is a custom ECS endpoint (not
 * recognised as a simulator), so it gets the flight recorder a real account gets — a simulator's history belongs
 * to its own run and never reaches the state directory.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator } from '../../src/sim/index.ts';

export interface CustomEndpoint {
  url: string;
  close(): Promise<void>;
}

export async function startCustomEndpoint(): Promise<CustomEndpoint> {
  const simulator = await startSimulator({ scenario: 'demo', port: 0 });
  const relay = createServer((incoming, outgoing) => {
    if ((incoming.url ?? '').startsWith('/_sim')) {
      outgoing.writeHead(404).end();
      return;
    }
    const upstream = request(
      new URL(incoming.url ?? '/', simulator.url),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolveListen) => relay.listen(0, '127.0.0.1', resolveListen));
  return {
    url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    close: async () => {
      relay.closeAllConnections();
      await new Promise((resolveClose) => relay.close(resolveClose));
      await simulator.close();
    },
  };
}

/** What ecsdeck needs to call a custom endpoint: credentials of any value (the simulator ignores them). */
export const CUSTOM_ENDPOINT_ENV = {
  AWS_ACCESS_KEY_ID: 'ecsdeck-test',
  AWS_SECRET_ACCESS_KEY: 'ecsdeck-test',
  AWS_EC2_METADATA_DISABLED: 'true',
} as const;
