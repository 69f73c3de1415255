// Go's wording for JSON syntax errors, on any engine. Each expectation is what Debian's Go
// host-local 1.1.1 printed for the same bytes on stdin.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fractionAt, goSyntaxError, parseJsonAsGo } from '../../../lib/cni/gosyntax.ts';

const CASES: readonly (readonly [string, string | undefined])[] = [
  ['{"a":[1,2.5e-3,true,false,null,"x\\u00e9\\n"]}', undefined],
  ['  -0.0E+1  ', undefined],
  ['', 'unexpected end of JSON input'],
  ['{', 'unexpected end of JSON input'],
  ['{"a":', 'unexpected end of JSON input'],
  ['"abc', 'unexpected end of JSON input'],
  ['x', "invalid character 'x' looking for beginning of value"],
  ['{"a" 1}', "invalid character '1' after object key"],
  ['{"cniVersion":"1.0.0",}', "invalid character '}' looking for beginning of object key string"],
  ['[1,]', "invalid character ']' looking for beginning of value"],
  ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
  ['{"a":1} x', "invalid character 'x' after top-level value"],
  ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
  ['{"a":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape"],
  ['-x', "invalid character 'x' in numeric literal"],
  ['1.x', "invalid character 'x' after decimal point in numeric literal"],
  ['1ex', "invalid character 'x' in exponent of numeric literal"],
  ["{'a'", "invalid character '\\'' looking for beginning of object key string"],
  ['{"a":"b\t"}', "invalid character '\\t' in string literal"],
  ['01', "invalid character '1' after top-level value"],
  ['[1 2]', "invalid character '2' after array element"],
  ['{"a":1 "b"}', `invalid character '"' after object key:value pair`],
  ['\u00e9', "invalid character 'Ã' looking for beginning of value"],
  ['\u0001', "invalid character '\\x01' looking for beginning of value"],
  ['\\', "invalid character '\\\\' looking for beginning of value"],
];

for (const [input, want] of CASES) {
  test(`goSyntaxError(${JSON.stringify(input)})`, () => {
    assert.is(goSyntaxError(Buffer.from(input, 'utf8')), want);
  });
}

test('nesting deeper than Go allows (10,000) is refused at the first bracket past it', () => {
  assert.is(goSyntaxError(Buffer.from('['.repeat(10_000) + ']'.repeat(10_000))), undefined);
  assert.is(goSyntaxError(Buffer.from('['.repeat(10_001))), "invalid character '[' exceeded max depth");
});

/** A valid object whose value `x` nests `levels` arrays, so the document is `levels + 1` deep. */
const nested = (levels: number, extra = ''): Buffer => Buffer.from(`{${extra}"x":${'['.repeat(levels)}${']'.repeat(levels)}}`);

test('parseJsonAsGo accepts the 10,000 levels Go allows, with or without a fraction to note', () => {
  assert.ok(parseJsonAsGo(nested(9_999)));
  assert.ok(parseJsonAsGo(nested(9_999, '"mtu":1.0,')));
});

test('parseJsonAsGo refuses valid JSON nested deeper than Go allows, with its message, quickly', () => {
  for (const levels of [10_000, 1_000_000]) {
    const started = performance.now();
    assert.throws(() => parseJsonAsGo(nested(levels)), (e: Error) => e instanceof SyntaxError && e.message === "invalid character '[' exceeded max depth");
    assert.ok(performance.now() - started < 1000, `${levels} levels took ${performance.now() - started} ms`);
  }
});

test('parseJsonAsGo notes the whole numbers written with a fraction or an exponent, by holder and key', () => {
  const v = parseJsonAsGo(Buffer.from('{"a":80.0,"b":[1e3, 7, -2.0E+1],"c":80,"d":1.5,"e":"10.0.0.1","f":{"g" : 0.0}}')) as Record<string, object>;
  assert.is(fractionAt(v, 'a'), '80.0');
  assert.is(fractionAt(v.b!, '0'), '1e3');
  assert.is(fractionAt(v.b!, '1'), undefined);
  assert.is(fractionAt(v.b!, '2'), '-2.0E+1');
  assert.is(fractionAt(v, 'c'), undefined);
  assert.is(fractionAt(v, 'd'), undefined, 'not a whole number: the validator refuses it by value');
  assert.is(fractionAt(v, 'e'), undefined);
  assert.is(fractionAt(v.f!, 'g'), '0.0');
});

test.run();
