// Go's encoding/json wording for a syntax error, whatever engine parsed the text: V8's and
// JavaScriptCore's JSON.parse messages differ from each other and from Go's, and runtimes and
// users match the reference's ("invalid character 'x' looking for beginning of value").
// A scanner with the states of Go's, run only after JSON.parse has refused the input.

type Frame = 'object-key' | 'object-value' | 'array';
type Step = (c: number) => Step | string;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

const C0_ESCAPES: Readonly<Record<number, string>> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r' };

/** Go's quoteChar: the byte as a rune in single quotes, escaped as strconv.Quote would. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  if (c === 0x5c) return `'\\\\'`;
  if (C0_ESCAPES[c] !== undefined) return `'\\${C0_ESCAPES[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c >= 0x80 && c < 0xa0) return `'\\u00${c.toString(16)}'`;
  if (c === 0xad) return `'\\u00ad'`;
  return `'${String.fromCharCode(c)}'`;
}

const invalid = (c: number, context: string): string => `invalid character ${quoteChar(c)} ${context}`;

const MAX_DEPTH = 10_000;

/** The message Go's json.Unmarshal gives for `bytes`, or undefined when the syntax is valid. */
export function goSyntaxError(bytes: Uint8Array): string | undefined {
  const stack: Frame[] = [];

  const endValue: Step = (c) => {
    const top = stack.at(-1);
    if (top === undefined) return endTop(c);
    if (isSpace(c)) return endValue;
    if (top === 'object-key') {
      if (c !== 0x3a) return invalid(c, 'after object key');
      stack[stack.length - 1] = 'object-value';
      return beginValue;
    }
    if (top === 'object-value') {
      if (c === 0x2c) {
        stack[stack.length - 1] = 'object-key';
        return beginString;
      }
      if (c !== 0x7d) return invalid(c, 'after object key:value pair');
      stack.pop();
      return endValue;
    }
    if (c === 0x2c) return beginValue;
    if (c !== 0x5d) return invalid(c, 'after array element');
    stack.pop();
    return endValue;
  };
  const endTop: Step = (c) => (isSpace(c) ? endTop : invalid(c, 'after top-level value'));

  const literal = (word: string, at: number): Step => (c) => {
    if (c !== word.charCodeAt(at)) return invalid(c, `in literal ${word} (expecting ${quoteChar(word.charCodeAt(at))})`);
    return at + 1 === word.length ? endValue : literal(word, at + 1);
  };

  const inString: Step = (c) => {
    if (c === 0x22) return endValue;
    if (c === 0x5c) return inEscape;
    return c < 0x20 ? invalid(c, 'in string literal') : inString;
  };
  const inEscape: Step = (c) => {
    if (c === 0x75) return hex(4);
    return 'bfnrt\\/"'.includes(String.fromCharCode(c)) ? inString : invalid(c, 'in string escape code');
  };
  const hex = (left: number): Step => (c) => {
    if (!isHex(c)) return invalid(c, 'in \\u hexadecimal character escape');
    return left === 1 ? inString : hex(left - 1);
  };

  const neg: Step = (c) => (c === 0x30 ? zero : c >= 0x31 && c <= 0x39 ? digits : invalid(c, 'in numeric literal'));
  const digits: Step = (c) => (isDigit(c) ? digits : zero(c));
  const zero: Step = (c) => (c === 0x2e ? dot : c === 0x65 || c === 0x45 ? exponent : endValue(c));
  const dot: Step = (c) => (isDigit(c) ? fraction : invalid(c, 'after decimal point in numeric literal'));
  const fraction: Step = (c) => (isDigit(c) ? fraction : c === 0x65 || c === 0x45 ? exponent : endValue(c));
  const exponent: Step = (c) => (c === 0x2b || c === 0x2d ? expSign : expSign(c));
  const expSign: Step = (c) => (isDigit(c) ? expDigits : invalid(c, 'in exponent of numeric literal'));
  const expDigits: Step = (c) => (isDigit(c) ? expDigits : endValue(c));

  const open = (c: number, frame: Frame, next: Step): Step | string => (stack.push(frame) > MAX_DEPTH ? invalid(c, 'exceeded max depth') : next);

  const beginValue: Step = (c) => {
    if (isSpace(c)) return beginValue;
    switch (c) {
      case 0x7b:
        return open(c, 'object-key', beginStringOrEmpty);
      case 0x5b:
        return open(c, 'array', beginValueOrEmpty);
      case 0x22:
        return inString;
      case 0x2d:
        return neg;
      case 0x30:
        return zero;
      case 0x74:
        return literal('true', 1);
      case 0x66:
        return literal('false', 1);
      case 0x6e:
        return literal('null', 1);
    }
    return c >= 0x31 && c <= 0x39 ? digits : invalid(c, 'looking for beginning of value');
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return beginValueOrEmpty;
    if (c !== 0x5d) return beginValue(c);
    stack.pop();
    return endValue;
  };
  const beginString: Step = (c) => (isSpace(c) ? beginString : c === 0x22 ? inString : invalid(c, 'looking for beginning of object key string'));
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return beginStringOrEmpty;
    if (c !== 0x7d) return beginString(c);
    stack.pop();
    return endValue;
  };

  let state: Step | string = beginValue;
  for (const c of bytes) {
    state = state(c);
    if (typeof state === 'string') return state;
  }
  // Go ends the input with a space: it completes a trailing number and changes nothing else.
  state = state(0x20);
  if (typeof state === 'string') return state;
  return state === endTop ? undefined : 'unexpected end of JSON input';
}

// Go refuses more nesting than this even in valid JSON; an input shorter than it cannot nest deeper,
// and one with fewer opening brackets neither, so the scanner runs only on what might.
function mayNestTooDeep(bytes: Uint8Array): boolean {
  if (bytes.length <= MAX_DEPTH) return false;
  let opens = 0;
  for (const c of bytes) if ((c === 0x5b || c === 0x7b) && ++opens > MAX_DEPTH) return true;
  return false;
}

// JSON.parse reads 80.0 and 1e3 as whole numbers, which Go's int fields refuse. Their spelling is
// kept per holder object and key, the only identity a number has, for the decoder to consult.
const fractions = new WeakMap<object, Map<string, string>>();

/** How the whole number at `holder[key]` was written, when it had a fraction or an exponent. */
export const fractionAt = (holder: object, key: string): string | undefined => fractions.get(holder)?.get(key);

function noteFraction(this: object, key: string, value: unknown, context?: { source?: string }): unknown {
  const source = context?.source;
  if (typeof value === 'number' && Number.isInteger(value) && source !== undefined && /[.eE]/.test(source)) {
    const seen = fractions.get(this) ?? new Map<string, string>();
    seen.set(key, source);
    fractions.set(this, seen);
  }
  return value;
}

// A number with a fraction or an exponent in value position; a match inside a string costs only a
// reviver pass. Most configs have none, and JSON.parse without a reviver is several times faster.
const MAYBE_FRACTION = /[:,[]\s*-?\d+[.eE]/;

/** JSON.parse of UTF-8 bytes whose SyntaxError carries Go's message, refusing Go's too-deep nesting. */
export function parseJsonAsGo(bytes: Buffer): unknown {
  const deepError = mayNestTooDeep(bytes) ? goSyntaxError(bytes) : undefined;
  if (deepError !== undefined) throw new SyntaxError(deepError);
  const text = bytes.toString('utf8');
  try {
    return MAYBE_FRACTION.test(text) ? JSON.parse(text, noteFraction) : JSON.parse(text);
  } catch (err) {
    // The reviver recurses where JSON.parse does not: thousands of levels, all Go allows, overflow
    // the stack. Such a document is decoded without the fraction check.
    if (err instanceof RangeError) return JSON.parse(text);
    throw new SyntaxError(goSyntaxError(bytes) ?? (err as Error).message);
  }
}
