import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { assertCan } from '../../platform/auth/actor.ts';
import type { Queryable } from '../../platform/db/db.ts';
import { isDomainError } from '../../platform/http/errors.ts';
import type { CustomersContext } from './customers.context.ts';
import { duplicatesRepository, type PairRow } from './duplicates.repository.ts';
import { autoMergeRules, ruleScores, type AutoMergeRule, type AutoRefusal } from './duplicates.rules.ts';
import type { MergeService } from './merge.service.ts';
import { mergeRepository, mergeSettingsRepository, verifiedRepository } from './merge.repository.ts';

export const AutoRule = z.object({
  rule: z.enum(autoMergeRules),
  enabled: z.boolean(),
  /** Identifier rule only: the shared identifier must be verified (a confirmed opt-in, an SMS code) on either record. */
  verifiedOnly: z.boolean(),
});
export type AutoRule = z.infer<typeof AutoRule>;

export type MergeSettings = {
  autoRules: AutoRule[];
  updatedAt: string | null;
  updatedBy: { id: string; name: string } | null;
};

/** Every rule off; identifiers only when verified. */
const defaults: AutoRule[] = autoMergeRules.map((rule) => ({
  rule,
  enabled: false,
  verifiedOnly: rule === 'identifier',
}));

/** Pairs one pass of the automatic merge looks at (the rest wait for the next run). */
const PASS_LIMIT = 500;

export type AutoMerge = ReturnType<typeof createAutoMerge>;

/**
 * Automatic merge rules (all off by default) and the pass that applies them to open pairs.
 * Whatever the rules say, two records whose verified mobiles differ, or whose consents conflict
 * (one granted what the other withdrew), are never merged automatically: the pair stays open
 * for a person, marked with the reason.
 */
export function createAutoMerge(ctx: CustomersContext, merges: MergeService) {
  const { db, audit, now } = ctx;

  async function rules(q: Queryable = db): Promise<AutoRule[]> {
    const stored = (await mergeSettingsRepository.get(q)).autoRules;
    return defaults.map((d) => {
      const s = stored.find((r) => r.rule === d.rule);
      return s ? { rule: d.rule, enabled: !!s.enabled, verifiedOnly: d.rule === 'identifier' && !!s.verifiedOnly } : d;
    });
  }

  async function settings(): Promise<MergeSettings> {
    const stored = await mergeSettingsRepository.get(db);
    const names = stored.updatedBy ? await ctx.userNames([stored.updatedBy]) : new Map<string, string>();
    return {
      autoRules: await rules(),
      updatedAt: stored.updatedAt?.toISOString() ?? null,
      updatedBy: stored.updatedBy ? { id: stored.updatedBy, name: names.get(stored.updatedBy) ?? '' } : null,
    };
  }

  /** The rule an automatic merge of this pair would use, or why none may. */
  async function decide(
    pair: PairRow,
    enabled: AutoRule[],
  ): Promise<{ rule: AutoMergeRule } | { refusal: AutoRefusal }> {
    const ids = [pair.customer_a, pair.customer_b];
    const verified = await verifiedRepository.verifiedLookups(db, ids);
    const mobiles = (id: string) =>
      new Set(verified.filter((v) => v.customer_id === id && v.field === 'mobile').map((v) => v.lookup));
    const [ma, mb] = ids.map(mobiles);
    if (ma.size && mb.size && ![...ma].some((l) => mb.has(l))) return { refusal: 'verifiedMobilesDiffer' };
    if (await mergeRepository.consentConflict(db, pair.customer_a, pair.customer_b))
      return { refusal: 'consentConflict' };
    const candidates = enabled
      .filter((r) => pair.rules.includes(r.rule))
      .sort((x, y) => ruleScores[y.rule] - ruleScores[x.rule]);
    for (const r of candidates) {
      if (r.rule === 'identifier' && r.verifiedOnly) {
        const shared = pair.evidence.identifiers ?? [];
        const isVerified = shared.some((e) => verified.some((v) => v.field === e.field && v.lookup === e.lookup));
        if (!isVerified) continue;
      }
      return { rule: r.rule };
    }
    return { refusal: 'notVerified' };
  }

  return {
    rules,
    settings,

    async update(request: FastifyRequest, autoRules: AutoRule[]): Promise<MergeSettings> {
      const actor = request.actor;
      assertCan(actor, 'customers.manage');
      const merged = defaults.map((d) => autoRules.find((r) => r.rule === d.rule) ?? d);
      await db.transaction(async (tx) => {
        await mergeSettingsRepository.put(tx, merged, actor.userId, now());
        await audit.recordRequest(
          request,
          { action: 'customer.merge_settings_updated', details: { autoRules: merged } },
          tx,
        );
      });
      return settings();
    },

    /** Merges the open pairs an enabled rule allows; refusals are written on the pair and not retried. */
    async pass(): Promise<{ merged: number; refused: number }> {
      const enabled = (await rules()).filter((r) => r.enabled);
      if (!enabled.length) return { merged: 0, refused: 0 };
      const pairs = await duplicatesRepository.autoCandidates(
        db,
        enabled.map((r) => r.rule),
        PASS_LIMIT,
      );
      let merged = 0;
      let refused = 0;
      for (const pair of pairs) {
        const decision = await decide(pair, enabled);
        if ('refusal' in decision) {
          await duplicatesRepository.setAutoRefusal(db, pair.id, decision.refusal);
          refused++;
          continue;
        }
        const [survivorId, mergedId] = await mergeRepository.byAge(db, [pair.customer_a, pair.customer_b]);
        if (!survivorId || !mergedId) continue; // one of them was merged earlier in this pass
        try {
          await merges.perform(
            { survivorId, mergedId },
            {
              userId: null,
              autoRule: decision.rule,
              locale: 'zh-CN',
              audit: (entry, tx) => audit.record({ ...entry, actor: { kind: 'system', name: 'auto-merge' } }, tx),
            },
          );
          merged++;
        } catch (err) {
          if (!isDomainError(err)) throw err;
          if (err.kind === 'not_found' || err.code === 'CUSTOMER_ALREADY_MERGED') continue;
          await duplicatesRepository.setAutoRefusal(
            db,
            pair.id,
            err.code === 'CUSTOMER_MERGE_UNSUPPORTED' ? 'unsupportedDependent' : 'failed',
          );
          refused++;
        }
      }
      return { merged, refused };
    },
  };
}
