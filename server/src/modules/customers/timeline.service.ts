import type { FastifyRequest } from 'fastify';
import type { CustomersContext } from './customers.context.ts';
import { customersErrors } from './customers.errors.ts';
import { timelineRepository as repo, type ActivityRow } from './timeline.repository.ts';
import './timeline.errors.ts';

/** One timeline entry as the API shows it: `kind` picks the sentence, `summary` holds its parameters. */
export type Activity = {
  id: string;
  at: string;
  kind: string;
  module: string;
  ref: string | null;
  touchpoint: { id: string; name: string } | null;
  actor: { id: string; name: string } | null;
  summary: Record<string, unknown>;
};
export type ActivityPage = { items: Activity[]; nextCursor: string | null };

export type TimelineService = ReturnType<typeof createTimelineService>;

/** Turns rows into Activities, naming their authors with one look-up for the whole page. */
export async function toActivities(ctx: Pick<CustomersContext, 'userNames'>, rows: ActivityRow[]): Promise<Activity[]> {
  const actorIds = [...new Set(rows.map((r) => r.actor_id).filter((id): id is string => !!id))];
  const names = actorIds.length ? await ctx.userNames(actorIds) : new Map<string, string>();
  return rows.map((r) => {
    const actorName = r.actor_id ? names.get(r.actor_id) : undefined;
    return {
      id: String(r.id),
      at: r.at.toISOString(),
      kind: r.kind,
      module: r.module,
      ref: r.ref,
      touchpoint: r.touchpoint_id ? { id: r.touchpoint_id, name: r.touchpoint_name ?? '' } : null,
      actor: r.actor_id && actorName !== undefined ? { id: r.actor_id, name: actorName } : null,
      summary: r.summary,
    };
  });
}

export function createTimelineService(ctx: CustomersContext) {
  const { db, face, now } = ctx;

  async function assertCustomer(customerId: string): Promise<void> {
    if (!(await face.exists(db, customerId))) throw customersErrors.notFound();
  }

  return {
    async list(input: { customerId: string; kinds?: string[]; limit: number; cursor?: string }): Promise<ActivityPage> {
      await assertCustomer(input.customerId);
      const rows = await repo.list(db, {
        customerId: input.customerId,
        kinds: input.kinds,
        afterId: input.cursor,
        limit: input.limit + 1,
      });
      const page = rows.slice(0, input.limit);
      const last = page[page.length - 1];
      return {
        items: await toActivities(ctx, page),
        nextCursor: rows.length > input.limit && last ? String(last.id) : null,
      };
    },

    /** A note on the customer's timeline, written by the caller. */
    async addNote(request: FastifyRequest, customerId: string, text: string): Promise<Activity> {
      const actorId = request.actor?.userId ?? null;
      const rows = await db.transaction(async (tx) => {
        if (!(await face.exists(tx, customerId))) throw customersErrors.notFound();
        return repo.insert(tx, [
          { customerId, at: now(), kind: 'note.added', module: 'customers', actorId, summary: { text } },
        ]);
      });
      return (await toActivities(ctx, rows))[0] as Activity;
    },
  };
}
