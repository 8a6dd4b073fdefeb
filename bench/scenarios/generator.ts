import { createGenerator, Random } from '../generator/index.ts';
import { machineLine, markdownTable, num } from '../lib/report.ts';
import type { Scenario } from './types.ts';

export const generatorScenario: Scenario = {
  name: 'generator',
  title: 'Data generator speed',
  async run(ctx) {
    const machine = machineLine();
    const gen = createGenerator({ seed: 1 });
    const customers = Math.round(1_000_000 * ctx.scale);
    const orderCustomers = Math.round(300_000 * ctx.scale);

    // The raw limit: the bare PRNG, one 32-bit draw at a time.
    const rng = new Random(1);
    const draws = 20_000_000;
    let t0 = performance.now();
    let x = 0;
    for (let i = 0; i < draws; i++) x ^= rng.uint32();
    const drawsPerSecond = (draws * 1000) / (performance.now() - t0);

    ctx.log(`  ${num(customers)} customers`);
    t0 = performance.now();
    let chars = 0;
    for (const c of gen.customers(customers)) chars += c.name.length;
    const customerMs = performance.now() - t0;

    ctx.log(`  orders of ${num(orderCustomers)} customers`);
    t0 = performance.now();
    let orders = 0;
    let items = 0;
    for (const o of gen.orders(orderCustomers, customers)) {
      orders++;
      items += o.items.length;
    }
    const orderMs = performance.now() - t0;
    if (x === 0.5 || chars < 0) throw new Error('unreachable');

    const perSecond = (n: number, ms: number) => (n * 1000) / ms;
    return [
      `### ${this.title}`,
      '',
      `Measured ${machine}.`,
      '',
      markdownTable({
        head: ['what', 'generated', 'seconds', 'per second'],
        rows: [
          [
            'customers (profile, mobile, email, birthday, region, store)',
            num(customers),
            num(customerMs / 1000, 2),
            num(perSecond(customers, customerMs)),
          ],
          [
            `orders (of ${num(orderCustomers)} customers, ${num(items)} items)`,
            num(orders),
            num(orderMs / 1000, 2),
            num(perSecond(orders, orderMs)),
          ],
          ['raw limit: bare PRNG draws (sfc32)', num(draws), '–', num(drawsPerSecond)],
        ],
      }),
      '',
      'One thread, streaming (an iterator; nothing is kept in memory). At this rate a million customers ' +
        `take about ${num(1_000_000 / perSecond(customers, customerMs), 1)} s. Order generation includes ` +
        're-generating each customer it belongs to.',
    ].join('\n');
  },
};
