import type { ImportKind } from './api';

/** What a column can be imported as (the server's mapping.ts; custom attributes are added at run time). */
export const targetsByKind: Record<ImportKind, string[]> = {
  customers: [
    'name',
    'lastName',
    'firstName',
    'mobile',
    'email',
    'gender',
    'birthday',
    'memberCard',
    'externalId',
    'wechatOpenId',
    'wechatUnionId',
    'idNumber',
    'address',
    'country',
    'province',
    'city',
    'district',
    'occupation',
    'incomeBand',
    'education',
    'tags',
  ],
  orders: [
    'orderNumber',
    'placedAt',
    'customerMobile',
    'customerEmail',
    'customerMemberCard',
    'customerExternalId',
    'customerName',
    'amount',
    'discount',
    'status',
    'store',
    'sku',
    'productName',
    'quantity',
    'price',
  ],
};

/** Targets several columns may feed (joined); the others take one column each. */
export const multiColumnTargets = new Set(['address', 'tags']);
