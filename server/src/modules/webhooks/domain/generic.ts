import { z } from 'zod';

/**
 * The generic webhook's bodies: `{ type, data }` with `data` in Kehu's own shapes (the customers
 * and orders APIs' field names), so a Youzan/Weidian export script or a POS needs no mapping
 * table on Kehu's side. Documented in docs/api.md.
 */
const Text = (max: number) => z.string().trim().min(1).max(max);
const Money = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, 'invalid_money');

export const GenericCustomer = z
  .strictObject({
    /** The sender's id for this person; matched within the connection's source. */
    externalId: Text(100).optional(),
    memberCard: Text(64).optional(),
    name: Text(100).optional(),
    mobile: Text(50).optional(),
    email: Text(254).optional(),
    wechatOpenId: Text(64).optional(),
    wechatUnionId: Text(64).optional(),
    gender: z.enum(['female', 'male', 'unknown']).optional(),
    birthday: z.iso.date().optional(),
    country: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, 'invalid_country')
      .transform((v) => v.toUpperCase())
      .optional(),
    province: Text(50).optional(),
    city: Text(50).optional(),
    district: Text(50).optional(),
    address: Text(200).optional(),
    tags: z.array(Text(30)).max(50).optional(),
    attributes: z.record(z.string().max(40), z.union([z.string(), z.number(), z.array(z.string())])).optional(),
  })
  .refine((c) => !!(c.externalId || c.memberCard || c.mobile || c.email || c.wechatOpenId || c.wechatUnionId), {
    message: 'webhook_customer_identifier_required',
    path: ['externalId'],
  });
export type GenericCustomer = z.infer<typeof GenericCustomer>;

const OrderRef = Text(100);

const OrderLine = z.strictObject({
  sku: Text(64),
  name: Text(200).optional(),
  quantity: z.number().int().min(1).max(100_000),
  price: Money,
});

export const GenericOrder = z.strictObject({
  externalId: OrderRef,
  placedAt: z.iso.datetime({ offset: true }),
  status: z.enum(['paid', 'refunded', 'partially_refunded']).optional(),
  paidAmount: Money,
  discount: Money.optional(),
  refundedAmount: Money.optional(),
  /** A registered touchpoint's code (the store it was sold in); defaults to the connection's touchpoint. */
  storeCode: Text(50).optional(),
  items: z.array(OrderLine).min(1).max(500),
  customer: GenericCustomer,
});
export type GenericOrder = z.infer<typeof GenericOrder>;

export const GenericRefund = z.strictObject({
  externalId: OrderRef,
  /** The sender's id for this refund: the same refund sent twice counts once. */
  refundId: Text(100),
  amount: Money,
  reason: Text(500).optional(),
});
export type GenericRefund = z.infer<typeof GenericRefund>;

export const GenericCancel = z.strictObject({ externalId: OrderRef, reason: Text(500).optional() });
export type GenericCancel = z.infer<typeof GenericCancel>;

export const genericTypes = ['customer.upsert', 'order.created', 'order.refunded', 'order.cancelled'] as const;
export type GenericType = (typeof genericTypes)[number];

export const GenericEnvelope = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('customer.upsert'), data: GenericCustomer }),
  z.strictObject({ type: z.literal('order.created'), data: GenericOrder }),
  z.strictObject({ type: z.literal('order.refunded'), data: GenericRefund }),
  z.strictObject({ type: z.literal('order.cancelled'), data: GenericCancel }),
]);
export type GenericEnvelope = z.infer<typeof GenericEnvelope>;

/** A body's `type` when it names one Kehu knows; anything else is answered 200 and ignored (logged). */
export function knownGenericType(body: unknown): GenericType | null {
  const type = body && typeof body === 'object' && !Array.isArray(body) ? (body as { type?: unknown }).type : undefined;
  return typeof type === 'string' && (genericTypes as readonly string[]).includes(type) ? (type as GenericType) : null;
}
