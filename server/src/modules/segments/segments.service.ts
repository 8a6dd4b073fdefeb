import type { FastifyRequest } from 'fastify';
import { translator } from '../../platform/i18n/i18n.ts';
import { commonErrors } from '../../platform/http/errors.ts';
import type { CustomerSummary } from '../customers/index.ts';
import { dayIn } from './domain/dates.ts';
import type { ArgType, FieldDef } from './domain/fields.ts';
import { segmentRefsOf } from './domain/rule.ts';
import { enqueueRefresh, publishChanges } from './segment-refresh.ts';
import { checkAndCompile, checkRule, fieldsOf } from './segment-rules.ts';
import type { SegmentsContext } from './segments.context.ts';
import { segmentsErrors } from './segments.errors.ts';
import { segmentsRepository as repo, type SegmentRow } from './segments.repository.ts';

export type SegmentDto = {
  id: string;
  name: string;
  description: string | null;
  kind: 'dynamic' | 'static';
  rules: unknown;
  memberCount: number;
  refreshedAt: string | null;
  createdAt: string;
  updatedAt: string;
  refresh?: { status: 'queued' | 'running' | 'done' | 'failed'; progress: number };
};

export type FieldDto = {
  key: string;
  group: FieldDef['group'];
  label: string;
  type: FieldDef['type'];
  ops: string[];
  options?: { value: string; label: string }[];
  windowed: boolean;
  args?: { name: string; type: ArgType; label: string }[];
};

const SAMPLE = 10;
const MAX_UPLOAD_LINES = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toDto(r: SegmentRow): SegmentDto {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    rules: r.rule ?? null,
    memberCount: r.member_count,
    refreshedAt: r.refreshed_at ? r.refreshed_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    ...(r.refresh_status ? { refresh: { status: r.refresh_status, progress: r.refresh_progress ?? 0 } } : {}),
  };
}

export type SegmentsService = ReturnType<typeof createSegmentsService>;

/** Segments: the field catalogue, live previews, CRUD, static membership and history. */
export function createSegmentsService(ctx: SegmentsContext) {
  const { db, audit, now } = ctx;

  async function get(id: string): Promise<SegmentRow> {
    const row = await repo.find(db, id);
    if (!row) throw commonErrors.notFound('segment');
    return row;
  }

  /** Adds or removes customers of a static segment by id; unknown ids are skipped. */
  async function changeMembers(
    request: FastifyRequest,
    id: string,
    action: 'add' | 'remove',
    customerIds: readonly string[],
  ): Promise<{ affected: number; memberCount: number }> {
    const segment = await get(id);
    if (segment.kind !== 'static') throw segmentsErrors.notStatic();
    const timeZone = await ctx.timeZone();
    const at = now();
    const actorId = request.actor?.userId ?? null;
    const affected = await db.transaction(async (tx) => {
      const ids =
        action === 'add'
          ? await repo.addMembers(tx, id, customerIds, at)
          : await repo.removeMembers(tx, id, customerIds, at);
      const kind = action === 'add' ? ('entered' as const) : ('exited' as const);
      await publishChanges(
        ctx,
        tx,
        segment,
        ids.map((customer_id) => ({ customer_id, kind })),
        at,
        actorId,
      );
      await audit.recordRequest(
        request,
        {
          action: action === 'add' ? 'segment.members_added' : 'segment.members_removed',
          entityType: 'segment',
          entityId: id,
          details: { requested: customerIds.length, affected: ids.length },
        },
        tx,
      );
      return ids.length;
    });
    const memberCount = await repo.recordSize(db, id, dayIn(timeZone, at), at, false);
    return { affected, memberCount };
  }

  return {
    async fields(request: FastifyRequest): Promise<{ fields: FieldDto[] }> {
      const t = translator(request.locale);
      const fields = await fieldsOf(ctx, db);
      return {
        fields: fields.map((f) => {
          const src = f.source;
          const label =
            f.label ??
            (src.kind === 'consent'
              ? t('segmentFields.consent', {
                  purpose: t(`consentPurposes.${src.purpose}`),
                  channel: t(`consentChannels.${src.channel}`),
                })
              : t(`segmentFields.${f.key}`));
          return {
            key: f.key,
            group: f.group,
            label,
            type: f.type,
            ops: [...f.ops],
            windowed: f.windowed,
            ...(f.options
              ? { options: f.options.map((o) => ({ value: o.value, label: f.label ? o.label : t(o.label) })) }
              : {}),
            ...(f.args
              ? { args: f.args.map((a) => ({ name: a.name, type: a.type, label: t(`segmentArgs.${a.name}`) })) }
              : {}),
          };
        }),
      };
    },

    async preview(rules: unknown): Promise<{ count: number; sample: CustomerSummary[]; tookMs: number }> {
      const started = performance.now();
      const predicate = await checkAndCompile(ctx, db, rules);
      const { count, ids } = await repo.preview(db, predicate, SAMPLE);
      const tookMs = Math.round(performance.now() - started);
      return { count, sample: await ctx.customers.summaries(db, ids), tookMs };
    },

    async list(): Promise<{ items: SegmentDto[] }> {
      return { items: (await repo.list(db)).map(toDto) };
    },

    async get(id: string): Promise<SegmentDto> {
      return toDto(await get(id));
    },

    async create(
      request: FastifyRequest,
      input: { name: string; description?: string | null; kind: 'dynamic' | 'static'; rules?: unknown },
    ): Promise<SegmentDto> {
      if (input.kind === 'dynamic' && input.rules === undefined) throw segmentsErrors.ruleRequired();
      const rule = input.rules === undefined || input.rules === null ? null : await checkRule(ctx, db, input.rules);
      const row = await db.transaction(async (tx) => {
        const created = await repo.insert(tx, {
          name: input.name,
          description: input.description ?? null,
          kind: input.kind,
          rule,
          createdBy: request.actor?.userId ?? null,
          at: now(),
        });
        await audit.recordRequest(
          request,
          {
            action: 'segment.created',
            entityType: 'segment',
            entityId: created.id,
            details: { name: input.name, kind: input.kind },
          },
          tx,
        );
        return created;
      });
      // a dynamic segment fills itself; a static one built from a rule takes its snapshot once
      if (rule) await enqueueRefresh(ctx, row.id);
      return toDto((await repo.find(db, row.id)) ?? row);
    },

    async update(
      request: FastifyRequest,
      id: string,
      patch: { name?: string; description?: string | null; kind?: 'dynamic' | 'static'; rules?: unknown },
    ): Promise<SegmentDto> {
      const current = await get(id);
      if (patch.kind && patch.kind !== current.kind) throw segmentsErrors.kindFixed();
      let rule: unknown;
      if (patch.rules !== undefined) {
        if (current.kind === 'static') throw segmentsErrors.notDynamic();
        rule = await checkRule(ctx, db, patch.rules, { selfId: id });
      }
      const row = await db.transaction(async (tx) => {
        const updated = await repo.update(tx, id, { name: patch.name, description: patch.description, rule }, now());
        if (!updated) throw commonErrors.notFound('segment');
        await audit.recordRequest(
          request,
          { action: 'segment.updated', entityType: 'segment', entityId: id, details: { fields: Object.keys(patch) } },
          tx,
        );
        return updated;
      });
      if (rule !== undefined) await enqueueRefresh(ctx, id);
      return toDto((await repo.find(db, id)) ?? row);
    },

    async delete(request: FastifyRequest, id: string): Promise<void> {
      const current = await get(id);
      // refuse to break rules that use this segment
      const users = (await repo.rules(db)).filter((s) => s.id !== id && segmentRefsOf(s.rule).includes(id));
      if (users.length) throw segmentsErrors.inUse(users.map((s) => s.name).join('、'));
      await db.transaction(async (tx) => {
        await repo.delete(tx, id);
        await audit.recordRequest(
          request,
          { action: 'segment.deleted', entityType: 'segment', entityId: id, details: { name: current.name } },
          tx,
        );
      });
    },

    async refresh(id: string): Promise<SegmentDto> {
      const current = await get(id);
      if (current.kind !== 'dynamic') throw segmentsErrors.notDynamic();
      await enqueueRefresh(ctx, id);
      return toDto(await get(id));
    },

    changeMembers,

    /** A list of mobiles, emails or customer ids (one per line) → the matching customers join a static segment. */
    async upload(
      request: FastifyRequest,
      id: string,
      text: string,
    ): Promise<{ matched: number; unmatched: number; added: number; unmatchedLines: string[] }> {
      const segment = await get(id);
      if (segment.kind !== 'static') throw segmentsErrors.notStatic();
      const lines = [
        ...new Set(
          text
            .split(/\r?\n/)
            .map((l) => l.split(',')[0].trim().replace(/^"|"$/g, ''))
            .filter(Boolean),
        ),
      ];
      if (lines.length === 0) throw segmentsErrors.uploadEmpty();
      if (lines.length > MAX_UPLOAD_LINES) throw segmentsErrors.uploadTooLarge(MAX_UPLOAD_LINES);
      const byLine = new Map<string, string>();
      const ids = lines.filter((l) => UUID.test(l));
      const known = await ctx.customers.namesOf(db, ids);
      for (const l of ids) if (known.has(l)) byLine.set(l, l);
      const others = lines.filter((l) => !UUID.test(l));
      if (others.length) {
        const collector = await ctx.customers.collector();
        const matches = await collector.matchMany(
          db,
          others.map((l) => ({ profile: l.includes('@') ? { email: l } : { mobile: l } })),
        );
        others.forEach((l, i) => {
          const m = matches[i];
          if (m) byLine.set(l, m.customerId);
        });
      }
      const customerIds = [...new Set(byLine.values())];
      const { affected } = await changeMembers(request, id, 'add', customerIds);
      const unmatchedLines = lines.filter((l) => !byLine.has(l));
      return {
        matched: byLine.size,
        unmatched: unmatchedLines.length,
        added: affected,
        unmatchedLines: unmatchedLines.slice(0, 100),
      };
    },

    async changes(
      id: string,
      query: { limit: number; cursor?: string },
    ): Promise<{
      items: { customerId: string; customerName: string | null; at: string; kind: 'entered' | 'exited' }[];
      nextCursor: string | null;
    }> {
      await get(id);
      const before = query.cursor ? decodeChangesCursor(query.cursor) : null;
      const rows = await repo.changes(db, id, query.limit, before);
      const page = rows.slice(0, query.limit);
      const names = await ctx.customers.namesOf(
        db,
        page.map((r) => r.customer_id),
      );
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          customerId: r.customer_id,
          customerName: names.get(r.customer_id) ?? null,
          at: r.at.toISOString(),
          kind: r.kind,
        })),
        nextCursor:
          rows.length > query.limit && last
            ? Buffer.from(JSON.stringify({ at: last.at.toISOString(), id: Number(last.id) })).toString('base64url')
            : null,
      };
    },

    async sizes(id: string): Promise<{ items: { day: string; size: number }[] }> {
      await get(id);
      return { items: (await repo.sizes(db, id)).reverse() };
    },

    async segmentsOf(customerId: string) {
      const rows = await repo.segmentsOf(db, customerId);
      return {
        items: rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, enteredAt: r.entered_at.toISOString() })),
      };
    },
  };
}

function decodeChangesCursor(cursor: string): { at: string; id: number } {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      c &&
      typeof c === 'object' &&
      'at' in c &&
      'id' in c &&
      typeof c.at === 'string' &&
      !Number.isNaN(Date.parse(c.at)) &&
      Number.isSafeInteger(c.id)
    )
      return { at: c.at, id: c.id as number };
  } catch {
    // falls through to the 422
  }
  throw segmentsErrors.badCursor();
}
