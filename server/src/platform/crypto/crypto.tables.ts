import { sql } from 'drizzle-orm';
import { boolean, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The key ring for field encryption. Each row is a random 256-bit data key, stored wrapped
 * (AES-256-GCM) under a key derived from the master key, so a database dump alone decrypts
 * nothing. Exactly one key is active: new writes use it; old keys stay to read old tokens until
 * rotation has re-encrypted every registered column.
 */
export const encryptionKeys = pgTable(
  'encryption_keys',
  {
    id: text('id').primaryKey(), // k1, k2, … (appears in every token)
    createdAt: timestamp('created_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    wrappedKey: text('wrapped_key').notNull(),
    active: boolean('active').notNull().default(false),
  },
  (t) => [
    uniqueIndex('encryption_keys_one_active')
      .on(t.active)
      .where(sql`${t.active}`),
  ],
);
