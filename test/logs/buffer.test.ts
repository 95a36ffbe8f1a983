import { describe, expect, it } from 'vitest';
import { LineBuffer, type LogLineInput, matchRanges } from '../../src/logs/buffer.ts';

const line = (text: string, timestamp = 0, source = 0): LogLineInput => ({ timestamp, source, text, json: false });
const texts = (buffer: LineBuffer) => [...buffer.lines()].map((kept) => kept.text);

describe('LineBuffer', () => {
  it('keeps lines in order with stable sequence numbers, and windows them by sequence number', () => {
    const buffer = new LineBuffer(10);
    expect(buffer.append([line('a'), line('b')])).toBe(0);
    expect(buffer.append([line('c')])).toBe(2);
    expect(buffer.size).toBe(3);
    expect(buffer.firstSeq).toBe(0);
    expect(buffer.nextSeq).toBe(3);
    expect(buffer.at(1)?.text).toBe('b');
    expect(buffer.at(3)).toBeUndefined();
    expect(buffer.slice(1, 5).map((kept) => kept.text)).toEqual(['b', 'c']);
  });

  it('drops the oldest lines past its bound and counts them', () => {
    const buffer = new LineBuffer(3);
    buffer.append([line('1'), line('2')]);
    buffer.append([line('3'), line('4'), line('5')]);
    expect(texts(buffer)).toEqual(['3', '4', '5']);
    expect(buffer.dropped).toBe(2);
    expect(buffer.firstSeq).toBe(2);
    expect(buffer.at(1)).toBeUndefined();
    expect(buffer.at(2)?.text).toBe('3');
    expect(buffer.slice(0, 2).map((kept) => kept.text)).toEqual(['3', '4']);
  });

  it('keeps only the tail of a batch larger than itself, counting the rest as dropped', () => {
    const buffer = new LineBuffer(2);
    buffer.append([line('old')]);
    buffer.append([line('a'), line('b'), line('c'), line('d')]);
    expect(texts(buffer)).toEqual(['c', 'd']);
    expect(buffer.dropped).toBe(3);
    expect(buffer.at(buffer.firstSeq)?.seq).toBe(buffer.firstSeq);
  });

  it('holds 50,000 lines by default and stays at its bound under a long stream', () => {
    const buffer = new LineBuffer();
    for (let batch = 0; batch < 60; batch++) {
      buffer.append(Array.from({ length: 1_000 }, (_, i) => line(`line ${batch * 1_000 + i}`)));
    }
    expect(buffer.size).toBe(50_000);
    expect(buffer.dropped).toBe(10_000);
    expect(buffer.at(buffer.firstSeq)?.text).toBe('line 10000');
    expect(buffer.at(buffer.nextSeq - 1)?.text).toBe('line 59999');
  });

  it('clears for a reload without counting the cleared lines as dropped', () => {
    const buffer = new LineBuffer(2);
    buffer.append([line('a'), line('b'), line('c')]);
    buffer.clear();
    expect(buffer.size).toBe(0);
    expect(buffer.dropped).toBe(0);
    buffer.append([line('d')]);
    expect(texts(buffer)).toEqual(['d']);
    expect(buffer.at(buffer.firstSeq)?.text).toBe('d');
  });
});

describe('LineBuffer search', () => {
  it('matches case-insensitively, counts matches and steps through them both ways, wrapping round', () => {
    const buffer = new LineBuffer(100);
    buffer.append(['GET /health', 'Timeout talking to db', 'ok', 'db TIMEOUT again', 'done'].map((text) => line(text)));
    expect(buffer.setSearch('timeout')).toEqual({ query: 'timeout', count: 2 });
    expect(buffer.isMatch(1)).toBe(true);
    expect(buffer.isMatch(2)).toBe(false);
    expect(buffer.nextMatch(0, 1)).toBe(1);
    expect(buffer.nextMatch(1, 1)).toBe(3);
    expect(buffer.nextMatch(3, 1)).toBe(1);
    expect(buffer.nextMatch(4, -1)).toBe(3);
    expect(buffer.nextMatch(1, -1)).toBe(3);
    expect(buffer.matchNumber(3)).toBe(2);
    expect(buffer.matchNumber(2)).toBe(0);
  });

  it('extends the matches as lines arrive and forgets those that drop off', () => {
    const buffer = new LineBuffer(3);
    buffer.append([line('error one'), line('fine')]);
    buffer.setSearch('ERROR');
    expect(buffer.search.count).toBe(1);
    buffer.append([line('error two')]);
    expect(buffer.search.count).toBe(2);
    buffer.append([line('fine'), line('fine')]);
    // "error one" and "fine" dropped: only "error two" is left.
    expect(buffer.search.count).toBe(1);
    expect(buffer.nextMatch(buffer.firstSeq, 1)).toBe(2);
    expect(buffer.isMatch(0)).toBe(false);
  });

  it('has no matches without a query, and none for a query nothing holds', () => {
    const buffer = new LineBuffer(10);
    buffer.append([line('a')]);
    expect(buffer.nextMatch(0, 1)).toBeUndefined();
    buffer.setSearch('zzz');
    expect(buffer.search.count).toBe(0);
    expect(buffer.nextMatch(0, -1)).toBeUndefined();
    buffer.setSearch('');
    expect(buffer.search).toEqual({ query: '', count: 0 });
  });

  it('gives the ranges to highlight, case-insensitively', () => {
    expect(matchRanges('Error: error!', 'error')).toEqual([
      [0, 5],
      [7, 12],
    ]);
    expect(matchRanges('nothing', 'x')).toEqual([]);
    expect(matchRanges('anything', '')).toEqual([]);
  });
});
