/**
 * Money from shops in integer fen (BigInt). Shops send amounts as decimal strings (`"89.99"`) or,
 * in places, JSON numbers (`89.99`, a refund line's `subtotal`); some carry more than two
 * decimals (`"155.575"`), which round half up to the fen.
 */
const DECIMAL = /^(\d{1,13})(?:\.(\d+))?$/;

/** Fen of a non-negative amount, or null when the value is not one. */
export function fenOf(value: unknown): bigint | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    // shortest round-trip form: 89.99 prints as "89.99", never 89.98999…
    text = String(value);
    if (/e/i.test(text)) text = value.toFixed(6);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(3, '0');
  const fen = BigInt(m[1]) * 100n + BigInt(frac.slice(0, 2));
  return frac[2] >= '5' ? fen + 1n : fen;
}

export function yuan(fen: bigint): string {
  const abs = fen < 0n ? -fen : fen;
  return `${fen < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
