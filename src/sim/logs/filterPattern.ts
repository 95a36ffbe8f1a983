/**
 * CloudWatch Logs filter patterns (the syntax FilterLogEvents and StartLiveTail take), the parts ecsdeck uses:
 *
 * - terms, all of which must appear (case-sensitive): `ERROR timeout`; quoted phrases: `"connection refused"`
 * - `?` terms, any of which must appear: `?ERROR ?FATAL`
 * - `-` terms, none of which may appear: `ERROR -health`
 * - `%regex%`: a regular expression
 * - JSON: `{ $.level = "ERROR" }`, `{ $.status != 200 }`, `{ $.duration_ms > 500 }`, joined by `&&` / `||`,
 *   with parentheses; string values may use `*` as a wildcard. A line that is not a JSON object never matches.
 *
 * A pattern the parser does not understand is an InvalidParameterException, as CloudWatch answers it.
 */
import { SimError } from '../errors.ts';

export type Matcher = (message: string) => boolean;

const invalid = () => new SimError('InvalidParameterException', 'Invalid filter pattern');

export function matcherOf(pattern: string): Matcher {
  const text = pattern.trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{')) return jsonMatcher(text);
  if (text.length > 1 && text.startsWith('%') && text.endsWith('%')) {
    let regex: RegExp;
    try {
      regex = new RegExp(text.slice(1, -1));
    } catch {
      throw invalid();
    }
    return (message) => regex.test(message);
  }
  return termMatcher(text);
}

// ------------------------------------------------------------------------------------------------ terms

function termMatcher(text: string): Matcher {
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    let list = all;
    if (text[i] === '?') {
      list = any;
      i++;
    } else if (text[i] === '-' && i + 1 < text.length && text[i + 1] !== ' ') {
      list = none;
      i++;
    }
    let term = '';
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) throw invalid();
      term = text.slice(i + 1, close);
      i = close + 1;
    } else {
      while (i < text.length && text[i] !== ' ') term += text[i++];
    }
    if (term !== '') list.push(term);
  }
  return (message) =>
    all.every((term) => message.includes(term)) &&
    (any.length === 0 || any.some((term) => message.includes(term))) &&
    !none.some((term) => message.includes(term));
}

// ------------------------------------------------------------------------------------------------ JSON

type Value =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'literal'; value: null | boolean };
type Node =
  | { kind: 'compare'; path: (string | number)[]; operator: string; value: Value }
  | { kind: 'and' | 'or'; left: Node; right: Node };

function jsonMatcher(text: string): Matcher {
  if (!text.endsWith('}')) throw invalid();
  const parser = new JsonPatternParser(text.slice(1, -1));
  const tree = parser.parse();
  return (message) => {
    const start = message.indexOf('{');
    if (start < 0) return false;
    let document: unknown;
    try {
      document = JSON.parse(message.slice(start));
    } catch {
      return false;
    }
    if (typeof document !== 'object' || document === null) return false;
    return evaluate(tree, document);
  };
}

function evaluate(node: Node, document: unknown): boolean {
  if (node.kind === 'and') return evaluate(node.left, document) && evaluate(node.right, document);
  if (node.kind === 'or') return evaluate(node.left, document) || evaluate(node.right, document);
  if (node.kind !== 'compare') return false;
  let current: unknown = document;
  for (const step of node.path) {
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<string | number, unknown>)[step];
  }
  if (current === undefined) return false;
  const { operator, value } = node;
  if (value.kind === 'number') {
    if (typeof current !== 'number') return false;
    switch (operator) {
      case '=':
        return current === value.value;
      case '!=':
        return current !== value.value;
      case '>':
        return current > value.value;
      case '<':
        return current < value.value;
      case '>=':
        return current >= value.value;
      case '<=':
        return current <= value.value;
    }
    return false;
  }
  if (value.kind === 'literal') {
    const equal = current === value.value;
    return operator === '=' ? equal : !equal;
  }
  if (typeof current !== 'string') return operator === '!=';
  const regex = new RegExp(`^${value.value.split('*').map(escapeRegex).join('.*')}$`);
  const equal = regex.test(current);
  return operator === '=' ? equal : !equal;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

class JsonPatternParser {
  readonly #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): Node {
    const node = this.#or();
    this.#space();
    if (this.#at < this.#text.length) throw invalid();
    return node;
  }

  #space(): void {
    while (this.#at < this.#text.length && /\s/.test(this.#text[this.#at] as string)) this.#at++;
  }

  #eat(token: string): boolean {
    this.#space();
    if (this.#text.startsWith(token, this.#at)) {
      this.#at += token.length;
      return true;
    }
    return false;
  }

  #or(): Node {
    let left = this.#and();
    while (this.#eat('||')) left = { kind: 'or', left, right: this.#and() };
    return left;
  }

  #and(): Node {
    let left = this.#primary();
    while (this.#eat('&&')) left = { kind: 'and', left, right: this.#primary() };
    return left;
  }

  #primary(): Node {
    if (this.#eat('(')) {
      const node = this.#or();
      if (!this.#eat(')')) throw invalid();
      return node;
    }
    const path = this.#selector();
    this.#space();
    const operator = ['!=', '>=', '<=', '=', '>', '<'].find((op) => this.#text.startsWith(op, this.#at));
    if (!operator) throw invalid();
    this.#at += operator.length;
    const value = this.#value();
    if (value.kind !== 'number' && !['=', '!='].includes(operator)) throw invalid();
    return { kind: 'compare', path, operator, value };
  }

  #selector(): (string | number)[] {
    if (!this.#eat('$')) throw invalid();
    const path: (string | number)[] = [];
    for (;;) {
      if (this.#text[this.#at] === '.') {
        this.#at++;
        const match = /^[A-Za-z0-9_@-]+/.exec(this.#text.slice(this.#at));
        if (!match) throw invalid();
        path.push(match[0]);
        this.#at += match[0].length;
      } else if (this.#text[this.#at] === '[') {
        const match = /^\[(\d+)\]/.exec(this.#text.slice(this.#at));
        if (!match) throw invalid();
        path.push(Number(match[1]));
        this.#at += match[0].length;
      } else break;
    }
    if (path.length === 0) throw invalid();
    return path;
  }

  #value(): Value {
    this.#space();
    const rest = this.#text.slice(this.#at);
    if (rest.startsWith('"')) {
      const close = rest.indexOf('"', 1);
      if (close < 0) throw invalid();
      this.#at += close + 1;
      return { kind: 'string', value: rest.slice(1, close) };
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number) {
      this.#at += number[0].length;
      return { kind: 'number', value: Number(number[0]) };
    }
    const literal = /^(NULL|TRUE|FALSE|null|true|false)\b/.exec(rest);
    if (literal) {
      this.#at += literal[0].length;
      const word = (literal[1] as string).toLowerCase();
      return { kind: 'literal', value: word === 'null' ? null : word === 'true' };
    }
    const bare = /^[A-Za-z0-9_.*-]+/.exec(rest);
    if (bare) {
      this.#at += bare[0].length;
      return { kind: 'string', value: bare[0] };
    }
    throw invalid();
  }
}
