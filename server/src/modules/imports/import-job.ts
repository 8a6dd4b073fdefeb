import { join } from 'node:path';
import type { Tx } from '../../platform/db/db.ts';
import { isDomainError, type DomainError } from '../../platform/http/errors.ts';
import { isLocale, translator } from '../../platform/i18n/i18n.ts';
import type { JobContext } from '../../platform/jobs/jobs.service.ts';
import type { CollectedCustomer, Collector } from '../customers/index.ts';
import type { IngestOrderInput } from '../orders/index.ts';
import { readRows, type SheetRow } from './file-reader.ts';
import type { ImportsContext } from './imports.context.ts';
import { isFileError } from './imports.errors.ts';
import { importsRepository as repo, type Counts, type ImportRow, type IssueRow } from './imports.repository.ts';
import {
  columnOfField,
  createCustomerRowMapper,
  createOrderRowMapper,
  IMPORT_SOURCE,
  problemsOf,
  type OrderRowValue,
  type RowProblem,
} from './row-mapper.ts';

/** Another worker took the import over (see `repo.advance`): this one stops without a trace. */
class Superseded extends Error {}

export const VALIDATE_JOB = 'imports.validate';
export const RUN_JOB = 'imports.run';
const RETRY_LIMIT = 2;

export const fileOf = (ctx: Pick<ImportsContext, 'dir'>, id: string) => join(ctx.dir, `${id}.data`);

/** A data row with its place among the data rows (1-based): what `position` counts. */
type DataRow = SheetRow & { n: number };

/** The file's data rows (the header skipped), with how much of the file has been read. */
async function* dataRows(ctx: ImportsContext, row: ImportRow, onProgress: (share: number) => void) {
  let read = 0;
  let n = 0;
  let header = true;
  const rows = readRows({ path: fileOf(ctx, row.id), format: row.format, encoding: row.encoding }, (bytes) => {
    read += bytes;
  });
  for await (const r of rows) {
    if (header) {
      header = false;
      continue;
    }
    n++;
    onProgress(row.file_size ? Math.min(1, read / row.file_size) : 0);
    yield { ...r, n } satisfies DataRow;
  }
}

/** Progress on the job and the import (what the screen polls), written at most once per percent. */
function progressOf(ctx: ImportsContext, importId: string, job: JobContext) {
  let last = -1;
  let share = 0;
  return {
    set(s: number) {
      share = s;
    },
    async report() {
      const pct = Math.min(99, Math.floor(share * 100));
      if (pct === last) return;
      last = pct;
      await job.progress(pct);
      await repo.update(ctx.db, importId, { progress: pct }, ctx.now());
    },
  };
}

const issue = (r: DataRow, problems: RowProblem[]): IssueRow => ({ line: r.line, problems, cells: r.cells });

// ── customers ──────────────────────────────────────────────────────────────────────────────

type CustomerPlan = {
  mapper: ReturnType<typeof createCustomerRowMapper>;
  columnOf: (field: string | undefined) => number | null;
};

async function customerPlan(ctx: ImportsContext, row: ImportRow): Promise<CustomerPlan> {
  const columns = row.mapping?.columns ?? [];
  const attributes = await ctx.customers.attributeDefinitions(ctx.db);
  return {
    mapper: createCustomerRowMapper({
      headers: row.headers,
      columns,
      attributes,
      touchpointId: row.touchpoint_id,
      onMatch: row.on_match,
      summary: { importId: row.id, fileName: row.file_name },
    }),
    columnOf: (field) => columnOfField(columns, field),
  };
}

// ── orders ─────────────────────────────────────────────────────────────────────────────────

/** The rows of one order number as they stand in the file (consecutive). */
type OrderGroup = { number: string; rows: { row: DataRow; value: OrderRowValue | null; problems: RowProblem[] }[] };
type BuiltOrder = {
  group: OrderGroup;
  customer: CollectedCustomer;
  input: Omit<IngestOrderInput, 'customerId'>;
  /** The file line of each item, for an orders error that names an item. */
  itemLines: number[];
};

const fen = (m: string) => BigInt(m.replace('.', ''));
const yuan = (f: bigint) => `${f / 100n}.${String(f % 100n).padStart(2, '0')}`;

type OrderPlan = {
  mapper: ReturnType<typeof createOrderRowMapper>;
  columns: string[];
  headers: string[];
  stores: Map<string, string | null>;
  fallbackLine: string;
};

async function orderPlan(ctx: ImportsContext, row: ImportRow): Promise<OrderPlan> {
  const columns = row.mapping?.columns ?? [];
  const t = translator(isLocale(row.locale) ? row.locale : 'zh-CN');
  return {
    mapper: createOrderRowMapper({ headers: row.headers, columns, timeZone: await ctx.timeZone() }),
    columns,
    headers: row.headers,
    stores: new Map(),
    fallbackLine: t('importFile.orderLine'),
  };
}

/** Store codes → touchpoint ids, looked up once each (outside any transaction: PGlite has one session). */
async function lookUpStores(ctx: ImportsContext, plan: OrderPlan, groups: OrderGroup[]) {
  for (const g of groups) {
    for (const r of g.rows) {
      const code = r.value?.store;
      if (code && !plan.stores.has(code)) {
        plan.stores.set(code, (await ctx.customers.findTouchpoint(ctx.db, { code }))?.id ?? null);
      }
    }
  }
}

/**
 * One order from its rows: order-level values agree across rows, every row is readable, the
 * amounts add up. Problems land on the rows they are in; an order with any problem is refused
 * whole, its other rows saying so.
 */
function buildOrder(plan: OrderPlan, row: ImportRow, g: OrderGroup, collector: Collector): BuiltOrder | null {
  const first = new Map<string, { value: string; line: number }>();
  const keyOf: Record<string, (v: OrderRowValue) => string | null> = {
    placedAt: (v) => v.placedAt?.toISOString() ?? null,
    amount: (v) => v.amount,
    discount: (v) => v.discount,
    status: (v) => v.status,
    store: (v) => v.store,
    customerMobile: (v) => (v.customer.profile.mobile as string | undefined) ?? null,
    customerEmail: (v) => (v.customer.profile.email as string | undefined) ?? null,
    customerExternalId: (v) => (v.customer.profile.externalId as string | undefined) ?? null,
    customerMemberCard: (v) => v.customer.ids[0]?.value ?? null,
  };
  for (const r of g.rows) {
    if (!r.value) continue;
    for (const [key, get] of Object.entries(keyOf)) {
      const v = get(r.value);
      if (v === null) continue;
      const seen = first.get(key);
      if (!seen) first.set(key, { value: v, line: r.row.line });
      else if (seen.value !== v) {
        const column = r.value.columns[key] ?? null;
        r.problems.push({
          column,
          code: 'IMPORT_ROW_ORDER_DIFFERS',
          params: { column: column === null ? key : plan.headers[column] },
        });
      }
    }
  }
  const head = g.rows.find((r) => r.value)?.value;
  const lines = g.rows.flatMap((r) => (r.value?.line ? [{ line: r.value.line, at: r.row.line }] : []));
  if (head) {
    const store = g.rows.map((r) => r.value?.store).find(Boolean);
    if (store && !plan.stores.get(store)) {
      const r = g.rows.find((x) => x.value?.store === store)!;
      r.problems.push({ column: r.value!.columns.store, code: 'IMPORT_ROW_UNKNOWN_STORE', params: { value: store } });
    }
  }
  const rowWith = (get: (v: OrderRowValue) => unknown) => g.rows.find((r) => r.value && get(r.value)) ?? g.rows[0];
  const value = (get: (v: OrderRowValue) => string | null) =>
    g.rows.map((r) => (r.value ? get(r.value) : null)).find((v) => v !== null) ?? null;
  const amount = value((v) => v.amount);
  const discount = value((v) => v.discount) ?? '0.00';
  const subtotal = lines.reduce((s, l) => s + BigInt(l.line.quantity) * fen(l.line.price), 0n);
  const paid = amount ?? yuan(subtotal - fen(discount));
  if (head && lines.length) {
    if (fen(discount) > subtotal) {
      const r = rowWith((v) => v.discount);
      r.problems.push({
        column: r.value?.columns.discount ?? null,
        code: 'ORDERS_DISCOUNT_EXCEEDS_SUBTOTAL',
        params: { subtotal: yuan(subtotal) },
      });
    } else if (amount !== null && fen(amount) !== subtotal - fen(discount)) {
      const r = rowWith((v) => v.amount);
      r.problems.push({
        column: r.value?.columns.amount ?? null,
        code: 'ORDERS_AMOUNTS_MISMATCH',
        params: { expected: yuan(subtotal - fen(discount)), actual: amount },
      });
    }
  }
  const customerRow = rowWith((v) => v.customer.profile.mobile || v.customer.profile.email || v.customer.ids.length);
  const customer: CollectedCustomer = {
    profile: { ...(customerRow.value?.customer.profile ?? {}) },
    ids: customerRow.value?.customer.ids ?? [],
    onMatch: row.on_match,
    source: IMPORT_SOURCE,
    touchpointId: row.touchpoint_id,
    summary: { importId: row.id, fileName: row.file_name },
  };
  if (head) {
    const err = collector.check(customer);
    if (err) {
      customerRow.problems.push(...problemsOf(err, (field) => columnOfField(plan.columns, field, 'customer')));
    }
  }
  if (g.rows.some((r) => r.problems.length)) {
    for (const r of g.rows) {
      if (!r.problems.length) r.problems.push({ column: null, code: 'IMPORT_ROW_SAME_ORDER_FAILED', params: {} });
    }
    return null;
  }
  const items = lines.length
    ? lines.map((l) => ({
        sku: l.line.sku,
        name: l.line.name ?? undefined,
        quantity: l.line.quantity,
        price: l.line.price,
      }))
    : // a summary export (one amount per order): one line for the whole of it
      [{ sku: 'import-order', name: plan.fallbackLine, quantity: 1, price: yuan(fen(paid) + fen(discount)) }];
  const store = value((v) => v.store);
  return {
    group: g,
    customer,
    itemLines: lines.length ? lines.map((l) => l.at) : [g.rows[0].row.line],
    input: {
      externalId: g.number,
      source: IMPORT_SOURCE,
      storeId: store ? plan.stores.get(store)! : row.touchpoint_id,
      status: value((v) => v.status) as IngestOrderInput['status'],
      paidAmount: paid,
      discount,
      placedAt: head!.placedAt!.toISOString(),
      items,
    },
  };
}

/** Consecutive rows with the same order number; a number seen before, not adjacent, is refused on that row. */
function groupOrders(plan: OrderPlan, rows: DataRow[], seen: Map<string, number>): OrderGroup[] {
  const groups: OrderGroup[] = [];
  for (const row of rows) {
    const { value, problems } = plan.mapper(row.cells);
    const number = value?.orderNumber ?? `\u0000row${row.n}`;
    const last = groups[groups.length - 1];
    if (last && last.number === number) {
      last.rows.push({ row, value, problems });
      continue;
    }
    const before = value ? seen.get(number) : undefined;
    if (before !== undefined) {
      problems.push({
        column: plan.columns.indexOf('orderNumber'),
        code: 'IMPORT_ROW_ORDER_NOT_ADJACENT',
        params: { orderNumber: number, firstLine: before },
      });
    } else if (value) seen.set(number, row.line);
    groups.push({ number, rows: [{ row, value, problems }] });
  }
  return groups;
}

/** An orders error that names an item (`line` = item number) names the file line instead. */
function orderProblems(err: DomainError, built: BuiltOrder, plan: OrderPlan): RowProblem[] {
  const params = { ...err.params };
  if (typeof params.line === 'number') params.line = built.itemLines[params.line - 1] ?? params.line;
  const field = err.field ?? '';
  const target =
    { paidAmount: 'amount', discount: 'discount', storeId: 'store', placedAt: 'placedAt' }[field] ??
    (field.startsWith('items') ? 'sku' : '');
  const column = target ? plan.columns.indexOf(target) : -1;
  return [{ column: column >= 0 ? column : null, code: err.code, params }];
}

// ── the jobs ───────────────────────────────────────────────────────────────────────────────

export type RunHooks = {
  /** Called after each committed chunk (tests stop a run there to prove it resumes). */
  afterChunk?(chunk: number): Promise<void> | void;
};

/**
 * Reads the whole file and checks every row with the rules a run applies, writing nothing but
 * the bad rows and counts. Starts over on a retry (it has nothing else to undo).
 */
export async function validateImport(ctx: ImportsContext, importId: string, job: JobContext) {
  const { db, now } = ctx;
  const row = await repo.find(db, importId);
  if (!row || row.status !== 'validating') return null;
  await db.transaction(async (tx) => {
    await repo.clearIssues(tx, importId, 'dry');
    await repo.update(tx, importId, { validRows: 0, invalidRows: 0, matchedRows: 0, totalRows: 0, error: null }, now());
  });
  const collector = await ctx.customers.collector();
  const progress = progressOf(ctx, importId, job);
  const seen = new Map<string, number>();
  const cPlan = row.kind === 'customers' ? await customerPlan(ctx, row) : null;
  const oPlan = row.kind === 'orders' ? await orderPlan(ctx, row) : null;

  /** What needs no database (reading each row, checking it as a new customer), done ahead of the previous chunk's writes. */
  const stage = async (rows: DataRow[]) => {
    const issues: IssueRow[] = [];
    const inputs: CollectedCustomer[] = [];
    if (cPlan) {
      for (const [k, r] of rows.entries()) {
        const { input, problems } = cPlan.mapper(r.cells);
        // what could be read is checked too, so the row lists every reason at once
        const err = input ? collector.check(input) : null;
        if (err) problems.push(...problemsOf(err, cPlan.columnOf));
        if (problems.length || !input) issues.push(issue(r, problems));
        else inputs.push(input);
        if (k % YIELD_EVERY === YIELD_EVERY - 1) await yieldToWrites();
      }
    }
    return { rows, issues, inputs };
  };

  const check = async ({ rows, issues, inputs }: Awaited<ReturnType<typeof stage>>) => {
    let valid = 0;
    let matched = 0;
    if (cPlan) {
      valid = inputs.length;
      matched = (await collector.matchMany(db, inputs)).filter(Boolean).length;
    } else if (oPlan) {
      const groups = groupOrders(oPlan, rows, seen);
      await lookUpStores(ctx, oPlan, groups);
      for (const g of groups) {
        const built = buildOrder(oPlan, row, g, collector);
        for (const r of g.rows) if (r.problems.length) issues.push(issue(r.row, r.problems));
        if (!built) continue;
        valid += g.rows.length;
        if (await ctx.orders.findByExternalId(db, IMPORT_SOURCE, g.number)) matched += g.rows.length;
      }
    }
    await db.transaction(async (tx) => {
      await repo.insertIssues(tx, importId, 'dry', issues);
      await repo.advanceDry(tx, importId, { valid, invalid: issues.length, matched, total: rows.length }, now());
    });
    await progress.report();
  };

  try {
    await forEachChunk(ctx, row, 0, progress, stage, check);
  } catch (err) {
    if (!isFileError(err)) throw err;
    await repo.update(db, importId, { status: 'failed', error: err.code, errorParams: err.params }, now());
    return null;
  }
  await repo.update(db, importId, { status: 'validated', progress: 100 }, now());
  await job.progress(100);
  return { importId };
}

/** Rows staged between two yields to the event loop, so the chunk being written moves on meanwhile. */
const YIELD_EVERY = 50;
const yieldToWrites = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads the file in chunks; an orders file is cut between two order numbers only. Each chunk is
 * staged (`stage`: work without the database) while the chunk before it is still being written
 * (`handle`), and handled after it: writes stay in file order, one chunk at a time, while
 * parsing, checking and encrypting overlap the database's work. Rows up to `after` are read
 * past without being handed over (`skipped`).
 */
async function forEachChunk<S>(
  ctx: ImportsContext,
  row: ImportRow,
  after: number,
  progress: { set(share: number): void },
  stage: (rows: DataRow[], skipped: DataRow[]) => Promise<S>,
  handle: (staged: S) => Promise<void>,
) {
  const orderColumn = row.kind === 'orders' ? (row.mapping?.columns ?? []).indexOf('orderNumber') : -1;
  const numberOf = (r: DataRow) => (orderColumn >= 0 ? (r.cells[orderColumn] ?? '').trim() : null);
  let writing: Promise<void> = Promise.resolve();
  const next = async (rows: DataRow[], skipped: DataRow[]) => {
    const staged = await stage(rows, skipped);
    await writing;
    writing = handle(staged);
    writing.catch(() => undefined); // awaited before the next chunk or at the end; not unhandled meanwhile
  };
  let buffer: DataRow[] = [];
  let skipped: DataRow[] = [];
  try {
    for await (const r of dataRows(ctx, row, (s) => progress.set(s))) {
      if (r.n <= after) {
        skipped.push(r);
        if (skipped.length >= ctx.chunkSize) {
          await next([], skipped);
          skipped = [];
        }
        continue;
      }
      const full = buffer.length >= ctx.chunkSize;
      if (full && (orderColumn < 0 || numberOf(r) !== numberOf(buffer[buffer.length - 1]))) {
        await next(buffer, skipped);
        buffer = [];
        skipped = [];
      }
      buffer.push(r);
    }
    if (buffer.length || skipped.length) await next(buffer, skipped);
  } catch (err) {
    // a file error while a chunk is still being written: let it finish (or fail) first
    await writing.catch(() => undefined);
    throw err;
  }
  await writing;
}

/**
 * Writes the rows in chunks, each in one transaction with the import's position and counts, so
 * a run that stops (a crash, a deploy, a failed attempt) resumes after its last committed chunk:
 * no row written twice, none lost.
 */
export async function runImport(ctx: ImportsContext, importId: string, job: JobContext, hooks: RunHooks = {}) {
  const { db, now } = ctx;
  const row = await repo.find(db, importId);
  if (!row || row.status !== 'running') return null;
  const collector = await ctx.customers.collector();
  const progress = progressOf(ctx, importId, job);
  const seen = new Map<string, number>();
  const cPlan = row.kind === 'customers' ? await customerPlan(ctx, row) : null;
  const oPlan = row.kind === 'orders' ? await orderPlan(ctx, row) : null;
  let chunks = 0;

  // encrypting ahead pays when rows are new; a re-import (every row a match) would throw it away
  let mostlyNew = true;
  /** Reading and checking each row, and encrypting it as a new customer, ahead of the previous chunk's transaction. */
  const stage = async (rows: DataRow[], skipped: DataRow[]) => {
    const issues: IssueRow[] = [];
    const inputs: { r: DataRow; input: CollectedCustomer }[] = [];
    if (cPlan) {
      for (const [k, r] of rows.entries()) {
        const { input, problems } = cPlan.mapper(r.cells);
        if (input && !problems.length) inputs.push({ r, input });
        else {
          const err = input ? collector.check(input) : null;
          issues.push(issue(r, [...problems, ...(err ? problemsOf(err, cPlan.columnOf) : [])]));
        }
        if (k % YIELD_EVERY === YIELD_EVERY - 1) {
          collector.warm(
            inputs.slice(-YIELD_EVERY).map((i) => i.input),
            { asNew: mostlyNew },
          );
          await yieldToWrites();
        }
      }
      collector.warm(
        inputs.map((i) => i.input),
        { asNew: mostlyNew },
      );
    }
    return { rows, skipped, issues, inputs };
  };

  const write = async ({ rows, skipped, issues, inputs }: Awaited<ReturnType<typeof stage>>) => {
    if (oPlan && skipped.length) groupOrders(oPlan, skipped, seen); // remembers their numbers
    if (!rows.length) return;
    const counts: Counts = { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
    if (cPlan) {
      await db.transaction(async (tx) => {
        const results = await collector.resolveMany(
          tx,
          inputs.map((i) => i.input),
        );
        results.forEach((res, k) => {
          if ('error' in res) issues.push(issue(inputs[k].r, problemsOf(res.error, cPlan.columnOf)));
          else counts[res.outcome]++;
        });
        counts.failed = issues.length;
        await commit(tx, rows, issues, counts);
      });
      mostlyNew = counts.created * 2 >= inputs.length;
    } else if (oPlan) {
      const groups = groupOrders(oPlan, rows, seen);
      await lookUpStores(ctx, oPlan, groups);
      const built: BuiltOrder[] = [];
      for (const g of groups) {
        const b = buildOrder(oPlan, row, g, collector);
        if (b) built.push(b);
        else {
          counts.failed++;
          for (const r of g.rows) issues.push(issue(r.row, r.problems));
        }
      }
      await db.transaction(async (tx) => {
        const customers = await collector.resolveMany(
          tx,
          built.map((b) => b.customer),
        );
        const fail = (b: BuiltOrder, problems: RowProblem[]) => {
          counts.failed++;
          const [head, ...rest] = b.group.rows;
          issues.push(issue(head.row, problems));
          for (const r of rest) {
            issues.push(issue(r.row, [{ column: null, code: 'IMPORT_ROW_SAME_ORDER_FAILED', params: {} }]));
          }
        };
        const ready: { b: BuiltOrder; input: IngestOrderInput }[] = [];
        for (const [k, b] of built.entries()) {
          const c = customers[k];
          if ('error' in c)
            fail(
              b,
              problemsOf(c.error, (field) => columnOfField(oPlan.columns, field, 'customer')),
            );
          else ready.push({ b, input: { ...b.input, customerId: c.customerId } });
        }
        // one batch through the orders face: a refused order writes nothing, the others commit
        const recorded = await ctx.orders.recordMany(
          tx,
          ready.map((r) => r.input),
          { actorId: row.created_by },
        );
        recorded.forEach((res, k) => {
          if (isDomainError(res)) fail(ready[k].b, orderProblems(res, ready[k].b, oPlan));
          else counts[res.created ? 'created' : 'unchanged']++;
        });
        await commit(tx, rows, issues, counts);
      });
    }
    chunks++;
    await progress.report();
    await hooks.afterChunk?.(chunks);
  };

  let position = row.position;
  const commit = async (tx: Tx, rows: DataRow[], issues: IssueRow[], counts: Counts) => {
    issues.sort((a, b) => a.line - b.line);
    await repo.insertIssues(tx, importId, 'run', issues);
    const to = rows[rows.length - 1].n;
    // the chunk's writes roll back with it when another worker owns the import now
    if (!(await repo.advance(tx, importId, position, to, counts, now()))) throw new Superseded();
    position = to;
  };

  try {
    await forEachChunk(ctx, row, row.position, progress, stage, write);
  } catch (err) {
    if (err instanceof Superseded) return null;
    if (!isFileError(err)) throw err;
    await repo.update(
      db,
      importId,
      { status: 'failed', error: err.code, errorParams: err.params, finishedAt: now() },
      now(),
    );
    return null;
  }
  await repo.update(db, importId, { status: 'done', progress: 100, finishedAt: now() }, now());
  await job.progress(100);
  return { importId };
}

/** The jobs, with a retry that resumes; a last failure leaves the import `failed` with a code (never a message). */
export function defineImportJobs(ctx: ImportsContext, hooks: RunHooks = {}) {
  const onFailure = async (importId: string, job: JobContext, err: unknown) => {
    const last = job.retryCount >= RETRY_LIMIT;
    if (!last) return;
    const code = isDomainError(err) ? err.code : 'IMPORT_FAILED';
    await repo.update(
      ctx.db,
      importId,
      { status: 'failed', error: code, errorParams: null, finishedAt: ctx.now() },
      ctx.now(),
    );
  };
  ctx.jobs.define<{ importId: string }>(
    VALIDATE_JOB,
    async ({ importId }, job) => {
      try {
        return await validateImport(ctx, importId, job);
      } catch (err) {
        await onFailure(importId, job, err);
        throw err;
      }
    },
    { retryLimit: RETRY_LIMIT, retryDelay: 5, expireInSeconds: 3600 },
  );
  ctx.jobs.define<{ importId: string }>(
    RUN_JOB,
    async ({ importId }, job) => {
      try {
        return await runImport(ctx, importId, job, hooks);
      } catch (err) {
        await onFailure(importId, job, err);
        throw err;
      }
    },
    // a retry (or a worker that died: the job expires and runs again) resumes from `position`
    { retryLimit: RETRY_LIMIT, retryDelay: 5, expireInSeconds: 2 * 3600 },
  );
}
