import { createHash } from 'node:crypto';
import type { AttributeDefinitionRef } from '../customers/index.ts';
import { importsErrors } from './imports.errors.ts';

/**
 * What each column of a file is imported as. A mapping is one target per column (`''` leaves
 * the column out), recognised from the header in Chinese or English, with Shopify's customer
 * export columns among them, and remembered per import kind and header row.
 */
export const importKinds = ['customers', 'orders'] as const;
export type ImportKind = (typeof importKinds)[number];

export const customerTargets = [
  'name',
  'lastName',
  'firstName',
  'gender',
  'birthday',
  'mobile',
  'email',
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
  'externalId',
  'memberCard',
  'tags',
] as const;

export const orderTargets = [
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
] as const;

/** Targets several columns may feed (joined or merged); every other target takes one column. */
const multiColumn = new Set(['address', 'tags']);

/** Customer targets that identify a person (a row needs one of them to be matched again next time). */
export const customerIdentifiers = ['mobile', 'email', 'externalId', 'memberCard', 'wechatOpenId', 'wechatUnionId'];
export const orderCustomerIdentifiers = ['customerMobile', 'customerEmail', 'customerMemberCard', 'customerExternalId'];

/** Header spellings, normalised by `normaliseHeader`. */
const customerSynonyms: Record<(typeof customerTargets)[number], string[]> = {
  name: ['姓名', '名字', '客户姓名', '会员姓名', '客户名称', '联系人', '顾客姓名', 'name', 'fullname', 'customername'],
  lastName: ['姓', '姓氏', 'lastname', 'surname', 'familyname'],
  firstName: ['名', 'firstname', 'givenname'],
  gender: ['性别', 'gender', 'sex'],
  birthday: ['生日', '出生日期', '出生年月日', '出生年月', 'birthday', 'birthdate', 'dateofbirth', 'dob'],
  mobile: [
    '手机号',
    '手机',
    '手机号码',
    '电话',
    '联系电话',
    '电话号码',
    '联系方式',
    '移动电话',
    '会员手机号',
    'mobile',
    'phone',
    'phonenumber',
    'mobilephone',
    'mobilenumber',
    'cellphone',
    'tel',
  ],
  email: ['邮箱', '电子邮箱', '电子邮件', '邮件', '邮箱地址', 'email', 'emailaddress', 'mail'],
  wechatOpenId: ['openid', '微信openid'],
  wechatUnionId: ['unionid', '微信unionid'],
  idNumber: ['身份证', '身份证号', '身份证号码', '证件号', '证件号码', 'idnumber', 'idcard'],
  address: [
    '地址',
    '详细地址',
    '联系地址',
    '收货地址',
    '通讯地址',
    '家庭地址',
    'address',
    'address1',
    'address2',
    'defaultaddressaddress1',
    'defaultaddressaddress2',
  ],
  country: ['国家', '国家地区', 'country', 'countrycode', 'defaultaddresscountrycode'],
  province: ['省份', '省', '所在省份', '所在省', 'province', 'state', 'provincecode', 'defaultaddressprovincecode'],
  city: ['城市', '市', '所在城市', '所在市', 'city', 'defaultaddresscity'],
  district: ['区县', '区', '县', '区/县', '所在区县', 'district', 'county'],
  occupation: ['职业', 'occupation', 'job', 'jobtitle'],
  incomeBand: ['收入', '收入水平', '月收入', '年收入', 'income', 'incomeband'],
  education: ['学历', '教育程度', '最高学历', 'education'],
  externalId: ['外部id', '客户id', '客户编号', '会员id', '顾客编号', 'customerid', 'externalid', 'id'],
  memberCard: ['会员卡号', '卡号', '会员号', '会员编号', '会员卡', 'membercard', 'cardnumber', 'membercardnumber'],
  tags: ['标签', '客户标签', 'tags', 'tag'],
};

const orderSynonyms: Record<(typeof orderTargets)[number], string[]> = {
  orderNumber: [
    '订单号',
    '订单编号',
    '单号',
    '小票号',
    '流水号',
    '交易单号',
    'ordernumber',
    'orderno',
    'orderid',
    'order',
  ],
  placedAt: [
    '下单时间',
    '订单时间',
    '交易时间',
    '消费时间',
    '购买时间',
    '支付时间',
    '下单日期',
    '购买日期',
    '消费日期',
    '日期',
    '时间',
    'placedat',
    'orderdate',
    'date',
    'createdat',
    'paidat',
  ],
  customerMobile: ['手机号', '手机', '手机号码', '电话', '会员手机号', '客户手机', '联系电话', 'mobile', 'phone'],
  customerEmail: ['邮箱', '电子邮箱', '客户邮箱', 'email'],
  customerMemberCard: ['会员卡号', '卡号', '会员号', '会员编号', 'membercard', 'cardnumber'],
  customerExternalId: ['客户id', '客户编号', '会员id', 'customerid'],
  customerName: ['姓名', '客户姓名', '会员姓名', '顾客姓名', 'name', 'customername'],
  amount: ['实付金额', '支付金额', '订单金额', '实付', '金额', '消费金额', '实收金额', 'total', 'amount', 'paidamount'],
  discount: ['优惠', '优惠金额', '折扣', '折扣金额', 'discount'],
  status: ['状态', '订单状态', 'status', 'orderstatus'],
  store: ['门店', '门店编号', '门店代码', '门店编码', '店铺', '店铺编码', 'store', 'storecode', 'shop'],
  sku: ['sku', '商品编码', '货号', '商品编号', '条码', 'productcode', 'barcode'],
  productName: ['商品名称', '商品', '品名', '商品名', 'productname', 'product', 'item', 'itemname'],
  quantity: ['数量', '件数', '购买数量', 'quantity', 'qty'],
  price: ['单价', '价格', '售价', '销售单价', 'price', 'unitprice'],
};

/** `Default Address Province Code`, `手机号码：` and `E-mail` all compare without case, spaces or punctuation. */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.:：()（）/\\*#]+/g, '');
}

/** Same headers in the same order → same signature: how a remembered mapping finds its file. */
export function headerSignature(headers: readonly string[]): string {
  return createHash('sha256').update(headers.map(normaliseHeader).join('\u0000')).digest('hex');
}

export function targetsOf(kind: ImportKind, attributes: readonly AttributeDefinitionRef[]): string[] {
  return kind === 'customers'
    ? [...customerTargets, ...attributes.map((a) => `attributes.${a.key}`)]
    : [...orderTargets];
}

/** A target per column from the headers: the first column to claim a single-column target gets it. */
export function suggestMapping(
  kind: ImportKind,
  headers: readonly string[],
  attributes: readonly AttributeDefinitionRef[],
): string[] {
  const synonyms: Record<string, string[]> = kind === 'customers' ? { ...customerSynonyms } : { ...orderSynonyms };
  if (kind === 'customers') {
    for (const a of attributes) synonyms[`attributes.${a.key}`] = [normaliseHeader(a.key), normaliseHeader(a.label)];
  }
  const lookup = new Map<string, string>();
  for (const [target, words] of Object.entries(synonyms)) {
    for (const w of words) if (!lookup.has(normaliseHeader(w))) lookup.set(normaliseHeader(w), target);
  }
  const taken = new Set<string>();
  return headers.map((h) => {
    const target = lookup.get(normaliseHeader(h));
    if (!target || (taken.has(target) && !multiColumn.has(target))) return '';
    taken.add(target);
    return target;
  });
}

/**
 * Checks a mapping against the file and kind: one entry per column, known targets, single
 * targets once, and what the kind cannot do without. `label` names a target in the reader's language.
 */
export function checkMapping(
  kind: ImportKind,
  headers: readonly string[],
  columns: readonly string[],
  attributes: readonly AttributeDefinitionRef[],
  label: (target: string) => string,
): void {
  if (columns.length !== headers.length) throw importsErrors.mappingLength(headers.length);
  const known = new Set(targetsOf(kind, attributes));
  const first = new Map<string, number>();
  columns.forEach((target, index) => {
    if (target === '') return;
    if (!known.has(target)) throw importsErrors.unknownTarget(index, target);
    const before = first.get(target);
    if (before !== undefined && !multiColumn.has(target)) {
      throw importsErrors.targetTwice(index, label(target), headers[before]);
    }
    first.set(target, index);
  });
  const mapped = (t: string) => first.has(t);
  if (kind === 'customers') {
    if (!customerIdentifiers.some(mapped)) throw importsErrors.identifierRequired();
    return;
  }
  for (const t of ['orderNumber', 'placedAt']) if (!mapped(t)) throw importsErrors.targetRequired(label(t));
  if (!orderCustomerIdentifiers.some(mapped)) throw importsErrors.identifierRequired();
  if (!mapped('amount') && !mapped('price')) throw importsErrors.targetRequired(label('amount'));
}
