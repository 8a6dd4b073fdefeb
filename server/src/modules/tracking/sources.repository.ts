import type { Queryable } from '../../platform/db/db.ts';

/** SQL for tracking_sources and tracking_write_keys, and nothing else. */

export const sourceTypes = ['website', 'app', 'miniprogram', 'server'] as const;
export type SourceType = (typeof sourceTypes)[number];
export type SourceStatus = 'active' | 'disabled';

export type SourceRow = {
  id: string;
  name: string;
  type: SourceType;
  touchpoint_id: string | null;
  rate_limit: number;
  status: SourceStatus;
  created_at: Date;
  updated_at: Date;
};

export type WriteKeyRow = {
  id: string;
  source_id: string;
  prefix: string;
  secret_hash: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
};

/** What a tracking request needs of its source, found by the write key's prefix. */
export type KeyLookup = {
  key_id: string;
  secret_hash: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  source_id: string;
  name: string;
  touchpoint_id: string | null;
  rate_limit: number;
  status: SourceStatus;
};

const sourceColumns = `s.id, s.name, s.type, s.touchpoint_id, s.rate_limit, s.status,
  s.created_at, s.updated_at`;

export const sourcesRepository = {
  async list(q: Queryable): Promise<SourceRow[]> {
    return q.query<SourceRow>(
      `select ${sourceColumns} from tracking_sources s
        order by s.created_at desc, s.id`,
    );
  },

  async find(q: Queryable, id: string): Promise<SourceRow | null> {
    const rows = await q.query<SourceRow>(`select ${sourceColumns} from tracking_sources s where s.id = $1`, [id]);
    return rows[0] ?? null;
  },

  async insert(
    q: Queryable,
    s: { name: string; type: SourceType; touchpointId: string | null; rateLimit: number; createdBy: string; at: Date },
  ): Promise<string> {
    const [row] = await q.query<{ id: string }>(
      `insert into tracking_sources (name, type, touchpoint_id, rate_limit, created_by, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $6) returning id`,
      [s.name, s.type, s.touchpointId, s.rateLimit, s.createdBy, s.at],
    );
    return row.id;
  },

  async update(
    q: Queryable,
    id: string,
    patch: { name?: string; touchpointId?: string | null; rateLimit?: number; status?: SourceStatus },
    at: Date,
  ): Promise<boolean> {
    const sets: string[] = [];
    const params: unknown[] = [id, at];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (patch.name !== undefined) set('name', patch.name);
    if (patch.touchpointId !== undefined) set('touchpoint_id', patch.touchpointId);
    if (patch.rateLimit !== undefined) set('rate_limit', patch.rateLimit);
    if (patch.status !== undefined) set('status', patch.status);
    const rows = await q.query(
      `update tracking_sources set ${[...sets, 'updated_at = $2'].join(', ')} where id = $1 returning id`,
      params,
    );
    return rows.length > 0;
  },

  async remove(q: Queryable, id: string): Promise<boolean> {
    const rows = await q.query('delete from tracking_sources where id = $1 returning id', [id]);
    return rows.length > 0;
  },

  async keysOf(q: Queryable, sourceIds: readonly string[]): Promise<WriteKeyRow[]> {
    if (sourceIds.length === 0) return [];
    return q.query<WriteKeyRow>(
      `select * from tracking_write_keys where source_id = any($1::uuid[]) order by created_at desc, id`,
      [[...sourceIds]],
    );
  },

  async insertKey(
    q: Queryable,
    k: { sourceId: string; prefix: string; secretHash: string; at: Date },
  ): Promise<string> {
    const [row] = await q.query<{ id: string }>(
      `insert into tracking_write_keys (source_id, prefix, secret_hash, created_at) values ($1, $2, $3, $4) returning id`,
      [k.sourceId, k.prefix, k.secretHash, k.at],
    );
    return row.id;
  },

  /** Sets an expiry on the source's keys that are still valid after `expiresAt` (rotation), except `keepId`. */
  async expireKeys(q: Queryable, sourceId: string, keepId: string, expiresAt: Date): Promise<number> {
    const rows = await q.query(
      `update tracking_write_keys set expires_at = $3
        where source_id = $1 and id <> $2 and revoked_at is null and (expires_at is null or expires_at > $3)
        returning id`,
      [sourceId, keepId, expiresAt],
    );
    return rows.length;
  },

  async revokeKey(q: Queryable, sourceId: string, keyId: string, at: Date): Promise<'revoked' | 'already' | null> {
    const rows = await q.query<{ was: Date | null }>(
      `update tracking_write_keys k set revoked_at = coalesce(k.revoked_at, $3)
         from tracking_write_keys old
        where k.id = $2 and k.source_id = $1 and old.id = k.id
        returning old.revoked_at as was`,
      [sourceId, keyId, at],
    );
    if (!rows[0]) return null;
    return rows[0].was ? 'already' : 'revoked';
  },

  async lookupKey(q: Queryable, prefix: string): Promise<KeyLookup | null> {
    const rows = await q.query<KeyLookup>(
      `select k.id as key_id, k.secret_hash, k.expires_at, k.revoked_at, s.id as source_id, s.name, s.touchpoint_id,
              s.rate_limit, s.status
         from tracking_write_keys k join tracking_sources s on s.id = k.source_id
        where k.prefix = $1`,
      [prefix],
    );
    return rows[0] ?? null;
  },
};
