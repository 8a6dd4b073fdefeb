import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';
import { customerListErrors } from './customer-list.errors.ts';
import { customerListRepository as repo } from './customer-list.repository.ts';
import {
  compileCustomerCount,
  compileCustomerList,
  decodeCursor,
  pageOf,
  type AttributeType,
  type CustomerFilter,
  type CustomerSort,
  type QueryEnv,
} from './customer-query.ts';
import { dateIn, toCustomers, type Customer } from './customer.dto.ts';
import type { CustomersContext } from './customers.context.ts';
import { customerColumnsSql, type CustomerRow } from './customers.repository.ts';
import { blindIndexOf } from './identities.ts';
import { maxTagsPerCustomer } from './tags.service.ts';
import { timelineRepository } from './timeline.repository.ts';

export type ListCustomersInput = { filter: CustomerFilter; sort: CustomerSort; limit: number; cursor?: string };

export type BulkInput =
  | { ids: string[]; action: 'addTags' | 'removeTags'; tags: string[] }
  | { ids: string[]; action: 'assignOwner'; ownerId: string | null };

/** What the query compiler needs from the outside world: today, the zone, the key ring, the attribute types. */
export async function queryEnvFor(
  ctx: Pick<CustomersContext, 'crypto' | 'settings' | 'now' | 'face'>,
  q: Queryable,
  filter: Pick<CustomerFilter, 'attributes'>,
): Promise<QueryEnv> {
  const timeZone = await ctx.settings.timeZone();
  const attributeTypes = new Map<string, AttributeType>();
  if (filter.attributes) for (const d of await repo.attributeDefinitions(q)) attributeTypes.set(d.key, d.type);
  return {
    today: dateIn(timeZone, ctx.now()),
    timeZone,
    blindIndex: (field, normalised) => blindIndexOf(ctx.crypto, field, normalised),
    attributeTypes,
    segmentFilter: ctx.face.segmentFilter(),
  };
}

export type CustomerListService = ReturnType<typeof createCustomerListService>;

/** The customer list: search, filters, sorts, keyset pages, counts and bulk changes. */
export function createCustomerListService(ctx: CustomersContext) {
  const { db, audit, now } = ctx;

  return {
    async list(input: ListCustomersInput): Promise<{ items: Customer[]; nextCursor: string | null }> {
      const cursor = input.cursor ? decodeCursor(input.cursor, input.sort) : null;
      const env = await queryEnvFor(ctx, db, input.filter);
      // the page's customers in one query: the sort's index gives the rows, in order
      const plan = compileCustomerList({
        filter: input.filter,
        sort: input.sort,
        limit: input.limit,
        cursor,
        env,
        rows: { columns: customerColumnsSql },
      });
      const rows = await repo.page<CustomerRow>(db, plan);
      const { nextCursor } = pageOf(rows, plan);
      return { items: await toCustomers(ctx, rows.slice(0, input.limit)), nextCursor };
    },

    async count(filter: CustomerFilter): Promise<{ count: number }> {
      const env = await queryEnvFor(ctx, db, filter);
      return { count: await repo.count(db, compileCustomerCount({ filter, env })) };
    },

    /**
     * Tags or an owner for up to 1,000 customers in one transaction. Unknown ids are skipped;
     * `affected` counts the customers that changed. Each tag change gets its timeline row.
     */
    async bulk(request: FastifyRequest, input: BulkInput): Promise<{ affected: number }> {
      const ids = [...new Set(input.ids)];
      const actorId = request.actor?.userId ?? null;
      if (input.action === 'assignOwner' && input.ownerId) {
        const names = await ctx.userNames([input.ownerId]);
        if (!names.has(input.ownerId)) throw commonErrors.referenceMissing('ownerId');
      }
      return db.transaction(async (tx) => {
        const at = now();
        const rows = await repo.lockForBulk(tx, ids);
        // what each customer gains or loses, worked out from the locked rows
        const changes: { id: string; tags: string[] }[] = [];
        let changed: string[];
        if (input.action === 'assignOwner') {
          changed = rows.filter((r) => r.owner_id !== input.ownerId).map((r) => r.id);
          await repo.assignOwner(tx, changed, input.ownerId, at);
        } else {
          const tags = [...new Set(input.tags)];
          for (const r of rows) {
            const delta =
              input.action === 'addTags'
                ? tags.filter((t) => !r.tags.includes(t))
                : tags.filter((t) => r.tags.includes(t));
            if (delta.length === 0) continue;
            if (input.action === 'addTags' && r.tags.length + delta.length > maxTagsPerCustomer)
              throw customerListErrors.tooManyTags(maxTagsPerCustomer, r.id);
            changes.push({ id: r.id, tags: delta });
          }
          changed = changes.map((c) => c.id);
          if (input.action === 'addTags') {
            await repo.addTags(tx, changed, tags, at);
            await repo.registerTags(tx, tags, at);
          } else {
            await repo.removeTags(tx, changed, tags, at);
          }
        }
        // the timeline rows of the whole batch in one statement
        const activity = { at, module: 'customers', actorId };
        await timelineRepository.insert(
          tx,
          input.action === 'assignOwner'
            ? changed.map((customerId) => ({
                ...activity,
                customerId,
                kind: 'profile.updated',
                summary: { fields: ['ownerId'] },
              }))
            : changes.flatMap((c) =>
                c.tags.map((tag) => ({
                  ...activity,
                  customerId: c.id,
                  kind: input.action === 'addTags' ? 'tag.added' : 'tag.removed',
                  summary: { tag },
                })),
              ),
        );
        const fields = input.action === 'assignOwner' ? ['ownerId'] : ['tags'];
        for (const customerId of changed) {
          await ctx.events.emit(tx, { type: 'customer.updated', customerId, payload: { customerId, fields } });
        }
        await audit.recordRequest(
          request,
          {
            action: 'customer.bulk_updated',
            entityType: 'customer',
            details: {
              action: input.action,
              requested: ids.length,
              affected: changed.length,
              ...(input.action === 'assignOwner' ? { ownerId: input.ownerId } : { tags: input.tags }),
            },
          },
          tx,
        );
        return { affected: changed.length };
      });
    },
  };
}
