import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureSeeded,
  generatorFingerprint,
  type SeedPlan,
  type SeedReport,
  type SeedTarget,
} from '../lib/customers-seed.ts';
import { machineLine, markdownTable, num } from '../lib/report.ts';
import type { BenchContext, Scenario } from './types.ts';

/** The issue's sizes: a million customers on the server, a hundred thousand on PGlite (×10 orders each). */
const PG_CUSTOMERS = 1_000_000;
const PGLITE_CUSTOMERS = 100_000;

export type SeededDatabase = { label: 'PostgreSQL' | 'PGlite'; target: SeedTarget; plan: SeedPlan };

export function seedPlan(customers: number): SeedPlan {
  const orderRate = 10;
  return {
    customers: Math.max(200, Math.round(customers)),
    orderRate,
    seed: 1,
    vipActivities: 2000,
    generator: generatorFingerprint(1, orderRate),
  };
}

/**
 * Where each seeded data set lives: a database named after its size on the server of
 * BENCH_DATABASE_URL (kept between runs), and a PGlite directory under BENCH_DATA_DIR (default
 * the system temp directory), so a run at another BENCH_SCALE never destroys the big one.
 */
export function seededDatabases(ctx: BenchContext): SeededDatabase[] {
  const out: SeededDatabase[] = [];
  const pglite = seedPlan(PGLITE_CUSTOMERS * ctx.scale);
  const dir = process.env.BENCH_DATA_DIR || tmpdir();
  out.push({
    label: 'PGlite',
    plan: pglite,
    target: { kind: 'pglite', dataDir: join(dir, `kehu-bench-customers-${pglite.customers}`) },
  });
  if (ctx.pgUrl) {
    const plan = seedPlan(PG_CUSTOMERS * ctx.scale);
    out.push({
      label: 'PostgreSQL',
      plan,
      target: { kind: 'postgres', serverUrl: ctx.pgUrl, database: `kehu_bench_customers_${plan.customers}` },
    });
  }
  return out;
}

const seconds = (ms: number) => num(ms / 1000, 1);

export function seedTable(report: SeedReport): string {
  const rows = report.phases.map((p) => [
    p.name,
    num(p.rows),
    seconds(p.ms),
    p.name === 'indexes' || p.name === 'schema' || p.name.startsWith('vacuum') ? '–' : num((p.rows * 1000) / p.ms),
    p.note ?? '',
  ]);
  rows.push(['**total**', '', `**${seconds(report.totalMs)}**`, '', '']);
  return markdownTable({ head: ['phase', 'rows', 'seconds', 'rows/s', 'what'], rows });
}

function sizes(report: SeedReport): string {
  const c = report.counts;
  return (
    `${num(c.customers)} customers, ${num(c.orders)} orders (${num(c.orders / c.customers, 2)} a customer), ` +
    `${num(c.order_items)} order items, ${num(c.order_changes)} order changes, ${num(c.activities)} timeline rows, ` +
    `${num(c.products)} products, ${num(c.touchpoints)} touchpoints; ${num(report.bytes / 2 ** 30, 2)} GiB on disk`
  );
}

function slowestIndexes(report: SeedReport): string {
  return [...report.indexes]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 6)
    .map((i) => `\`${i.name}\` ${seconds(i.ms)} s`)
    .join(', ');
}

export const customersSeedScenario: Scenario = {
  name: 'customers-seed',
  title: 'Seeding the customer data set (issue 4)',
  onlyWhenNamed: true,
  async run(ctx) {
    const machine = machineLine();
    const parts: string[] = [`### ${this.title}`, '', `Measured ${machine}.`, ''];
    for (const d of seededDatabases(ctx)) {
      ctx.log(` ${d.label}: ${num(d.plan.customers)} customers`);
      const { report, reused } = await ensureSeeded(d.target, d.plan, ctx.log);
      parts.push(
        `#### ${d.label}`,
        '',
        `${sizes(report)}.` +
          (reused
            ? ` Seeded ${report.seededAt.slice(0, 16).replace('T', ' ')} UTC and reused by this run (the times are from that seeding).`
            : ''),
        '',
        seedTable(report),
        '',
        ...(report.nice !== undefined
          ? [
              `Seeded at nice ${report.nice}${report.nice > 0 && d.target.kind === 'postgres' ? ', its server backends reniced to match' : ''}` +
                `${report.loadAverage ? `, load average ${report.loadAverage.join(' / ')} when it started` : ''}` +
                '; the machine is shared, other work ran at the same time.',
              '',
            ]
          : []),
        `Slowest index builds: ${slowestIndexes(report)}.`,
        '',
      );
    }
    if (!ctx.pgUrl) parts.push('PostgreSQL not seeded in this run (set `BENCH_DATABASE_URL`).', '');
    parts.push(
      'What is written is what the application writes: ids generated up front, mobile and email ' +
        'normalised and sealed with the platform field encryption (AES-256-GCM bound to the row) plus ' +
        'their blind indexes, `name_terms` for name search, orders with items, an order change ' +
        '`created` and an `order.created` timeline row each, a `customer.created` row per customer, and ' +
        'the `customer_stats` row computed while the orders stream past (count and spend over paid ' +
        'orders, first and last order). The data comes from the deterministic generator ' +
        "(`bench/generator`, seed 1, `orderRate` 10, which stretches repeat and loyal buyers' order " +
        'counts to about 10 orders a customer); the first loyal customer also gets notes, ' +
        'tags and profile edits up to 2,000 timeline rows for the Customer 360. Each table is loaded ' +
        'with COPY (PostgreSQL: `pg-copy-streams`, one connection per table; PGlite: `COPY … FROM ' +
        "'/dev/blob'` in 8 MB chunks) with its keys, indexes and foreign keys dropped, and those are " +
        'rebuilt afterwards from their definitions in the migrations (the schema ends identical), then ' +
        '`VACUUM (ANALYZE)`. A marker table (`bench_seed`) lets later runs reuse the database; the ' +
        'server database is named after its size (`kehu_bench_customers_<N>`).',
    );
    return parts.join('\n');
  },
};
