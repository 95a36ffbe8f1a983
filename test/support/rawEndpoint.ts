/**
 * An HTTP endpoint that misbehaves as a test tells it to (never answers, trickles, pages without end), for the
 * cases the simulator does not model. The real SDK talks to it over a real socket.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const open: RawEndpoint[] = [];

/** Closes every endpoint opened since the last call (afterEach). */
export async function closeRawEndpoints(): Promise<void> {
  for (const endpoint of open.splice(0)) await endpoint.close();
}

export interface RawEndpoint {
  url: string;
  /** Requests received, by X-Amz-Target operation. */
  operations: string[];
  /** Sockets the server has seen close. */
  closedSockets: () => number;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 that answers each request with `answer`, once its body is read. */
export async function rawEndpoint(answer: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const operations: string[] = [];
  const sockets = new Set<Socket>();
  let closed = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      operations.push(
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '',
      );
      answer(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closed++;
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const endpoint: RawEndpoint = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    operations,
    closedSockets: () => closed,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolveClose());
      }),
  };
  open.push(endpoint);
  return endpoint;
}
