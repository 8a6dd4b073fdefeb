import { sql } from 'drizzle-orm';
import { integer, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * How far a long job has got (0–100), reported by the job itself. pg-boss keeps the jobs in its
 * own `pgboss` schema; this is the one thing it has no column for.
 */
export const jobProgress = pgTable('job_progress', {
  jobId: uuid('job_id').primaryKey(),
  progress: integer('progress').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});
