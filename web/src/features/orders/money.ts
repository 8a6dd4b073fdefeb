/** Money as the API sends it (decimal strings in yuan), compared and subtracted in integer fen. */
export const moneyPattern = /^\d{1,12}(\.\d{1,2})?$/;

export function toFen(yuan: string): bigint {
  const [int, frac = ''] = yuan.trim().split('.');
  return BigInt(int) * 100n + BigInt(frac.padEnd(2, '0').slice(0, 2));
}

export function fromFen(fen: bigint): string {
  const abs = fen < 0n ? -fen : fen;
  return `${fen < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** What can still be refunded on an order. */
export function refundable(order: { paidAmount: string; refundedAmount: string }): string {
  return fromFen(toFen(order.paidAmount) - toFen(order.refundedAmount));
}
