import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatMoney, fromFen, orderAmounts, toFen } from './money.ts';

describe('money in fen', () => {
  it('parses and prints yuan exactly', () => {
    for (const [yuan, fen] of [
      ['0', 0n],
      ['0.1', 10n],
      ['0.01', 1n],
      ['12.5', 1250n],
      ['999999999999.99', 99999999999999n],
    ] as const) {
      assert.equal(toFen(yuan), fen);
    }
    assert.equal(fromFen(1250n), '12.50');
    assert.equal(fromFen(-5n), '-0.05');
    assert.throws(() => toFen('1.234'));
    assert.throws(() => toFen('-1'));
    assert.throws(() => toFen('1e3'));
  });

  it('round-trips every amount', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 99999999999999n }), (fen) => toFen(fromFen(fen)) === fen));
  });

  it('formats what the database returns', () => {
    assert.equal(formatMoney('0'), '0.00');
    assert.equal(formatMoney('12.5'), '12.50');
    assert.equal(formatMoney('12.50'), '12.50');
    assert.equal(formatMoney('007.10'), '7.10');
    assert.equal(formatMoney('3.100000'), '3.10');
    assert.throws(() => formatMoney('3.333'));
  });

  it('adds up lines where floats would not (0.1 × 3 + 0.2)', () => {
    const r = orderAmounts(
      [
        { quantity: 3, price: '0.1' },
        { quantity: 1, price: '0.2' },
      ],
      '0.05',
    );
    assert.equal(fromFen(r.subtotal), '0.50');
    assert.equal(fromFen(r.expectedPaid), '0.45');
  });
});
