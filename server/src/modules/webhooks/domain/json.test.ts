import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseJsonKeepingBigIds } from './json.ts';

describe('parseJsonKeepingBigIds', () => {
  it('keeps the digits of integers beyond 2^53 and parses everything else as JSON.parse does', () => {
    const text = '{"id":820982911946154508,"n":-9007199254740993,"small":42,"price":"89.99","f":89.99,"e":1e21}';
    assert.deepEqual(parseJsonKeepingBigIds(text), {
      id: '820982911946154508',
      n: '-9007199254740993',
      small: 42,
      price: '89.99',
      f: 89.99,
      e: 1e21,
    });
  });

  it('never touches digits inside strings, escaped quotes included', () => {
    const text = '{"a":"x\\"820982911946154508\\"","b":[820982911946154508, "1234567890123456789"]}';
    assert.deepEqual(parseJsonKeepingBigIds(text), {
      a: 'x"820982911946154508"',
      b: ['820982911946154508', '1234567890123456789'],
    });
  });

  it('refuses malformed JSON, including a leading zero it could otherwise have quoted', () => {
    assert.throws(() => parseJsonKeepingBigIds('{"id": 820982911946154508'), SyntaxError);
    assert.throws(() => parseJsonKeepingBigIds('{"id": 0820982911946154508}'), SyntaxError);
    assert.throws(() => parseJsonKeepingBigIds(''), SyntaxError);
  });

  it('agrees with JSON.parse on any JSON without unsafe integers', () => {
    // integers above 2^53 written without an exponent are the one thing it reads differently, by design
    const hasUnsafeInteger = (v: unknown): boolean =>
      typeof v === 'number'
        ? Number.isInteger(v) && !Number.isSafeInteger(v) && Math.abs(v) < 1e21
        : !!v && typeof v === 'object' && Object.values(v).some(hasUnsafeInteger);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        fc.pre(!hasUnsafeInteger(value));
        const text = JSON.stringify(value);
        assert.deepEqual(parseJsonKeepingBigIds(text), JSON.parse(text));
      }),
    );
  });

  it('round-trips any 64-bit id exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (id) => {
        const parsed = parseJsonKeepingBigIds(`{"id":${id}}`) as { id: number | string };
        assert.equal(String(parsed.id), id.toString());
      }),
    );
  });
});
