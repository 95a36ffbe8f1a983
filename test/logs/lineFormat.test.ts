import { describe, expect, it } from 'vitest';
import { breakToWidth, FULL_MAX_CHARS, formatMessage, LINE_MAX_CHARS, prettyLines } from '../../src/logs/lineFormat.ts';

/** Nothing a terminal would act on: no C0 (but none at all here: lines are one line), no DEL/C1, no bidi controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach the terminal
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('formatMessage: hostile payloads', () => {
  it.each([
    ['a CSI colour and clear screen', 'boom \u001b[31mred\u001b[2J\u001b[H done', 'boom red done'],
    ['an OSC 52 clipboard write', 'x\u001b]52;c;ZXZpbA==\u0007y', 'xy'],
    ['an OSC 8 hyperlink', '\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\', 'click'],
    ['8-bit C1 CSI', 'a\u009b31mb', 'ab'],
    ['a DCS string', 'a\u001bPq#0;2;0;0;0\u001b\\b', 'ab'],
    ['bidi overrides', 'user \u202egnp.exe\u202c ok', 'user gnp.exe ok'],
    ['backspaces and bells', 'pass\u0008\u0008\u0008\u0008****\u0007', 'pass****'],
    ['a lone surrogate (bytes that were not UTF-8)', 'bad \ud800 byte', 'bad \ufffd byte'],
    ['carriage return overwriting', 'innocent\rrm -rf /', 'innocent rm -rf /'],
  ])('%s is removed', (_name, raw, expected) => {
    const formatted = formatMessage(raw);
    expect(formatted.text).toBe(expected);
    expect(formatted.text).not.toMatch(CONTROLS);
  });

  it('keeps a trailing newline out and joins a multi-line event into one line', () => {
    expect(formatMessage('first\nsecond\n').text).toBe('first second');
  });

  it('cuts a huge line to the line limit and keeps it whole (to the full limit) for the pretty view', () => {
    const huge = `${'x'.repeat(LINE_MAX_CHARS * 3)}\u001b[2J`;
    const formatted = formatMessage(huge);
    expect(formatted.text.length).toBe(LINE_MAX_CHARS);
    expect(formatted.text.endsWith('…')).toBe(true);
    expect(formatted.full).toBe('x'.repeat(LINE_MAX_CHARS * 3));
    const megabyte = formatMessage('y'.repeat(1_000_000));
    expect(megabyte.full?.length).toBe(FULL_MAX_CHARS);
    expect(formatMessage('short').full).toBeUndefined();
  });

  it('never throws on what is not a string', () => {
    expect(formatMessage(undefined)).toEqual({ text: '', json: false });
    expect(formatMessage(42).text).toBe('');
  });
});

describe('formatMessage: levels and JSON', () => {
  it.each([
    ['2026-12-03T02:00:00Z ERROR payments: charge failed', 'error'],
    ['[WARN] memory at 91%', 'warn'],
    ['FATAL: out of memory', 'fatal'],
    ['INFO started in 2.1s', 'info'],
    ['DEBUG cache miss', 'debug'],
    ['time=2026 level=warning msg="slow"', 'warn'],
    ['panic: runtime error: index out of range', undefined],
    ['PANIC runtime error', 'fatal'],
    ['no error here, all fine', undefined],
    ['ERRORS_TOTAL=0', undefined],
  ])('%s -> %s', (raw, level) => {
    expect(formatMessage(raw).level).toBe(level);
  });

  it('reads the level of a JSON line from its level field, words or pino numbers', () => {
    expect(formatMessage('{"level":"error","msg":"x"}')).toMatchObject({ json: true, level: 'error' });
    expect(formatMessage('{"severity":"WARNING"}').level).toBe('warn');
    expect(formatMessage('{"level":50,"msg":"pino"}').level).toBe('error');
    expect(formatMessage('{"log":{"level":"debug"}}').level).toBe('debug');
    expect(formatMessage('{"msg":"ERROR inside the text"}').level).toBe('error');
    expect(formatMessage('{"msg":"plain"}')).toEqual({ text: '{"msg":"plain"}', json: true });
  });

  it('does not take arrays, scalars or broken JSON for JSON lines', () => {
    expect(formatMessage('[1,2]').json).toBe(false);
    expect(formatMessage('{"unterminated": ').json).toBe(false);
    expect(formatMessage('{ not json }').json).toBe(false);
  });
});

describe('prettyLines', () => {
  it('pretty-prints a JSON line, control characters inside its strings escaped, never raw', () => {
    const kept = formatMessage('{"level":"error","msg":"bad \\u001b[2J thing","n":1}');
    const lines = prettyLines(kept.full ?? kept.text);
    expect(lines).toEqual(['{', '  "level": "error",', '  "msg": "bad \\u001b[2J thing",', '  "n": 1', '}']);
    for (const line of lines) expect(line).not.toMatch(CONTROLS);
  });

  it('shows any other line whole, broken to the width', () => {
    expect(prettyLines('abcdefghijklmnopqrst', 8)).toEqual(['abcdefgh', 'ijklmnop', 'qrst']);
  });
});

describe('breakToWidth', () => {
  it('breaks by cells, never inside a wide character', () => {
    expect(breakToWidth('日本語テキスト', 5)).toEqual(['日本', '語テ', 'キス', 'ト']);
    expect(breakToWidth('short', 10)).toEqual(['short']);
    expect(breakToWidth('', 10)).toEqual(['']);
  });
});
