import { describe, expect, it } from 'vitest';
import { ELLIPSIS, sanitizeLines, sanitizeText } from '../../src/domain/sanitize.ts';
import { SeededRandom } from '../../src/lib/random.ts';

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

/** Every code unit the sanitiser promises never to emit (single-line mode). */
function forbiddenIn(text: string): string[] {
  const bad: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const lone =
      (code >= 0xd800 && code <= 0xdbff && !(text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff)) ||
      (code >= 0xdc00 && code <= 0xdfff && !(text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff));
    if (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      [0x00ad, 0x061c, 0x180e, 0x200b, 0x200e, 0x200f, 0x2028, 0x2029, 0xfeff].includes(code) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2060 && code <= 0x206f) ||
      (code >= 0xfff9 && code <= 0xfffb) ||
      (code === 0xdb40 && text.charCodeAt(i + 1) <= 0xdc7f) ||
      lone
    ) {
      bad.push(`U+${code.toString(16).padStart(4, '0')}@${i}`);
    }
  }
  return bad;
}

describe('sanitizeText: escape sequences', () => {
  it.each([
    ['SGR colour', `${ESC}[31mred${ESC}[0m`, 'red'],
    ['truecolour with many parameters', `${ESC}[38;2;255;0;0mx${ESC}[m`, 'x'],
    ['private mode (alternate screen)', `a${ESC}[?1049hb`, 'ab'],
    ['clear screen and home', `${ESC}[2J${ESC}[Hafter`, 'after'],
    ['CSI with an intermediate byte', `${ESC}[1 qx`, 'x'],
    ['OSC title ended by BEL', `${ESC}]0;pwned${BEL}after`, 'after'],
    ['OSC 52 clipboard write ended by ST', `${ESC}]52;c;ZXZpbA==${ST}after`, 'after'],
    ['OSC 8 hyperlink keeps its visible text', `${ESC}]8;;http://evil${BEL}click${ESC}]8;;${BEL}`, 'click'],
    ['OSC ended by 8-bit ST', `${ESC}]0;t\u009cafter`, 'after'],
    ['DCS (sixel)', `${ESC}Pq#0;2;0;0;0${ST}x`, 'x'],
    ['APC (kitty graphics)', `${ESC}_Gf=100;AAAA${ST}x`, 'x'],
    ['PM', `${ESC}^private${ST}x`, 'x'],
    ['SOS', `${ESC}Xstring${ST}x`, 'x'],
    ['RIS full reset', `a${ESC}cb`, 'ab'],
    ['save and restore cursor', `${ESC}7save${ESC}8`, 'save'],
    ['charset designation (nF)', `${ESC}(Bx${ESC}#8`, 'x'],
    ['ESC at the very end', `abc${ESC}`, 'abc'],
    ['ESC before a non-ASCII character drops only the ESC', `${ESC}é`, 'é'],
    ['8-bit CSI', '\u009b31mred', 'red'],
    ['8-bit OSC', '\u009d0;title\u009cafter', 'after'],
    ['8-bit DCS', '\u0090payload\u009cafter', 'after'],
    ['CSI aborted by a control keeps the following text', `${ESC}[31\x18after`, 'after'],
    ['string sequence cancelled by CAN', `${ESC}]0;t\x18after`, 'after'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });

  it('swallows the rest of the input after an unterminated control string, as a terminal would', () => {
    expect(sanitizeText(`before${ESC}]0;title that never ends`)).toBe('before');
    expect(sanitizeText(`before${ESC}Pnever ends`)).toBe('before');
  });

  it('a new ESC inside a control string ends it and starts the next sequence', () => {
    expect(sanitizeText(`${ESC}]0;t${ESC}[31mred`)).toBe('red');
  });

  it('cleans a hostile stop reason to its visible words', () => {
    const reason = `Essential container exited${ESC}]52;c;cm0gLXJmIC8=${BEL}${ESC}[2J${ESC}[H\u202Eevil\u202C\r\nnext`;
    expect(sanitizeText(reason)).toBe('Essential container exitedevil next');
  });
});

describe('sanitizeText: control and format characters', () => {
  it('drops C0 controls, DEL and C1 controls', () => {
    expect(sanitizeText('a\x00b\x07c\x08d\x7fe\u0080f\u0099g\u0086h')).toBe('abcdefgh');
  });

  it('drops every bidirectional control', () => {
    const bidi = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e'];
    const isolates = ['\u2066', '\u2067', '\u2068', '\u2069'];
    for (const mark of [...bidi, ...isolates]) expect(sanitizeText(`ab${mark}cd`)).toBe('abcd');
  });

  it('drops invisible characters that can disguise a name', () => {
    for (const mark of ['\u200b', '\u2060', '\u2062', '\u206a', '\ufeff', '\u180e', '\u00ad', '\ufff9']) {
      expect(sanitizeText(`pay${mark}ments`)).toBe('payments');
    }
  });

  it('drops tag characters but keeps the flag they decorate', () => {
    const englandFlag = '\u{1f3f4}\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}';
    expect(sanitizeText(englandFlag)).toBe('\u{1f3f4}');
  });

  it('keeps the zero width joiner in emoji, the non-joiner, variation selectors and combining marks', () => {
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    expect(sanitizeText(family)).toBe(family);
    expect(sanitizeText('\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645')).toBe(
      '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645',
    );
    expect(sanitizeText('\u2764\ufe0f')).toBe('\u2764\ufe0f');
    expect(sanitizeText('e\u0301')).toBe('e\u0301');
  });

  it('keeps ordinary text, CJK and emoji untouched', () => {
    for (const text of ['service-api_v2 (prod)', '日本語のサービス', 'ok 👍 done', '']) {
      expect(sanitizeText(text)).toBe(text);
    }
  });

  it('turns lone surrogates into U+FFFD and keeps valid pairs', () => {
    expect(sanitizeText('\ud800x')).toBe('\ufffdx');
    expect(sanitizeText('x\udc00')).toBe('x\ufffd');
    expect(sanitizeText('a\ud83d')).toBe('a\ufffd');
    expect(sanitizeText('😀')).toBe('😀');
  });
});

describe('sanitizeText: line breaks and tabs', () => {
  it.each([
    ['LF', 'a\nb', 'a b'],
    ['CRLF', 'a\r\nb', 'a b'],
    ['lone CR (would overwrite the line)', 'abc\rX', 'abc X'],
    ['spaces around a break collapse', 'a  \n\n   b', 'a b'],
    ['leading and trailing breaks vanish', '\n\nmiddle\r\n', 'middle'],
    ['VT, FF, NEL and Unicode separators', 'a\vb\fc\u0085d\u2028e\u2029f', 'a b c d e f'],
    ['a tab is a space', 'a\tb', 'a b'],
    ['inner double spaces are kept', 'a  b', 'a  b'],
  ])('one line: %s', (_name, input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });

  it('multiline keeps every break as \\n', () => {
    expect(sanitizeText('a\r\nb\rc\nd\u2028e', { multiline: true })).toBe('a\nb\nc\nd\ne');
    expect(sanitizeText('a\n\nb', { multiline: true })).toBe('a\n\nb');
  });

  it('multiline expands tabs to tab stops by display width', () => {
    expect(sanitizeText('ab\tc', { multiline: true })).toBe('ab  c');
    expect(sanitizeText('\tx', { multiline: true })).toBe('    x');
    expect(sanitizeText('abcd\tx', { multiline: true })).toBe('abcd    x');
    expect(sanitizeText('日\tx', { multiline: true })).toBe('日  x');
    expect(sanitizeText('line\nab\tc', { multiline: true, tabWidth: 8 })).toBe('line\nab      c');
  });

  it('sanitizeLines splits a multi-line reason into clean lines', () => {
    expect(sanitizeLines(`first${ESC}[1m\r\nsecond\n`)).toEqual(['first', 'second', '']);
    expect(sanitizeLines(undefined)).toEqual([]);
  });
});

describe('sanitizeText: input types and length', () => {
  it('accepts anything', () => {
    expect(sanitizeText(42)).toBe('42');
    expect(sanitizeText(1.5)).toBe('1.5');
    expect(sanitizeText(10n)).toBe('10');
    expect(sanitizeText(true)).toBe('true');
    expect(sanitizeText(undefined)).toBe('');
    expect(sanitizeText(null)).toBe('');
    expect(sanitizeText({ toString: () => 'object text' })).toBe('');
    expect(sanitizeText(['a'])).toBe('');
    expect(sanitizeText(Symbol('s'))).toBe('');
    const hostile = {
      toString() {
        throw new Error('boom');
      },
    };
    expect(sanitizeText(hostile)).toBe('');
  });

  it('cuts to maxLength with an ellipsis that counts toward the limit', () => {
    expect(sanitizeText('abcdef', { maxLength: 4 })).toBe(`abc${ELLIPSIS}`);
    expect(sanitizeText('abcd', { maxLength: 4 })).toBe('abcd');
    expect(sanitizeText('abcdef', { maxLength: 1 })).toBe(ELLIPSIS);
    expect(sanitizeText('abcdef', { maxLength: 0 })).toBe('');
  });

  it('applies maxLength after cleaning, so removed bytes do not use up the budget', () => {
    expect(sanitizeText(`${ESC}[31m${ESC}[1mabc${ESC}[0m`, { maxLength: 3 })).toBe('abc');
    expect(sanitizeText('a\n\n\nb', { maxLength: 3 })).toBe('a b');
  });

  it('never splits a surrogate pair or leaves a joiner hanging at the cut', () => {
    expect(sanitizeText('ab😀cd', { maxLength: 4 })).toBe(`ab${ELLIPSIS}`);
    expect(sanitizeText('ab😀cd', { maxLength: 5 })).toBe(`ab😀${ELLIPSIS}`);
    const cut = sanitizeText('\u{1f468}\u200d\u{1f469}\u200d\u{1f467}xyz', { maxLength: 4 });
    expect(cut).toBe(`\u{1f468}${ELLIPSIS}`);
  });

  it('stops early on huge input when a limit is given', () => {
    const huge = `\x01${'x'.repeat(2_000_000)}`;
    const result = sanitizeText(huge, { maxLength: 10 });
    expect(result).toHaveLength(10);
    expect(result.endsWith(ELLIPSIS)).toBe(true);
  });
});

describe('sanitizeText: random input', () => {
  const pool = [
    ESC,
    '[',
    ']',
    '\\',
    'P',
    '_',
    '^',
    'X',
    '0',
    ';',
    'm',
    BEL,
    '\x00',
    '\x08',
    '\r',
    '\n',
    '\t',
    '\x7f',
    '\u0085',
    '\u009b',
    '\u009c',
    '\u009d',
    '\u202e',
    '\u2066',
    '\u200b',
    '\u200d',
    '\ufeff',
    '\ud800',
    '\udc00',
    '😀',
    '日',
    'a',
    'Z',
    ' ',
    '\u{e0041}',
  ];

  it('never emits a control, bidi or invisible character, and a second pass changes nothing', () => {
    const random = new SeededRandom(20241124);
    for (let round = 0; round < 2000; round++) {
      let input = '';
      const length = random.int(0, 40);
      for (let i = 0; i < length; i++) input += random.pick(pool);
      const once = sanitizeText(input);
      expect(forbiddenIn(once), JSON.stringify(input)).toEqual([]);
      expect(sanitizeText(once), JSON.stringify(input)).toBe(once);
      const lines = sanitizeText(input, { multiline: true });
      expect(forbiddenIn(lines.replaceAll('\n', '')), JSON.stringify(input)).toEqual([]);
    }
  });
});
