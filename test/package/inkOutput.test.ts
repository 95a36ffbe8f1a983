/**
 * The bundle's Ink draws a frame row by row and redraws only the rows whose writes changed (esbuild.config.ts,
 * inkCachesAcrossFrames): the same text as Ink's own Output for the same operations, frame after frame, through
 * clips, wide characters cut at an edge, overlapping writes, transformers and escape codes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inkCachesAcrossFrames } from '../../esbuild.config.ts';
import { inkModuleWith } from './inkModule.ts';

type Transformer = (line: string, index: number) => string;
interface OutputInstance {
  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void;
  clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string; height: number };
}
type OutputClass = (new (options: {
  width: number;
  height: number;
}) => OutputInstance) & {
  prototype: { drawRow?: (...args: unknown[]) => string };
};

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const int = (from: number, to: number) => from + Math.floor(next() * (to - from + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  return { next, int, pick };
}

const PIECES = [
  'api',
  '✓ ok',
  '▲ degraded',
  '  6/6/0 ',
  '43%',
  '▂▃▅▇',
  '漢字',
  '👍🏽',
  'é',
  'a\u200bb',
  '│',
  '\x1b[31mred\x1b[39m',
  '\x1b[1mbold\x1b[22m',
  '\x1b[7m\x1b[36msel\x1b[39m\x1b[27m',
  ' ',
  '…',
];
const TRANSFORMERS: Transformer[] = [
  (line) => `\x1b[2m${line}\x1b[22m`,
  (line, index) => (index % 2 === 0 ? line.toUpperCase() : line),
  (line) => `\x1b[44m${line}\x1b[49m`,
];

interface Operation {
  kind: 'write' | 'clip' | 'unclip';
  x?: number;
  y?: number;
  text?: string;
  transformers?: Transformer[];
  clip?: { x1?: number; x2?: number; y1?: number; y2?: number };
}

function randomText(random: ReturnType<typeof generator>): string {
  const lines = random.int(1, 3);
  const parts: string[] = [];
  for (let line = 0; line < lines; line++) {
    let text = '';
    for (let piece = random.int(1, 6); piece > 0; piece--) text += random.pick(PIECES);
    parts.push(text);
  }
  return parts.join('\n');
}

function randomFrame(random: ReturnType<typeof generator>, width: number, height: number): Operation[] {
  const operations: Operation[] = [];
  let open = 0;
  for (let count = random.int(1, 30); count > 0; count--) {
    const roll = random.next();
    if (roll < 0.15) {
      const x1 = random.int(-2, width);
      const y1 = random.int(-2, height);
      const clip: Operation['clip'] = {};
      if (random.next() < 0.8) Object.assign(clip, { x1, x2: x1 + random.int(-1, width) });
      if (random.next() < 0.8) Object.assign(clip, { y1, y2: y1 + random.int(-1, height) });
      operations.push({ kind: 'clip', clip });
      open++;
    } else if (roll < 0.22 && open > 0) {
      operations.push({ kind: 'unclip' });
      open--;
    } else {
      const transformers = TRANSFORMERS.filter(() => random.next() < 0.25);
      operations.push({
        kind: 'write',
        x: random.int(-3, width + 2),
        y: random.int(-2, height + 1),
        text: randomText(random),
        transformers,
      });
    }
  }
  return operations;
}

function draw(Output: OutputClass, width: number, height: number, operations: Operation[]): string {
  const output = new Output({ width, height });
  for (const operation of operations) {
    if (operation.kind === 'clip') output.clip(operation.clip ?? {});
    else if (operation.kind === 'unclip') output.unclip();
    else
      output.write(operation.x ?? 0, operation.y ?? 0, operation.text ?? '', {
        transformers: operation.transformers ?? [],
      });
  }
  const { output: text, height: drawnHeight } = output.get();
  return `${drawnHeight}\n${text}`;
}

describe("the bundle's Ink output, drawn row by row", () => {
  let directory: string;
  let original: OutputClass;
  let byRows: OutputClass;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ecsdeck-output-'));
    original = await inkModuleWith<OutputClass>('output.js', [], directory, 'original');
    byRows = await inkModuleWith<OutputClass>('output.js', [inkCachesAcrossFrames], directory, 'by-rows');
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('draws what Ink draws for the same operations, frame after frame', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const random = generator(seed);
      const width = random.int(1, 40);
      const height = random.int(1, 8);
      let frame = randomFrame(random, width, height);
      // Frames that follow one another change a write or two, as a screen does: most rows come from the last frame.
      for (let step = 0; step < 4; step++) {
        expect(draw(byRows, width, height, frame), `seed ${seed} step ${step}`).toBe(
          draw(original, width, height, frame),
        );
        frame = frame.map((operation) =>
          operation.kind === 'write' && random.next() < 0.15 ? { ...operation, text: randomText(random) } : operation,
        );
      }
    }
  });

  it('redraws only the rows whose writes changed since the last frame', () => {
    const drawRow = byRows.prototype.drawRow;
    expect(drawRow).toBeTypeOf('function');
    let drawn = 0;
    byRows.prototype.drawRow = function (this: unknown, ...args: unknown[]) {
      drawn++;
      return Reflect.apply(drawRow as (...args: unknown[]) => string, this, args) as string;
    };
    try {
      const rows = Array.from({ length: 40 }, (_, row) => ({
        kind: 'write' as const,
        x: 2,
        y: row,
        text: `service-${row}   ✓ ok   6/6/0   ${row}s`,
        transformers: [TRANSFORMERS[0] as Transformer],
      }));
      const frame = [{ kind: 'clip' as const, clip: { x1: 0, x2: 120, y1: 0, y2: 40 } }, ...rows];
      const first = draw(byRows, 120, 40, frame);
      drawn = 0;
      expect(draw(byRows, 120, 40, frame)).toBe(first);
      expect(drawn).toBe(0);
      const oneAgeOlder = frame.map((operation) =>
        operation.kind === 'write' && operation.y === 7 ? { ...operation, text: `${operation.text}!` } : operation,
      );
      expect(draw(byRows, 120, 40, oneAgeOlder)).toBe(draw(original, 120, 40, oneAgeOlder));
      expect(drawn).toBe(1);
    } finally {
      byRows.prototype.drawRow = drawRow;
    }
  });
});
