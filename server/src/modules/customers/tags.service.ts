import type { FastifyRequest } from 'fastify';
import { commonErrors } from '../../platform/http/errors.ts';
import type { CustomersContext } from './customers.context.ts';
import { customersErrors } from './customers.errors.ts';
import { customerEventTypes, type CustomerUpdatedEvent } from './customers.events.ts';
import { tagsRepository as repo } from './tags.repository.ts';
import { timelineErrors } from './timeline.errors.ts';
import { timelineRepository } from './timeline.repository.ts';

/** A customer carries at most this many tags (the contract's limit on profiles too). */
export const maxTagsPerCustomer = 50;

export type Tag = { name: string; color: string | null; customerCount: number };

export type TagsService = ReturnType<typeof createTagsService>;

export function createTagsService(ctx: CustomersContext) {
  const { db, audit, events, now } = ctx;

  return {
    /**
     * Adds and removes tags on one customer. Idempotent: adding a tag the customer has, or
     * removing one they do not, changes nothing and writes no timeline row.
     */
    async change(
      request: FastifyRequest,
      customerId: string,
      input: { add?: string[]; remove?: string[] },
    ): Promise<{ tags: string[] }> {
      const add = [...new Set(input.add ?? [])];
      const remove = new Set(input.remove ?? []);
      const both = add.find((t) => remove.has(t));
      if (both !== undefined) throw timelineErrors.tagAddAndRemove(both);
      const actorId = request.actor?.userId ?? null;
      return db.transaction(async (tx) => {
        const current = await repo.lockCustomerTags(tx, customerId);
        if (!current) throw customersErrors.notFound();
        const added = add.filter((t) => !current.includes(t));
        const removed = current.filter((t) => remove.has(t));
        if (added.length === 0 && removed.length === 0) return { tags: current };
        const tags = [...current.filter((t) => !remove.has(t)), ...added];
        if (added.length && tags.length > maxTagsPerCustomer) throw timelineErrors.tagsTooMany(maxTagsPerCustomer);
        const at = now();
        await repo.setCustomerTags(tx, customerId, tags, at);
        await repo.register(tx, added, at);
        await timelineRepository.insert(tx, [
          ...added.map((tag) => ({
            customerId,
            at,
            kind: 'tag.added',
            module: 'customers',
            actorId,
            summary: { tag },
          })),
          ...removed.map((tag) => ({
            customerId,
            at,
            kind: 'tag.removed',
            module: 'customers',
            actorId,
            summary: { tag },
          })),
        ]);
        await events.emit<CustomerUpdatedEvent>(tx, {
          type: customerEventTypes.updated,
          customerId,
          payload: { customerId, fields: ['tags'] },
        });
        return { tags };
      });
    },

    async list(): Promise<{ items: Tag[] }> {
      const rows = await repo.list(db);
      return { items: rows.map((r) => ({ name: r.name, color: r.color, customerCount: r.customer_count })) };
    },

    async create(request: FastifyRequest, input: { name: string; color?: string | null }): Promise<Tag> {
      await db.transaction(async (tx) => {
        await repo.insert(tx, { name: input.name, color: input.color ?? null, at: now() });
        await audit.recordRequest(
          request,
          { action: 'customer_tag.created', entityType: 'customer_tag', entityId: input.name },
          tx,
        );
      });
      const row = await repo.find(db, input.name);
      if (!row) throw commonErrors.notFound('tag');
      return { name: row.name, color: row.color, customerCount: row.customer_count };
    },

    /**
     * Deletes the tag from the vocabulary and from every customer carrying it (each gets a timeline
     * row). No per-customer `customer.updated` event: a common tag sits on hundreds of thousands of
     * customers, and readers of tags (segments) recompute from the table.
     */
    async delete(request: FastifyRequest, name: string): Promise<void> {
      const actorId = request.actor?.userId ?? null;
      await db.transaction(async (tx) => {
        const customers = await repo.removeFromAllCustomers(tx, name, actorId, now());
        const wasListed = await repo.delete(tx, name);
        if (!wasListed && customers === 0) throw commonErrors.notFound('tag');
        await audit.recordRequest(
          request,
          { action: 'customer_tag.deleted', entityType: 'customer_tag', entityId: name, details: { customers } },
          tx,
        );
      });
    },
  };
}
