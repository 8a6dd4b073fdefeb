import { pgErrorCode, type Queryable } from '../../platform/db/db.ts';
import type { FormDefinition, FormLocale } from './forms.definition.ts';

export type FormStatus = 'draft' | 'published' | 'closed';
export type SubmissionStatus = 'received' | 'pending' | 'confirmed';

export type FormRow = {
  id: string;
  slug: string;
  name: string;
  status: FormStatus;
  language: FormLocale;
  definition: FormDefinition;
  double_opt_in: boolean;
  touchpoint_id: string | null;
  tags: string[];
  submission_count: number;
  confirmed_count: number;
  blocked_count: number;
  last_submission_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
};

export type FormColumns = Partial<
  Pick<
    FormRow,
    'slug' | 'name' | 'status' | 'language' | 'definition' | 'double_opt_in' | 'touchpoint_id' | 'tags' | 'published_at'
  >
>;

/** A ticked consent box as the submission keeps it (enough to confirm it later). */
export type SubmittedConsent = {
  id: string;
  purpose: string;
  channel: string;
  policyText: string;
  policyVersion: string | null;
  pending: boolean;
};

export type SubmissionRow = {
  id: string;
  form_id: string;
  customer_id: string;
  status: SubmissionStatus;
  outcome: string;
  answers_enc: string;
  consents: SubmittedConsent[];
  locale: FormLocale;
  ip_hash: string | null;
  user_agent: string | null;
  created_at: Date;
  confirmed_at: Date | null;
};

const formColumns = `id, slug, name, status, language, definition, double_opt_in, touchpoint_id, tags,
  submission_count, confirmed_count, blocked_count, last_submission_at, created_by, created_at, updated_at, published_at`;
const submissionColumns = `id, form_id, customer_id, status, outcome, answers_enc, consents, locale, ip_hash,
  user_agent, created_at, confirmed_at`;

/** True when `err` is the unique violation of the form slug. */
export function isSlugTaken(err: unknown): boolean {
  if (pgErrorCode(err) !== '23505') return false;
  const constraint = (err as { constraint?: unknown }).constraint;
  const message = err instanceof Error ? err.message : '';
  return constraint === 'forms_slug_unique' || message.includes('forms_slug_unique');
}

export const formsRepository = {
  async list(q: Queryable): Promise<FormRow[]> {
    return q.query<FormRow>(`select ${formColumns} from forms order by created_at desc, id desc limit 1000`);
  },

  async find(q: Queryable, id: string): Promise<FormRow | null> {
    const rows = await q.query<FormRow>(`select ${formColumns} from forms where id = $1`, [id]);
    return rows[0] ?? null;
  },

  async lock(q: Queryable, id: string): Promise<FormRow | null> {
    const rows = await q.query<FormRow>(`select ${formColumns} from forms where id = $1 for update`, [id]);
    return rows[0] ?? null;
  },

  async findBySlug(q: Queryable, slug: string): Promise<FormRow | null> {
    const rows = await q.query<FormRow>(`select ${formColumns} from forms where slug = $1`, [slug]);
    return rows[0] ?? null;
  },

  async insert(
    q: Queryable,
    id: string,
    row: Required<Omit<FormColumns, 'published_at'>> & {
      published_at: Date | null;
      created_by: string | null;
      at: Date;
    },
  ): Promise<void> {
    await q.query(
      `insert into forms (id, slug, name, status, language, definition, double_opt_in, touchpoint_id, tags,
         created_by, created_at, updated_at, published_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, $11, $12)`,
      [
        id,
        row.slug,
        row.name,
        row.status,
        row.language,
        JSON.stringify(row.definition),
        row.double_opt_in,
        row.touchpoint_id,
        row.tags,
        row.created_by,
        row.at,
        row.published_at,
      ],
    );
  },

  async update(q: Queryable, id: string, columns: FormColumns, at: Date): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [column, value] of Object.entries(columns)) {
      if (value === undefined) continue;
      params.push(column === 'definition' ? JSON.stringify(value) : value);
      // column names come from FormColumns' keys, never from the request
      sets.push(`${column} = $${params.length}${column === 'tags' ? '::text[]' : ''}`);
    }
    params.push(at);
    sets.push(`updated_at = $${params.length}`);
    await q.query(`update forms set ${sets.join(', ')} where id = $1`, params);
  },

  async delete(q: Queryable, id: string): Promise<void> {
    await q.query('delete from forms where id = $1', [id]);
  },

  async countSubmitted(q: Queryable, id: string, at: Date, confirmed: boolean): Promise<void> {
    await q.query(
      `update forms set submission_count = submission_count + 1,
         confirmed_count = confirmed_count + $3::int,
         last_submission_at = greatest(last_submission_at, $2)
       where id = $1`,
      [id, at, confirmed ? 1 : 0],
    );
  },

  async countConfirmed(q: Queryable, id: string): Promise<void> {
    await q.query('update forms set confirmed_count = confirmed_count + 1 where id = $1', [id]);
  },

  async countBlocked(q: Queryable, id: string): Promise<void> {
    await q.query('update forms set blocked_count = blocked_count + 1 where id = $1', [id]);
  },

  async insertSubmission(q: Queryable, row: SubmissionRow): Promise<void> {
    await q.query(
      `insert into form_submissions (${submissionColumns})
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        row.id,
        row.form_id,
        row.customer_id,
        row.status,
        row.outcome,
        row.answers_enc,
        JSON.stringify(row.consents),
        row.locale,
        row.ip_hash,
        row.user_agent,
        row.created_at,
        row.confirmed_at,
      ],
    );
  },

  async findSubmission(q: Queryable, id: string, lock = false): Promise<SubmissionRow | null> {
    const rows = await q.query<SubmissionRow>(
      `select ${submissionColumns} from form_submissions where id = $1${lock ? ' for update' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  },

  async confirmSubmission(q: Queryable, id: string, at: Date): Promise<void> {
    await q.query(`update form_submissions set status = 'confirmed', confirmed_at = $2 where id = $1`, [id, at]);
  },

  /** Newest first, keyset paged on (created_at, id). */
  async listSubmissions(
    q: Queryable,
    formId: string,
    limit: number,
    after?: { at: Date; id: string },
  ): Promise<SubmissionRow[]> {
    return q.query<SubmissionRow>(
      `select ${submissionColumns} from form_submissions
        where form_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
        order by created_at desc, id desc
        limit $4`,
      [formId, after?.at ?? null, after?.id ?? null, limit],
    );
  },

  async countForCustomer(q: Queryable, customerId: string): Promise<number> {
    const [row] = await q.query<{ n: number }>(
      'select count(*)::int as n from form_submissions where customer_id = $1',
      [customerId],
    );
    return row?.n ?? 0;
  },

  /** A merge: the submissions of `fromId` now belong to `toId`; returns their ids (for an undo). */
  async moveToCustomer(q: Queryable, fromId: string, toId: string): Promise<string[]> {
    const rows = await q.query<{ id: string }>(
      'update form_submissions set customer_id = $2 where customer_id = $1 returning id',
      [fromId, toId],
    );
    return rows.map((r) => r.id);
  },

  /** Undoing a merge: exactly the submissions it moved go back. */
  async restoreToCustomer(q: Queryable, toId: string, fromId: string, ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await q.query('update form_submissions set customer_id = $2 where customer_id = $1 and id = any($3::uuid[])', [
      toId,
      fromId,
      [...ids],
    ]);
  },

  /** Removes a deleted customer's submissions and takes them off their forms' counters. */
  async deleteForCustomer(q: Queryable, customerId: string): Promise<void> {
    await q.query(
      `with gone as (
         delete from form_submissions where customer_id = $1 returning form_id, status
       ), per_form as (
         select form_id, count(*)::int as n, count(*) filter (where status = 'confirmed')::int as confirmed
           from gone group by form_id
       )
       update forms f set submission_count = greatest(f.submission_count - p.n, 0),
                          confirmed_count = greatest(f.confirmed_count - p.confirmed, 0)
         from per_form p where f.id = p.form_id`,
      [customerId],
    );
  },
};
