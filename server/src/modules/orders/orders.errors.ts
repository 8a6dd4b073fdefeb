import { DomainError } from '../../platform/http/errors.ts';
import './orders.messages.ts';

export type OrdersErrorCode =
  | 'ORDERS_UNKNOWN_CUSTOMER'
  | 'ORDERS_UNKNOWN_STORE'
  | 'ORDERS_UNKNOWN_PRODUCT'
  | 'ORDERS_SKU_NAME_REQUIRED'
  | 'ORDERS_SKU_MISMATCH'
  | 'ORDERS_AMOUNTS_MISMATCH'
  | 'ORDERS_DISCOUNT_EXCEEDS_SUBTOTAL'
  | 'ORDERS_REFUNDED_AMOUNT_INVALID'
  | 'ORDERS_NOT_CANCELLABLE'
  | 'ORDERS_NOT_REFUNDABLE'
  | 'ORDERS_REFUND_NOT_POSITIVE'
  | 'ORDERS_REFUND_EXCEEDS'
  | 'ORDERS_CATEGORY_CYCLE'
  | 'ORDERS_CATEGORY_NOT_EMPTY';

export const ordersErrors = {
  unknownCustomer: () => new DomainError('invalid', 'ORDERS_UNKNOWN_CUSTOMER', {}, 'customerId'),
  unknownStore: () => new DomainError('invalid', 'ORDERS_UNKNOWN_STORE', {}, 'storeId'),
  unknownProduct: (index: number) =>
    new DomainError('invalid', 'ORDERS_UNKNOWN_PRODUCT', { line: index + 1 }, `items.${index}.productId`),
  skuNameRequired: (index: number, sku: string) =>
    new DomainError('invalid', 'ORDERS_SKU_NAME_REQUIRED', { line: index + 1, sku }, `items.${index}.name`),
  skuMismatch: (index: number) =>
    new DomainError('invalid', 'ORDERS_SKU_MISMATCH', { line: index + 1 }, `items.${index}.sku`),
  amountsMismatch: (expected: string, actual: string) =>
    new DomainError('invalid', 'ORDERS_AMOUNTS_MISMATCH', { expected, actual }, 'paidAmount'),
  discountExceedsSubtotal: (subtotal: string) =>
    new DomainError('invalid', 'ORDERS_DISCOUNT_EXCEEDS_SUBTOTAL', { subtotal }, 'discount'),
  refundedAmountInvalid: (status: string) =>
    new DomainError('invalid', 'ORDERS_REFUNDED_AMOUNT_INVALID', { status }, 'refundedAmount'),
  notCancellable: (status: string) => new DomainError('conflict', 'ORDERS_NOT_CANCELLABLE', { status }),
  notRefundable: (status: string) => new DomainError('conflict', 'ORDERS_NOT_REFUNDABLE', { status }),
  refundNotPositive: () => new DomainError('invalid', 'ORDERS_REFUND_NOT_POSITIVE', {}, 'amount'),
  refundExceeds: (available: string) => new DomainError('invalid', 'ORDERS_REFUND_EXCEEDS', { available }, 'amount'),
  categoryCycle: () => new DomainError('invalid', 'ORDERS_CATEGORY_CYCLE', {}, 'parentId'),
  categoryNotEmpty: (children: number, products: number) =>
    new DomainError('conflict', 'ORDERS_CATEGORY_NOT_EMPTY', { children, products }),
} satisfies Record<string, (...args: never[]) => DomainError>;
