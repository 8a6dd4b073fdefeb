import type { FastifyRequest } from 'fastify';
import { commonErrors } from '../../platform/http/errors.ts';
import type { CustomersContext } from './customers.context.ts';
import { invalidRegionField } from './regions.ts';
import { timelineErrors } from './timeline.errors.ts';
import { touchpointsRepository as repo, type TouchpointFields, type TouchpointRow } from './touchpoints.repository.ts';

export const touchpointTypes = [
  'website',
  'wechat_official_account',
  'mini_program',
  'ecommerce_store',
  'email',
  'store',
  'after_sales',
  'event',
  'other',
] as const;
export type TouchpointType = (typeof touchpointTypes)[number];
export type Channel = 'online' | 'offline';

const offlineTypes: ReadonlySet<string> = new Set<TouchpointType>(['store', 'after_sales', 'event']);

/** Online or offline follows from the type: stores, after-sales and events are places; the rest are not. */
export function channelOf(type: string): Channel {
  return offlineTypes.has(type) ? 'offline' : 'online';
}

export type Touchpoint = {
  id: string;
  code: string;
  name: string;
  type: string;
  channel: Channel;
  province: string | null;
  city: string | null;
  isActive: boolean;
  customerCount: number;
  activityCount30d: number;
  createdAt: string;
};

export type CreateTouchpointInput = {
  code: string;
  name: string;
  type: TouchpointType;
  province?: string | null;
  city?: string | null;
  isActive?: boolean;
};
export type UpdateTouchpointInput = Partial<CreateTouchpointInput>;

function toTouchpoint(r: TouchpointRow): Touchpoint {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    type: r.type,
    channel: channelOf(r.type),
    province: r.province,
    city: r.city,
    isActive: r.is_active,
    customerCount: r.customer_count,
    activityCount30d: r.activity_count_30d,
    createdAt: r.created_at.toISOString(),
  };
}

function checkRegion(province: string | null, city: string | null): void {
  const wrong = invalidRegionField(province, city);
  if (wrong) throw timelineErrors.regionUnknown(wrong === 'province' ? 'province' : 'city');
}

export type TouchpointsService = ReturnType<typeof createTouchpointsService>;

export function createTouchpointsService(ctx: CustomersContext) {
  const { db, audit, settings, now } = ctx;

  async function get(id: string): Promise<Touchpoint> {
    const row = await repo.find(db, id, now(), await settings.timeZone());
    if (!row) throw commonErrors.notFound('touchpoint');
    return toTouchpoint(row);
  }

  return {
    get,

    async list(f: { type?: TouchpointType; channel?: Channel; isActive?: boolean }): Promise<{ items: Touchpoint[] }> {
      let types: string[] | undefined = f.channel
        ? touchpointTypes.filter((t) => channelOf(t) === f.channel)
        : undefined;
      if (f.type) types = types ? types.filter((t) => t === f.type) : [f.type];
      const rows = await repo.list(db, {
        types,
        isActive: f.isActive,
        now: now(),
        timeZone: await settings.timeZone(),
      });
      return { items: rows.map(toTouchpoint) };
    },

    async create(request: FastifyRequest, input: CreateTouchpointInput): Promise<Touchpoint> {
      const fields: TouchpointFields = {
        code: input.code,
        name: input.name,
        type: input.type,
        province: input.province ?? null,
        city: input.city ?? null,
        isActive: input.isActive ?? true,
      };
      checkRegion(fields.province, fields.city);
      const id = await db.transaction(async (tx) => {
        const newId = await repo.insert(tx, { ...fields, at: now() });
        await audit.recordRequest(
          request,
          {
            action: 'touchpoint.created',
            entityType: 'touchpoint',
            entityId: newId,
            details: { code: fields.code, type: fields.type },
          },
          tx,
        );
        return newId;
      });
      return get(id);
    },

    /** Any subset; `null` clears province or city; `isActive: false` retires a touchpoint without losing its history. */
    async update(request: FastifyRequest, id: string, input: UpdateTouchpointInput): Promise<Touchpoint> {
      await db.transaction(async (tx) => {
        const current = await repo.lock(tx, id);
        if (!current) throw commonErrors.notFound('touchpoint');
        const next: TouchpointFields = {
          code: input.code ?? current.code,
          name: input.name ?? current.name,
          type: input.type ?? current.type,
          province: input.province === undefined ? current.province : input.province,
          city: input.city === undefined ? current.city : input.city,
          isActive: input.isActive ?? current.isActive,
        };
        // a province change without a city keeps the old city only if it still belongs
        if (input.province !== undefined && input.city === undefined && next.city && next.province) {
          if (invalidRegionField(next.province, next.city)) next.city = null;
        }
        if (input.province !== undefined || input.city !== undefined) checkRegion(next.province, next.city);
        const changed = (Object.keys(next) as (keyof TouchpointFields)[]).filter((k) => next[k] !== current[k]);
        if (changed.length === 0) return;
        await repo.update(tx, id, { ...next, at: now() });
        await audit.recordRequest(
          request,
          { action: 'touchpoint.updated', entityType: 'touchpoint', entityId: id, details: { fields: changed } },
          tx,
        );
      });
      return get(id);
    },

    /** Daily activity over the last `days` days in the business time zone, and the same window by kind. */
    async activity(id: string, days: number) {
      if (!(await ctx.face.findTouchpoint(db, { id }))) throw commonErrors.notFound('touchpoint');
      const f = { id, days, now: now(), timeZone: await settings.timeZone() };
      return { days: await repo.dailyActivity(db, f), byKind: await repo.activityByKind(db, f) };
    },
  };
}
