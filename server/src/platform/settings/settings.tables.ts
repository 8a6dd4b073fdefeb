import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Business settings, one row per key (businessName, timeZone, defaultLocale, smtp). A secret
 * belonging to a setting (the SMTP password) is a field token in `secret_enc`, apart from the
 * readable value, so key rotation re-encrypts it like any other encrypted column.
 */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  secretEnc: text('secret_enc'),
  updatedAt: timestamp('updated_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});
