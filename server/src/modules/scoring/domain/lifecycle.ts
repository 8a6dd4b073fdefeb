import type { LifecycleSettings } from '../scoring.settings.ts';

/**
 * Lifecycle stage from a customer's order days (business time zone), first match wins:
 * prospect (no counted order) → churned (no order for more than churnedDays) → dormant (more than
 * dormantDays) → new (first order at most newDays − 1 days ago, i.e. within the last newDays
 * calendar days) → loyal (at least loyalOrders orders within the last loyalWindowDays days) → active.
 */

export const lifecycleStages = ['prospect', 'new', 'active', 'loyal', 'dormant', 'churned'] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

export type LifecycleFacts = {
  /** Days from the first / last order day to today; null without any counted order. */
  daysSinceFirst: number | null;
  daysSinceLast: number | null;
  /** Counted orders in the last loyalWindowDays days. */
  ordersInLoyalWindow: number;
};

export function lifecycleStageOf(f: LifecycleFacts, s: LifecycleSettings): LifecycleStage {
  if (f.daysSinceLast === null || f.daysSinceFirst === null) return 'prospect';
  if (f.daysSinceLast > s.churnedDays) return 'churned';
  if (f.daysSinceLast > s.dormantDays) return 'dormant';
  if (f.daysSinceFirst < s.newDays) return 'new';
  if (f.ordersInLoyalWindow >= s.loyalOrders) return 'loyal';
  return 'active';
}
