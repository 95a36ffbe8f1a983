/**
 * The last answer to each read request, known by its bytes' digest, with the result the gateway built from it. An idle screen
 * asks the same questions every few seconds and ECS mostly answers them with the same bytes (a steady cluster's
 * tasks, services and instances): when the body of an answer is byte for byte the one that came back last time to
 * the same request, the result built then is handed out again: no SDK parsing, no cleaning, and the store is given
 * the very records it holds.
 *
 * How it flows: responseBody.ts, under the SDK's deserializer, sees each body. An answer it has a result for (same
 * request, same bytes) is not parsed: the SDK's output carries that result instead (`keptResult`). Any other answer
 * is parsed as ever, and its output carries where it came from (`answerOf`), for the gateway to `remember` what it
 * built. Only the body is skipped: the request still goes out through the budget and its deadline, and an error or
 * a throttle answers as ever. A request nobody remembered a result for is never skipped, so a caller that does not
 * take part gets the SDK's output as usual.
 *
 * Answers are compared by length and SHA-256 digest rather than kept whole: bodies held for minutes among the ones
 * freed every poll keep far more memory resident than their size. Bounded by the bytes of the answers whose results
 * it holds and by their number, oldest use first out.
 */
import { nodeCrypto } from '../lib/lazyBuiltins.ts';

/** A steady focused cluster of a few thousand tasks and every other cluster's slow feeds. */
export const DEFAULT_UNCHANGED_ANSWER_BYTES = 4 * 2 ** 20;
/** However small the answers, so many at most. */
const MAX_ANSWERS = 1000;

const ANSWER = Symbol('ecsdeck.answer');
const KEPT = Symbol('ecsdeck.keptResult');

/** Where a parsed answer came from: the request, and the answer's length and digest (`digestOf`). */
export interface AnswerSource {
  request: string;
  length: number;
  digest: string;
}

interface Answer {
  length: number;
  digest: string;
  result: unknown;
}

/** An answer's body as `match` and `remember` know it. */
export function digestOf(bytes: Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(bytes).digest('base64');
}

/** Marks a parsed output with where it came from (not enumerable: nothing that walks the output sees it). */
export function markAnswer(output: object, source: AnswerSource): void {
  Object.defineProperty(output, ANSWER, { value: source });
}

export function answerOf(output: unknown): AnswerSource | undefined {
  return typeof output === 'object' && output !== null ? (output as { [ANSWER]?: AnswerSource })[ANSWER] : undefined;
}

/** The output of an answer that was not parsed: the result kept for it, under this answer's `$metadata`. */
export function keptOutput(result: unknown, metadata: object): object {
  return { $metadata: metadata, [KEPT]: { result } };
}

export function keptResult(output: unknown): { result: unknown } | undefined {
  return typeof output === 'object' && output !== null ? (output as { [KEPT]?: { result: unknown } })[KEPT] : undefined;
}

export class UnchangedAnswers {
  readonly #maxBytes: number;
  readonly #answers = new Map<string, Answer>();
  #bytes = 0;

  constructor(maxBytes: number = DEFAULT_UNCHANGED_ANSWER_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** The result kept for `request` when its answer then had the same bytes (their length and digest). */
  match(request: string, length: number, digest: string): { result: unknown } | undefined {
    const answer = this.#answers.get(request);
    if (answer === undefined || answer.length !== length || answer.digest !== digest) return undefined;
    // Used again: the last to go.
    this.#answers.delete(request);
    this.#answers.set(request, answer);
    return { result: answer.result };
  }

  remember(source: AnswerSource, result: unknown): void {
    const { request, length, digest } = source;
    this.#forget(request);
    if (length > this.#maxBytes) return;
    this.#answers.set(request, { length, digest, result });
    this.#bytes += length;
    for (const oldest of this.#answers.keys()) {
      if (this.#bytes <= this.#maxBytes && this.#answers.size <= MAX_ANSWERS) break;
      this.#forget(oldest);
    }
  }

  #forget(request: string): void {
    const answer = this.#answers.get(request);
    if (answer === undefined) return;
    this.#answers.delete(request);
    this.#bytes -= answer.length;
  }
}
