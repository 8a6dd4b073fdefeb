import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../db/db.ts';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export type AuditEntry = {
  /** `<area>.<what happened>`: auth.login, auth.login_failed, role.updated, customer.revealed, … */
  action: string;
  outcome?: AuditOutcome;
  entityType?: string;
  entityId?: string;
  /** Never personal data or secrets in clear: ids, field names, counts, masked values. */
  details?: Record<string, unknown>;
  actor?: { kind: 'user' | 'api_key' | 'system' | 'anonymous'; id?: string | null; name?: string | null };
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
};

export type AuditLog = {
  /** Appends one entry; pass `tx` to make it part of the change it records. */
  record(entry: AuditEntry, tx?: Queryable): Promise<void>;
  /** Same, with actor, address, user agent and request id taken from the request. */
  recordRequest(request: FastifyRequest, entry: AuditEntry, tx?: Queryable): Promise<void>;
};

export function createAuditLog(deps: { db: Queryable; now: () => Date }): AuditLog {
  const record: AuditLog['record'] = async (e, tx) => {
    await (tx ?? deps.db).query(
      `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, outcome, entity_type, entity_id,
         ip, user_agent, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        deps.now(),
        e.actor?.kind ?? 'system',
        e.actor?.id ?? null,
        e.actor?.name ?? null,
        e.action,
        e.outcome ?? 'success',
        e.entityType ?? null,
        e.entityId ?? null,
        e.ip ?? null,
        e.userAgent?.slice(0, 300) ?? null,
        e.requestId ?? null,
        JSON.stringify(e.details ?? {}),
      ],
    );
  };
  return {
    record,
    recordRequest(request, entry, tx) {
      const a = request.actor;
      return record(
        {
          actor: a ? { kind: a.kind, id: a.userId, name: a.name } : { kind: 'anonymous' },
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          requestId: String(request.id),
          ...entry,
        },
        tx,
      );
    },
  };
}
