/**
 * Exact money maths in integer fen (分) with BigInt: amounts arrive as decimal strings in yuan
 * and must add up to the fen, so no float ever touches them.
 */
const MONEY = /^(\d{1,12})(?:\.(\d{1,2}))?$/;

export function toFen(yuan: string): bigint {
  const m = MONEY.exec(yuan.trim());
  if (!m) throw new Error(`not a money amount: ${yuan}`);
  return BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

export function fromFen(fen: bigint): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${abs / 100n}.${cents}`;
}

/** Any decimal string (from the database, e.g. `12.5` or `0`) in the API's two-decimal form. */
export function formatMoney(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '0.00';
  const text = String(value);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = (m[3] ?? '').padEnd(2, '0');
  if (frac.length > 2 && /[^0]/.test(frac.slice(2))) throw new Error(`more than two decimals: ${text}`);
  return `${m[1]}${BigInt(m[2])}.${frac.slice(0, 2)}`;
}

export type LineAmount = { quantity: number; price: string };

/** Line amounts, the subtotal and what the customer should have paid after the discount. */
export function orderAmounts(lines: readonly LineAmount[], discount: string) {
  const amounts = lines.map((l) => BigInt(l.quantity) * toFen(l.price));
  const subtotal = amounts.reduce((a, b) => a + b, 0n);
  return { amounts, subtotal, expectedPaid: subtotal - toFen(discount) };
}
