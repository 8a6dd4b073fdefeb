import { sql, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';
import type { LifecycleTransition } from '../customers/index.ts';
import type { ScoringContext } from './scoring.context.ts';
import { scoringEventTypes, type LifecycleChangedEvent } from './scoring.events.ts';
import { scoringRepository as repo, type ScoringParams, type WindowFacts } from './scoring.repository.ts';
import {
  defaultScoringSettings,
  settingsSchemas,
  type RuleListSettings,
  type ScoringModel,
  type ScoringSettings,
} from './scoring.settings.ts';

export const RECOMPUTE_JOB = 'scoring.recompute';
export const RESCORE_JOB = 'scoring.rescore-customer';
const FIRST_ID = '00000000-0000-0000-0000-000000000000';
/** The last bulk run's cut points, kept beside the settings (not a setting: never shown or edited). */
const LAST_RUN = 'lastRun';

export type RecomputeStatus = {
  status: 'idle' | 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
};

type LastRun = Omit<ScoringParams, 'today' | 'windowDays' | 'lifecycle'> & {
  at: string;
  today: string;
  customers: number;
  revenue: string;
};

function lastRunOf(p: ScoringParams, facts: WindowFacts, at: Date): LastRun {
  return {
    today: p.today,
    at: at.toISOString(),
    rCuts: p.rCuts,
    fCuts: p.fCuts,
    mCuts: p.mCuts,
    classBasis: p.classBasis,
    abc: p.abc,
    customers: facts.customers,
    revenue: facts.revenue,
  };
}

/** YYYY-MM-DD of `at` in `timeZone`. */
export function dayIn(timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** A stored value that no longer validates falls back to the defaults instead of breaking every run. */
function settingsFrom(stored: Map<string, unknown>): ScoringSettings {
  const out = { ...defaultScoringSettings } as Record<ScoringModel, unknown>;
  for (const model of Object.keys(settingsSchemas) as ScoringModel[]) {
    const parsed = settingsSchemas[model].safeParse(stored.get(model));
    if (parsed.success) out[model] = parsed.data;
  }
  return out as ScoringSettings;
}

/** What this run scores against: the window's quintile cuts or the business' thresholds, averages or class thresholds. */
function paramsOf(s: ScoringSettings, facts: Omit<WindowFacts, 'customers' | 'revenue'>, today: string): ScoringParams {
  const t = s.rfm.thresholds;
  const quintile = s.rfm.method === 'quintile' || !t;
  const ct = s.rfm.classThresholds;
  return {
    today,
    windowDays: s.rfm.windowDays,
    rCuts: quintile ? facts.rCuts : (t.r as unknown as ScoringParams['rCuts']),
    fCuts: quintile ? facts.fCuts : (t.f as unknown as ScoringParams['fCuts']),
    mCuts: quintile ? facts.mCuts : (t.m as unknown as ScoringParams['mCuts']),
    classBasis: s.rfm.classBy === 'thresholds' && ct ? ct : facts.avg,
    abc: facts.abc,
    lifecycle: s.lifecycle,
  };
}

const lowest = { valueTiers: 'low', grades: 'dormant' } as const;

export function createScoringService(ctx: ScoringContext) {
  const { db, customers, events, jobs, now } = ctx;

  async function loadSettings(q: Queryable = db): Promise<ScoringSettings> {
    return settingsFrom(await repo.loadSettings(q));
  }

  /**
   * Value tiers and grades as CASE expressions over `c` and `s` (first rule matched wins, nobody
   * matched gets the lowest value); compiled over `db` before a transaction opens (see SegmentsFace).
   * Null without the segments module.
   */
  async function ruleValues(s: ScoringSettings): Promise<{ valueTiers: SQL; grades: SQL } | null> {
    const segments = ctx.segments;
    if (!segments) return null;
    const compile = async (model: 'valueTiers' | 'grades') => {
      const list: RuleListSettings = s[model];
      const whens: SQL[] = [];
      for (const [i, r] of list.rules.entries()) {
        const predicate = await segments.compileRule(db, r.rules, `${model}.rules.${i}.rules`);
        whens.push(sql`when ${predicate} then ${r.value}::text`);
      }
      return whens.length
        ? sql`case ${sql.join(whens, sql` `)} else ${lowest[model]}::text end`
        : sql`${lowest[model]}::text`;
    };
    return { valueTiers: await compile('valueTiers'), grades: await compile('grades') };
  }

  /**
   * Scores `customerIds` in the caller's transaction: RFM, ABC and lifecycle from their order
   * days, then value tier and grade (their rules may read the new scores); every lifecycle
   * transition gets a history row, a `lifecycle.changed` event and a timeline row (a first
   * scoring as prospect only the history row: it says nothing about the customer).
   */
  async function scoreBatch(
    tx: Tx,
    customerIds: readonly string[],
    params: ScoringParams,
    rules: { valueTiers: SQL; grades: SQL } | null,
    at: Date,
  ): Promise<LifecycleTransition[]> {
    const changed = await customers.scores.writeScores(
      tx,
      repo.scoreRows(customerIds, params),
      at,
      rules && { valueTier: rules.valueTiers, grade: rules.grades },
    );
    await repo.insertLifecycleChanges(tx, changed, at);
    const told = changed.filter((c) => !(c.fromStage === null && c.toStage === 'prospect'));
    await customers.recordActivities(
      tx,
      told.map((c) => ({
        customerId: c.customerId,
        at,
        kind: 'lifecycle.changed',
        module: 'scoring',
        summary: { from: c.fromStage, to: c.toStage },
      })),
    );
    await events.emitMany<LifecycleChangedEvent>(
      tx,
      told.map((c) => ({
        type: scoringEventTypes.lifecycleChanged,
        customerId: c.customerId,
        payload: { customerId: c.customerId, fromStage: c.fromStage, toStage: c.toStage, at: at.toISOString() },
      })),
    );
    return changed;
  }

  /**
   * The bulk recompute: one pass over the window's order days for the cut points, averages and
   * ABC cuts (stored as the last run, so incremental scoring uses them), then every customer a
   * batch (by id) per transaction.
   */
  async function recomputeAll(
    progress: (percent: number) => Promise<void> = async () => undefined,
    batchSize = 5000,
  ): Promise<{ customers: number; scored: number; transitions: number }> {
    const at = now();
    const today = dayIn(await ctx.settings.timeZone(), at);
    const s = await loadSettings();
    const facts = await repo.windowFacts(db, { today, windowDays: s.rfm.windowDays, a: s.abc.a, b: s.abc.b });
    const params = paramsOf(s, facts, today);
    await repo.saveSetting(db, LAST_RUN, lastRunOf(params, facts, at), null);
    const rules = await ruleValues(s);
    const total = Math.max(1, await customers.scores.countCustomers(db));
    let after = FIRST_ID;
    let done = 0;
    let transitions = 0;
    for (;;) {
      const ids = await db.transaction(async (tx) => {
        const batch = await customers.scores.customerIdsAfter(tx, after, batchSize);
        if (batch.length) transitions += (await scoreBatch(tx, batch, params, rules, at)).length;
        return batch;
      });
      if (ids.length === 0) break;
      done += ids.length;
      after = ids[ids.length - 1];
      await progress(Math.min(99, (done / total) * 100));
      if (ids.length < batchSize) break;
    }
    await progress(100);
    return { customers: done, scored: facts.customers, transitions };
  }

  /** One customer again after an order changed, against the last bulk run's cut points (or the window now, before any run). */
  async function rescore(customerIds: readonly string[]): Promise<void> {
    const at = now();
    const today = dayIn(await ctx.settings.timeZone(), at);
    const stored = await repo.loadSettings(db);
    const s = settingsFrom(stored);
    let last = stored.get(LAST_RUN) as LastRun | undefined;
    if (!last) {
      // before any bulk run: the window as it is now becomes the last run (read once, not per order)
      const f = await repo.windowFacts(db, { today, windowDays: s.rfm.windowDays, a: s.abc.a, b: s.abc.b });
      last = lastRunOf(paramsOf(s, f, today), f, at);
      await repo.saveSetting(db, LAST_RUN, last, null);
    }
    const facts = { rCuts: last.rCuts, fCuts: last.fCuts, mCuts: last.mCuts, avg: last.classBasis, abc: last.abc };
    const params = paramsOf(s, facts, today);
    const rules = await ruleValues(s);
    await db.transaction(async (tx) => {
      await scoreBatch(tx, customerIds, params, rules, at);
    });
  }

  return {
    loadSettings,
    recomputeAll,
    rescore,

    async getSettings(): Promise<ScoringSettings> {
      return loadSettings();
    },

    /** Stores one model's settings (already validated by the route's schema; rule lists by the segments module). */
    async updateSettings(request: FastifyRequest, model: ScoringModel, value: unknown): Promise<ScoringSettings> {
      if ((model === 'valueTiers' || model === 'grades') && ctx.segments) {
        for (const [i, r] of (value as RuleListSettings).rules.entries())
          await ctx.segments.validateRule(db, r.rules, `rules.${i}.rules`);
      }
      await db.transaction(async (tx) => {
        await repo.saveSetting(tx, model, value, request.actor?.userId ?? null);
        await ctx.audit.recordRequest(request, { action: 'scoring.settings_updated', details: { model } }, tx);
      });
      return loadSettings();
    },

    async requestRecompute(request: FastifyRequest): Promise<RecomputeStatus> {
      const jobId = await jobs.send(RECOMPUTE_JOB, {});
      if (jobId) await ctx.audit.recordRequest(request, { action: 'scoring.recompute_requested', details: { jobId } });
      return this.recomputeStatus();
    },

    async recomputeStatus(): Promise<RecomputeStatus> {
      const { items } = await jobs.list({ name: RECOMPUTE_JOB, limit: 1 });
      const j = items[0];
      if (!j) return { status: 'idle', progress: 0, startedAt: null, finishedAt: null, error: null };
      const status: RecomputeStatus['status'] =
        j.state === 'active'
          ? 'running'
          : j.state === 'completed'
            ? 'done'
            : j.state === 'failed' || j.state === 'cancelled'
              ? 'failed'
              : 'queued';
      return {
        status,
        progress: status === 'done' ? 1 : (j.progress ?? 0) / 100,
        startedAt: j.startedAt,
        finishedAt: status === 'done' || status === 'failed' ? j.completedAt : null,
        error: j.error ?? null,
      };
    },

    async rfmMatrix() {
      return customers.scores.rfmSummary(db);
    },

    async abc() {
      const { classes, curve } = await customers.scores.abcSummary(db, 100);
      const total = classes.reduce((t, c) => t + Number(c.revenue), 0);
      return {
        classes: classes.map((c) => ({ ...c, share: total > 0 ? Number(c.revenue) / total : 0 })),
        curve,
      };
    },

    async distribution() {
      return customers.scores.distribution(db);
    },

    async flows(months: number) {
      const tz = await ctx.settings.timeZone();
      const today = dayIn(tz, now());
      // the first day of the month `months − 1` months back, business time zone
      const [y, m] = today.split('-').map(Number);
      const first = new Date(Date.UTC(y, m - 1 - (months - 1), 1));
      const [{ from }] = await db.query<{ from: Date }>(`select ($1::date)::timestamp at time zone $2 as "from"`, [
        first.toISOString().slice(0, 10),
        tz,
      ]);
      return { items: await repo.flows(db, from, tz) };
    },

    async customerLifecycle(customerId: string) {
      if (!(await customers.exists(db, customerId))) throw commonErrors.notFound('customer');
      const items = await repo.lifecycleOf(db, customerId);
      return { items: items.map((i) => ({ ...i, at: i.at.toISOString() })) };
    },
  };
}

export type ScoringService = ReturnType<typeof createScoringService>;
