import type { Queryable } from '../../platform/db/db.ts';

/** SQL for `customer_exports`: one row per export a user asked for. */

export type ExportStatus = 'queued' | 'running' | 'done' | 'failed';
export type ExportFormat = 'csv' | 'xlsx';

/** What the job needs to repeat the user's list: the filter, sort and language at request time. */
export type ExportQuery = { filters: Record<string, unknown>; sort: string; locale: string };

export type ExportRow = {
  id: string;
  requested_by: string;
  format: ExportFormat;
  query: ExportQuery;
  columns: string[];
  is_masked: boolean;
  status: ExportStatus;
  row_count: number;
  total_rows: number | null;
  file_name: string | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
};

const columns = `id, requested_by, format, query, columns, is_masked, status, row_count, total_rows, file_name,
  error, created_at, finished_at`;

export const customerExportRepository = {
  async insert(
    q: Queryable,
    e: {
      id: string;
      requestedBy: string;
      format: ExportFormat;
      query: ExportQuery;
      columns: string[];
      isMasked: boolean;
      at: Date;
    },
  ): Promise<ExportRow> {
    const [row] = await q.query<ExportRow>(
      `insert into customer_exports (id, requested_by, format, query, columns, is_masked, created_at)
       values ($1, $2, $3, $4, $5::text[], $6, $7) returning ${columns}`,
      [e.id, e.requestedBy, e.format, JSON.stringify(e.query), e.columns, e.isMasked, e.at],
    );
    return row;
  },

  async find(q: Queryable, id: string): Promise<ExportRow | null> {
    const rows = await q.query<ExportRow>(`select ${columns} from customer_exports where id = $1`, [id]);
    return rows[0] ?? null;
  },

  /** A user's exports, newest first. */
  async listFor(q: Queryable, userId: string, limit: number): Promise<ExportRow[]> {
    return q.query<ExportRow>(
      `select ${columns} from customer_exports where requested_by = $1
       order by created_at desc, id desc limit $2`,
      [userId, limit],
    );
  },

  /** Deletes a user's exports beyond the newest `keep`; returns them (their files go too). */
  async prune(q: Queryable, userId: string, keep: number): Promise<{ id: string; format: ExportFormat }[]> {
    return q.query(
      `delete from customer_exports where id in (
         select id from customer_exports where requested_by = $1
         order by created_at desc, id desc offset $2)
       returning id, format`,
      [userId, keep],
    );
  },

  /** Returns false when the export no longer exists (pruned meanwhile): the job then stops. */
  async update(
    q: Queryable,
    id: string,
    set: Partial<{
      status: ExportStatus;
      rowCount: number;
      totalRows: number | null;
      fileName: string | null;
      error: string | null;
      finishedAt: Date | null;
    }>,
  ): Promise<boolean> {
    const map: Record<string, string> = {
      status: 'status',
      rowCount: 'row_count',
      totalRows: 'total_rows',
      fileName: 'file_name',
      error: 'error',
      finishedAt: 'finished_at',
    };
    const keys = Object.keys(set).filter((k) => k in map) as (keyof typeof set)[];
    if (keys.length === 0) return true;
    const rows = await q.query(
      `update customer_exports set ${keys.map((k, i) => `${map[k]} = $${i + 2}`).join(', ')} where id = $1 returning id`,
      [id, ...keys.map((k) => set[k])],
    );
    return rows.length > 0;
  },
};
