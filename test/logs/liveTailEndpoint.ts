/**
 * Event-stream frames as CloudWatch Logs sends a live tail (application/vnd.amazon.eventstream), encoded with the
 * SDK's own codec, for raw endpoints in tests that need a session held open, cut or refused at will.
 */
import type { ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/core/event-streams';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
);

function frame(headers: Record<string, string>, body: unknown): Uint8Array {
  return codec.encode({
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, { type: 'string', value }])),
    body: Buffer.from(JSON.stringify(body), 'utf8'),
  });
}

export function eventFrame(eventType: 'sessionStart' | 'sessionUpdate', body: unknown): Uint8Array {
  return frame({ ':message-type': 'event', ':event-type': eventType, ':content-type': 'application/json' }, body);
}

export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return frame(
    { ':message-type': 'exception', ':exception-type': exceptionType, ':content-type': 'application/json' },
    { message },
  );
}

/** Starts a live tail answer: the headers now, the frames as the test writes them. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'live-1' });
  res.flushHeaders();
}

/** A JSON 1.1 error answer. */
export function errorAnswer(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ __type: type, message }));
}

export function jsonAnswer(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}
