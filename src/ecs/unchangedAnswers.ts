/**
 * The last answer to each read request, kept by its bytes. An idle screen asks the same questions every few seconds
 * and ECS mostly answers them with the same bytes (a steady cluster's tasks, services and instances): when the body
 * of an answer is byte for byte the one that came back last time to the same request, the SDK's output built from it
 * then is handed out again instead of parsing, mapping and cleaning it anew (responseBody.ts does the swap). Callers
 * that keep what they derive from an output by its identity (the gateway's cleaned records) then do no work either,
 * and the store sees the very records it holds.
 *
 * Only the body is skipped: the request still goes out through the budget and its deadline, and an error or a
 * throttle answers as ever (only successful answers are kept). Bounded by the bytes it holds, oldest use first out.
 */

/** A steady focused cluster of a few thousand tasks and every other cluster's slow feeds. */
export const DEFAULT_UNCHANGED_ANSWER_BYTES = 4 * 2 ** 20;

interface Answer {
  bytes: Uint8Array;
  output: object;
}

/** The same bytes as a Buffer, not a copy. */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class UnchangedAnswers {
  readonly #maxBytes: number;
  readonly #answers = new Map<string, Answer>();
  #bytes = 0;

  constructor(maxBytes: number = DEFAULT_UNCHANGED_ANSWER_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** The output kept for `request` when its answer then had exactly these bytes. */
  match(request: string, bytes: Uint8Array): object | undefined {
    const answer = this.#answers.get(request);
    if (answer === undefined || !bufferOf(answer.bytes).equals(bytes)) return undefined;
    // Used again: the last to go.
    this.#answers.delete(request);
    this.#answers.set(request, answer);
    return answer.output;
  }

  remember(request: string, bytes: Uint8Array, output: object): void {
    this.#forget(request);
    if (bytes.byteLength > this.#maxBytes) return;
    this.#answers.set(request, { bytes, output });
    this.#bytes += bytes.byteLength;
    for (const oldest of this.#answers.keys()) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#forget(oldest);
    }
  }

  #forget(request: string): void {
    const answer = this.#answers.get(request);
    if (answer === undefined) return;
    this.#answers.delete(request);
    this.#bytes -= answer.bytes.byteLength;
  }
}
