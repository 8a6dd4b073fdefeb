import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queryable } from '../db/db.ts';

export const AuditQuery = z.strictObject({
  action: z.string().max(100).optional().describe('Exact action, or a prefix ending in * (auth.*)'),
  actorId: z.uuid().optional(),
  entityType: z.string().max(100).optional(),
  entityId: z.string().max(200).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d+$/, 'invalid_cursor').optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntryDto = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actorKind: z.enum(['user', 'api_key', 'system', 'anonymous']),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  outcome: z.enum(['success', 'failure', 'denied']),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const AuditPage = z.object({ items: z.array(AuditEntryDto), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

type AuditRow = {
  id: number;
  at: Date;
  actor_kind: 'user' | 'api_key' | 'system' | 'anonymous';
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  entity_type: string | null;
  entity_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
};

/** Newest first, keyset-paged on the id so the thousandth page costs what the first does. */
export async function listAudit(db: Queryable, q: AuditQuery): Promise<AuditPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (q.action?.endsWith('*')) add('action LIKE ?', `${q.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
  else if (q.action) add('action = ?', q.action);
  if (q.actorId) add('actor_id = ?', q.actorId);
  if (q.entityType) add('entity_type = ?', q.entityType);
  if (q.entityId) add('entity_id = ?', q.entityId);
  if (q.outcome) add('outcome = ?', q.outcome);
  if (q.from) add('at >= ?', q.from);
  if (q.to) add('at < ?', q.to);
  if (q.cursor) add('id < ?', Number(q.cursor));
  params.push(q.limit + 1);
  const rows = await db.query<AuditRow>(
    `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      actorKind: r.actor_kind,
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      outcome: r.outcome,
      entityType: r.entity_type,
      entityId: r.entity_id,
      ip: r.ip,
      userAgent: r.user_agent,
      requestId: r.request_id,
      details: r.details,
    })),
    nextCursor: rows.length > q.limit ? String(page[page.length - 1].id) : null,
  };
}

export function auditRoutes(deps: { db: Queryable }): FastifyPluginAsync {
  return async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/audit',
      {
        config: { access: 'audit.view' },
        schema: {
          tags: ['audit'],
          summary: 'Browse the append-only audit log (newest first)',
          querystring: AuditQuery,
          response: { 200: AuditPage },
        },
      },
      async (request) => listAudit(deps.db, request.query),
    );
  };
}
