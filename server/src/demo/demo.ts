import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/db.ts';
import { defaultSettings, type SettingsService } from '../platform/settings/settings.service.ts';
import type { CustomersModule } from '../modules/customers/index.ts';
import type { OrdersModule } from '../modules/orders/index.ts';
import type { DepartmentSeed, StaffModule, UserSeed } from '../modules/staff/index.ts';
import { demoCustomersPresent, loadDemoCustomers } from './demo-customers.ts';

/**
 * The demo business: 悦享生活, a Chinese lifestyle retail brand with stores in several provinces
 * and an online shop. This issue seeds its organisation and one sign-in per built-in role; later
 * modules add customers, orders and the rest through their own seeders.
 */
export const demoPassword = 'Kehu-Demo-2026!';

const departments: DepartmentSeed[] = [
  {
    name: '总部',
    children: [
      { name: '市场部', children: [{ name: '会员运营组' }, { name: '内容与活动组' }] },
      { name: '销售部', children: [{ name: '华东大区' }, { name: '华南大区' }, { name: '华北大区' }] },
      { name: '网销部' },
      { name: '客服部' },
      { name: '售后部' },
      { name: '数据分析组' },
    ],
  },
];

export const demoUsers: UserSeed[] = [
  { name: '周敏', email: 'admin@demo.kehu.cn', roles: ['admin'], department: '总部', password: demoPassword },
  {
    name: '李娜',
    email: 'marketing@demo.kehu.cn',
    roles: ['marketing'],
    department: '会员运营组',
    password: demoPassword,
  },
  { name: '王强', email: 'sales@demo.kehu.cn', roles: ['sales'], department: '华东大区', password: demoPassword },
  { name: '陈晓', email: 'online@demo.kehu.cn', roles: ['online_sales'], department: '网销部', password: demoPassword },
  {
    name: '刘洋',
    email: 'service@demo.kehu.cn',
    roles: ['service_agent'],
    department: '客服部',
    password: demoPassword,
  },
  {
    name: '赵静',
    email: 'service.lead@demo.kehu.cn',
    roles: ['service_manager'],
    department: '客服部',
    password: demoPassword,
  },
  { name: '孙悦', email: 'analyst@demo.kehu.cn', roles: ['analyst'], department: '数据分析组', password: demoPassword },
  { name: '吴昊', email: 'viewer@demo.kehu.cn', roles: ['read_only'], department: '售后部', password: demoPassword },
];

/** Example segments a marketer would start with (rule format: docs/api/segment-rules.md). */
export const demoSegments = [
  {
    name: '高价值女性客户',
    description: '近一年消费满 3000 元的女性客户',
    rules: {
      version: 1,
      and: [
        { field: 'profile.gender', op: 'in', value: ['female'] },
        { field: 'orders.total', op: 'gte', value: '3000', window: { lastDays: 365 } },
      ],
    },
  },
  {
    name: '90 天未复购的老客',
    description: '下过两单以上，最近一单在 90 天前',
    rules: {
      version: 1,
      and: [
        { field: 'orders.count', op: 'gte', value: 2 },
        { field: 'orders.lastOrderAt', op: 'moreThanDaysAgo', value: 90 },
      ],
    },
  },
  {
    name: '美妆或母婴兴趣人群',
    description: '带“美妆达人”或“母婴”标签，或近半年买过两次以上',
    rules: {
      version: 1,
      or: [
        { field: 'tags', op: 'hasAny', value: ['美妆达人', '母婴'] },
        { field: 'orders.count', op: 'gte', value: 2, window: { lastDays: 180 } },
      ],
    },
  },
];

/** Should this start load the demo business? `KEHU_DEMO=1` always, `0` never, unset: a new embedded database. */
export async function wantsDemo(config: Config, db: Db, staff: StaffModule): Promise<boolean> {
  if (config.demo === 'on') return true;
  if (config.demo === 'off') return false;
  return db.kind === 'pglite' && (await staff.directory.countUsers()) === 0;
}

export async function loadDemo(deps: {
  staff: StaffModule;
  settings: SettingsService;
  /** Customers and orders (see demo-customers.ts); loaded only into a database without customers. */
  business: {
    db: Db;
    customers: Pick<CustomersModule, 'seeder'>;
    orders: Pick<OrdersModule, 'seeder'>;
    now: () => Date;
  };
  /**
   * Work the other modules do once the demo customers are new (queue the first scoring and the
   * duplicate scan, add example segments), so no screen of a first start is empty.
   */
  afterCustomers?: () => Promise<string[]>;
}): Promise<string[]> {
  const result = await deps.staff.seeder.seed(departments, demoUsers);
  const current = await deps.settings.get();
  if (current.businessName === defaultSettings.businessName) {
    await deps.settings.update({ businessName: '悦享生活（演示）' }, async () => undefined);
  }
  // after the staff: customers are owned by the demo's sales users
  const business = await loadDemoCustomers(deps.business);
  if (deps.afterCustomers && !business.includes(demoCustomersPresent)) business.push(...(await deps.afterCustomers()));
  const width = Math.max(...demoUsers.map((u) => u.email.length));
  return [
    result.users
      ? `demo business loaded (${result.users} staff, ${result.departments} departments)`
      : 'demo business present',
    ...business,
    `demo sign-ins (password ${demoPassword}):`,
    ...demoUsers.map((u) => `  ${u.email.padEnd(width)}  ${u.roles.join(', ')}`),
  ];
}
