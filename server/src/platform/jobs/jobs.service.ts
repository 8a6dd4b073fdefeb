import PgBoss from 'pg-boss';
import cronParser from 'cron-parser';
import type { Db, Queryable } from '../db/db.ts';
import { pgBossDb } from './pg-boss.adapter.ts';

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
export const jobStates: JobState[] = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'];

export type JobContext = {
  id: string;
  name: string;
  /** 0 on the first attempt. */
  retryCount: number;
  /** Stores how far the job has got (0–100) so the job list can show it. */
  progress(percent: number): Promise<void>;
};
export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<unknown>;

export type DefineOptions = {
  /** Attempts after the first (default 3). */
  retryLimit?: number;
  /** Seconds before a retry (default 30); doubled on each attempt when `retryBackoff` (default true). */
  retryDelay?: number;
  retryBackoff?: boolean;
  /** A run longer than this fails (default 15 minutes). */
  expireInSeconds?: number;
  /** pg-boss queue policy: `singleton` one active per singletonKey, `stately` one queued + one active, `short` one queued. */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
  /** Parallel workers in this process (default 1). */
  concurrency?: number;
};

export type SendOptions = {
  singletonKey?: string;
  /** A date, or a delay in seconds. */
  startAfter?: Date | number;
  /** Enqueue inside the caller's transaction: the job exists only if it commits. */
  tx?: Queryable;
};

export type JobListQuery = { state?: JobState; name?: string; limit: number; cursor?: string };
export type JobItem = {
  id: string;
  name: string;
  state: JobState;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  retryCount: number;
  progress?: number;
  error?: string;
};
export type JobCounts = Record<'created' | 'active' | 'completed' | 'failed' | 'retry', number>;
export type JobPage = { items: JobItem[]; counts: JobCounts; nextCursor: string | null };
export type ScheduleItem = { name: string; cron: string; timeZone: string; nextRunAt: string | null };

export type RetryOutcome =
  { outcome: 'retried'; name: string } | { outcome: 'not_found' } | { outcome: 'not_failed'; state: JobState };

export type Jobs = {
  define<P = unknown>(name: string, handler: JobHandler<P>, options?: DefineOptions): void;
  /** Returns the job id, or null when a singleton policy/key dropped it as a duplicate. */
  send<P = unknown>(name: string, payload: P, options?: SendOptions): Promise<string | null>;
  /** Cron in the given zone, or (without `tz`) the business time zone, which follows the setting. */
  schedule(name: string, cron: string, options?: { tz?: string; payload?: unknown }): Promise<void>;
  unschedule(name: string): Promise<void>;
  /** Re-times every schedule that follows the business time zone (called when the setting changes). */
  setBusinessTimeZone(tz: string): Promise<void>;
  list(query: JobListQuery): Promise<JobPage>;
  listSchedules(now?: Date): Promise<ScheduleItem[]>;
  /** Puts a failed job back in the queue. */
  retry(id: string): Promise<RetryOutcome>;
  find(id: string): Promise<JobItem | null>;
  /** Creates pg-boss's schema and the defined queues; with workers, starts polling and cron. */
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly isRunningWorkers: boolean;
};

export type JobsDeps = {
  db: Db;
  runWorkers: boolean;
  /** Seconds between polls of an idle queue (pg-boss minimum 0.5). */
  pollingIntervalSeconds?: number;
  businessTimeZone: () => Promise<string>;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
};

type Definition = { name: string; handler: JobHandler<unknown>; options: DefineOptions };
type Schedule = { name: string; cron: string; tz?: string; payload?: unknown };

const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

type JobRow = {
  id: string;
  name: string;
  state: JobState;
  created_on: Date;
  started_on: Date | null;
  completed_on: Date | null;
  retry_count: number;
  progress: number | null;
  error: string | null;
};

function encodeCursor(row: { created_on: Date; id: string }): string {
  return Buffer.from(`${row.created_on.toISOString()}|${row.id}`).toString('base64url');
}
function decodeCursor(cursor: string): { at: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at);
  if (!id || Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) return null;
  return { at: date, id };
}

function toItem(r: JobRow): JobItem {
  return {
    id: r.id,
    name: r.name,
    state: r.state,
    createdAt: r.created_on.toISOString(),
    startedAt: r.started_on?.toISOString() ?? null,
    completedAt: r.completed_on?.toISOString() ?? null,
    retryCount: r.retry_count,
    ...(r.progress === null ? {} : { progress: r.progress }),
    ...(r.error ? { error: r.error } : {}),
  };
}

const jobColumns = `j.id, j.name, j.state::text AS state, j.created_on, j.started_on, j.completed_on, j.retry_count,
  p.progress, CASE WHEN j.state IN ('failed', 'retry') THEN left(j.output->>'message', 500) END AS error`;

/**
 * Durable jobs and cron schedules on PostgreSQL with pg-boss (docs/decisions/0003-job-queue.md).
 * Modules `define` their jobs at start-up; any process may `send`; only a process with workers
 * runs handlers, cron and maintenance.
 */
export function createJobs(deps: JobsDeps): Jobs {
  const { db } = deps;
  const pollingIntervalSeconds = deps.pollingIntervalSeconds ?? 2;
  const definitions = new Map<string, Definition>();
  const schedules = new Map<string, Schedule>();
  let boss: PgBoss | null = null;
  let started = false;
  const activations = new Map<string, Promise<void>>();

  async function activate(b: PgBoss, def: Definition) {
    const o = def.options;
    const queue = {
      name: def.name,
      policy: o.policy ?? 'standard',
      retryLimit: o.retryLimit ?? 3,
      retryDelay: o.retryDelay ?? 30,
      retryBackoff: o.retryBackoff ?? true,
      expireInSeconds: o.expireInSeconds ?? 15 * 60,
    };
    if (await b.getQueue(def.name)) await b.updateQueue(def.name, queue);
    else await b.createQueue(def.name, queue);
    if (deps.runWorkers) await startWorkers(b, def);
  }

  function requireBoss(): PgBoss {
    if (!boss) throw new Error('jobs.start() has not run');
    return boss;
  }

  async function setProgress(id: string, percent: number) {
    const p = Math.max(0, Math.min(100, Math.round(percent)));
    await db.query(
      `INSERT INTO job_progress (job_id, progress, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (job_id) DO UPDATE SET progress = excluded.progress, updated_at = now()`,
      [id, p],
    );
  }

  async function startWorkers(b: PgBoss, def: Definition) {
    const work = async (batch: PgBoss.JobWithMetadata[]) => {
      for (const job of batch) {
        const ctx: JobContext = {
          id: job.id,
          name: job.name,
          retryCount: job.retryCount,
          progress: (pct) => setProgress(job.id, pct),
        };
        try {
          await def.handler(job.data, ctx);
        } catch (err) {
          // the id and message only: payloads may hold personal data
          deps.log?.warn(
            { job: job.name, jobId: job.id, attempt: job.retryCount + 1, err: (err as Error).message },
            'job failed',
          );
          throw err;
        }
      }
    };
    for (let i = 0; i < (def.options.concurrency ?? 1); i++) {
      await b.work(def.name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds }, work);
    }
  }

  async function applySchedule(s: Schedule) {
    const tz = s.tz ?? (await deps.businessTimeZone());
    await requireBoss().schedule(s.name, s.cron, (s.payload ?? null) as object, { tz });
  }

  return {
    get isRunningWorkers() {
      return started && deps.runWorkers;
    },

    define(name, handler, options = {}) {
      if (!NAME.test(name)) throw new Error(`bad job name ${name}`);
      if (definitions.has(name)) throw new Error(`job ${name} defined twice`);
      const def = { name, handler: handler as JobHandler<unknown>, options };
      definitions.set(name, def);
      // defined late (after start): its queue and workers come up now; send() waits for them
      if (started && boss) activations.set(name, activate(boss, def));
    },

    async send(name, payload, options = {}) {
      if (!definitions.has(name)) throw new Error(`job ${name} is not defined`);
      await activations.get(name);
      const b = requireBoss();
      const sendOptions: PgBoss.SendOptions = {
        singletonKey: options.singletonKey,
        ...(options.tx ? { db: pgBossDb(options.tx) } : {}),
      };
      if (options.startAfter !== undefined) sendOptions.startAfter = options.startAfter;
      return b.send(name, (payload ?? null) as object, sendOptions);
    },

    async schedule(name, cron, options = {}) {
      if (!definitions.has(name)) throw new Error(`job ${name} is not defined`);
      cronParser.parseExpression(cron); // throws on a bad expression, at definition time
      const s: Schedule = { name, cron, tz: options.tz, payload: options.payload };
      schedules.set(name, s);
      if (started) await applySchedule(s);
    },

    async unschedule(name) {
      schedules.delete(name);
      if (started) await requireBoss().unschedule(name);
    },

    async setBusinessTimeZone(tz) {
      if (!started) return;
      for (const s of schedules.values())
        if (!s.tz) await requireBoss().schedule(s.name, s.cron, (s.payload ?? null) as object, { tz });
    },

    async list(q) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (clause: string, value: unknown) => {
        params.push(value);
        where.push(clause.replaceAll('?', `$${params.length}`));
      };
      if (q.state) add('j.state::text = ?', q.state);
      if (q.name) add('j.name = ?', q.name);
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        if (c) {
          params.push(c.at, c.id);
          where.push(`(j.created_on, j.id) < ($${params.length - 1}, $${params.length}::uuid)`);
        }
      }
      params.push(q.limit + 1);
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      // live jobs and those pg-boss has archived (completed after 12 h), newest first
      const rows = await db.query<JobRow>(
        `SELECT * FROM (
           SELECT ${jobColumns} FROM pgboss.job j LEFT JOIN job_progress p ON p.job_id = j.id
           UNION ALL
           SELECT ${jobColumns} FROM pgboss.archive j LEFT JOIN job_progress p ON p.job_id = j.id
         ) j ${filter}
         ORDER BY j.created_on DESC, j.id DESC LIMIT $${params.length}`,
        params,
      );
      const counts: JobCounts = { created: 0, active: 0, completed: 0, failed: 0, retry: 0 };
      const countRows = await db.query<{ state: string; n: number }>(
        `SELECT state::text AS state, count(*)::int AS n FROM pgboss.job
         ${q.name ? 'WHERE name = $1' : ''} GROUP BY state`,
        q.name ? [q.name] : [],
      );
      for (const r of countRows) if (r.state in counts) counts[r.state as keyof JobCounts] = r.n;
      const page = rows.slice(0, q.limit);
      return {
        items: page.map(toItem),
        counts,
        nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]) : null,
      };
    },

    async find(id) {
      const [row] = await db.query<JobRow>(
        `SELECT ${jobColumns} FROM pgboss.job j LEFT JOIN job_progress p ON p.job_id = j.id WHERE j.id = $1
         UNION ALL
         SELECT ${jobColumns} FROM pgboss.archive j LEFT JOIN job_progress p ON p.job_id = j.id WHERE j.id = $1`,
        [id],
      );
      return row ? toItem(row) : null;
    },

    async listSchedules(now = new Date()) {
      // pg-boss's typings omit the stored `timezone` column
      const rows = (await requireBoss().getSchedules()) as (PgBoss.Schedule & { timezone: string })[];
      return rows
        .map((s) => {
          let nextRunAt: string | null = null;
          try {
            nextRunAt = cronParser
              .parseExpression(s.cron, { tz: s.timezone, currentDate: now })
              .next()
              .toDate()
              .toISOString();
          } catch {
            nextRunAt = null;
          }
          return { name: s.name, cron: s.cron, timeZone: s.timezone, nextRunAt };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    async retry(id) {
      const [row] = await db.query<{ name: string; state: string }>(
        'SELECT name, state::text AS state FROM pgboss.job WHERE id = $1',
        [id],
      );
      if (!row) return { outcome: 'not_found' };
      if (row.state !== 'failed') return { outcome: 'not_failed', state: row.state as JobState };
      await requireBoss().retry(row.name, id);
      return { outcome: 'retried', name: row.name };
    },

    async start() {
      if (started) return;
      const b = new PgBoss({
        db: pgBossDb(db),
        schema: 'pgboss',
        migrate: true,
        supervise: deps.runWorkers,
        schedule: deps.runWorkers,
        // pg-boss's own default for new jobs, overridden per queue below
        retryLimit: 3,
        retryDelay: 30,
        retryBackoff: true,
      });
      b.on('error', (err: Error) => deps.log?.error({ err: err.message }, 'job queue error'));
      await b.start();
      boss = b;
      for (const def of definitions.values()) await activate(b, def);
      started = true;
      for (const s of schedules.values()) await applySchedule(s);
      // schedules stored by an earlier version of the code that no longer exist
      for (const s of await b.getSchedules()) if (!schedules.has(s.name)) await b.unschedule(s.name);
    },

    async stop() {
      if (!boss) return;
      const b = boss;
      boss = null;
      started = false;
      await Promise.allSettled(activations.values());
      activations.clear();
      await new Promise<void>((resolve) => {
        b.once('stopped', () => resolve());
        b.stop({ graceful: true, wait: false, timeout: 10_000, close: false }).catch(() => resolve());
      });
    },
  };
}
