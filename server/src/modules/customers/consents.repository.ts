import type { Queryable } from '../../platform/db/db.ts';

export type ConsentStatus = 'granted' | 'withdrawn' | 'pending';

export type ConsentRow = {
  id: number;
  customer_id: string;
  purpose: string;
  channel: string;
  status: ConsentStatus;
  source: string;
  policy_text: string | null;
  policy_version: string | null;
  evidence: Record<string, unknown>;
  actor_id: string | null;
  at: Date;
};

export type ConsentStateRow = {
  purpose: string;
  channel: string;
  status: ConsentStatus;
  source: string;
  policy_version: string | null;
  at: Date;
  consent_id: number;
};

export type NewConsentRow = Omit<ConsentRow, 'id'>;

export const consentsRepository = {
  async insert(q: Queryable, row: NewConsentRow): Promise<number> {
    const [inserted] = await q.query<{ id: number }>(
      `insert into customer_consents
         (customer_id, purpose, channel, status, source, policy_text, policy_version, evidence, actor_id, at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       returning id`,
      [
        row.customer_id,
        row.purpose,
        row.channel,
        row.status,
        row.source,
        row.policy_text,
        row.policy_version,
        JSON.stringify(row.evidence),
        row.actor_id,
        row.at,
      ],
    );
    return Number(inserted.id);
  },

  /**
   * Makes `row` the current state unless a later decision is already there, or unless it is a
   * pending grant over a confirmed one (asking again must not take away what was given).
   * Returns whether the state changed.
   */
  async applyToState(q: Queryable, consentId: number, row: NewConsentRow): Promise<boolean> {
    const changed = await q.query(
      `insert into customer_consent_state
         (customer_id, purpose, channel, status, source, policy_version, at, consent_id, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, now())
       on conflict (customer_id, purpose, channel) do update set
         status = excluded.status,
         source = excluded.source,
         policy_version = excluded.policy_version,
         at = excluded.at,
         consent_id = excluded.consent_id,
         updated_at = now()
       where customer_consent_state.at <= excluded.at
         and not (excluded.status = 'pending' and customer_consent_state.status = 'granted')
       returning 1`,
      [row.customer_id, row.purpose, row.channel, row.status, row.source, row.policy_version, row.at, consentId],
    );
    return changed.length > 0;
  },

  async listState(q: Queryable, customerId: string): Promise<ConsentStateRow[]> {
    return q.query<ConsentStateRow>(
      `select purpose, channel, status, source, policy_version, at, consent_id
         from customer_consent_state where customer_id = $1
        order by purpose, channel`,
      [customerId],
    );
  },

  /** Newest first (a customer has few: the screen shows the latest `limit`). */
  async listHistory(q: Queryable, customerId: string, limit: number): Promise<ConsentRow[]> {
    const rows = await q.query<ConsentRow>(
      `select id, customer_id, purpose, channel, status, source, policy_text, policy_version, evidence, actor_id, at
         from customer_consents
        where customer_id = $1
        order by at desc, id desc
        limit $2`,
      [customerId, limit],
    );
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  },
};
