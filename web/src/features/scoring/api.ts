import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { ResponseOf } from '../../api/types';
import type { AbcClass, Grade, LifecycleStage, RfmClass, RfmSegment, ValueTier } from './labels';
import type { RuleRoot } from '../../components/rule-builder';

// Shapes from the server's OpenAPI document (web/src/api/schema.d.ts).

export type Rule = RuleRoot;

export type ScoringSettings = ResponseOf<'/api/v1/scoring/settings', 'get'>;
export type RfmSettings = ScoringSettings['rfm'];
export type AbcSettings = ScoringSettings['abc'];
export type LifecycleSettings = ScoringSettings['lifecycle'];
export type ScoringModel = keyof ScoringSettings;
export type RecomputeStatus = ResponseOf<'/api/v1/scoring/recompute', 'get'>;
export type RfmMatrix = ResponseOf<'/api/v1/scoring/rfm/matrix', 'get'>;
export type AbcReport = ResponseOf<'/api/v1/scoring/abc', 'get'>;
export type Distribution = ResponseOf<'/api/v1/scoring/distribution', 'get'>;
export type LifecycleFlows = {
  items: (Omit<ResponseOf<'/api/v1/scoring/lifecycle/flows', 'get'>['items'][number], 'from'> & {
    from: LifecycleStage | null;
  })[];
};
export type LifecycleHistory = ResponseOf<'/api/v1/customers/{id}/lifecycle', 'get'>;

export type CustomerScores = {
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  rfmClass: RfmClass | null;
  rfmSegment: RfmSegment | null;
  abcClass: AbcClass | null;
  valueTier: ValueTier | null;
  grade: Grade | null;
  lifecycleStage: LifecycleStage | null;
  lifecycleSince: string | null;
  recencyDays: number | null;
  frequency: number | null;
  monetary: string | number | null;
  scoredAt: string | null;
};

// Everything under ['scoring'], so a recompute refreshes every chart at once.
export const scoringKeys = {
  all: ['scoring'] as const,
  settings: ['scoring', 'settings'] as const,
  recompute: ['scoring', 'recompute'] as const,
  matrix: ['scoring', 'rfm-matrix'] as const,
  abc: ['scoring', 'abc'] as const,
  distribution: ['scoring', 'distribution'] as const,
  flows: (months: number) => ['scoring', 'flows', months] as const,
  customerLifecycle: (id: string) => ['scoring', 'customer-lifecycle', id] as const,
};

export function useScoringSettings() {
  return useQuery({
    queryKey: scoringKeys.settings,
    queryFn: () => call(() => client.GET('/api/v1/scoring/settings')),
  });
}

export function useSaveScoringSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ model, value }: { model: ScoringModel; value: ScoringSettings[ScoringModel] }) =>
      // one route per model; the body is that model's settings
      call(() =>
        client.PUT(`/api/v1/scoring/settings/${model}` as '/api/v1/scoring/settings/abc', {
          body: value as AbcSettings,
        }),
      ),
    onSuccess: (settings) => queryClient.setQueryData(scoringKeys.settings, settings),
  });
}

const busy = (s: RecomputeStatus['status'] | undefined) => s === 'queued' || s === 'running';

/** The bulk recompute's state; polled while it runs, and every chart refreshes when it ends. */
export function useRecomputeStatus() {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: scoringKeys.recompute,
    queryFn: async () => {
      const prev = queryClient.getQueryData<RecomputeStatus>(scoringKeys.recompute);
      const next = await call(() => client.GET('/api/v1/scoring/recompute'));
      // a run ended since the last look (polled while running, or fast enough to end in between)
      if (prev && !busy(next.status) && (busy(prev.status) || prev.finishedAt !== next.finishedAt)) {
        void queryClient.invalidateQueries({
          predicate: (q) =>
            (q.queryKey[0] === 'scoring' && q.queryKey[1] !== 'recompute') || q.queryKey[0] === 'customers',
        });
      }
      return next;
    },
    refetchInterval: (q) => (busy(q.state.data?.status) ? 1000 : false),
  });
}

export function useStartRecompute() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call(() => client.POST('/api/v1/scoring/recompute')),
    onSuccess: (status) => {
      queryClient.setQueryData(scoringKeys.recompute, status);
      return queryClient.invalidateQueries({ queryKey: scoringKeys.recompute });
    },
  });
}

export function useRfmMatrix() {
  return useQuery({
    queryKey: scoringKeys.matrix,
    queryFn: () => call(() => client.GET('/api/v1/scoring/rfm/matrix')),
  });
}

export function useAbcReport() {
  return useQuery({ queryKey: scoringKeys.abc, queryFn: () => call(() => client.GET('/api/v1/scoring/abc')) });
}

export function useDistribution() {
  return useQuery({
    queryKey: scoringKeys.distribution,
    queryFn: () => call(() => client.GET('/api/v1/scoring/distribution')),
  });
}

export function useLifecycleFlows(months: number) {
  return useQuery({
    queryKey: scoringKeys.flows(months),
    queryFn: (): Promise<LifecycleFlows> =>
      call(() => client.GET('/api/v1/scoring/lifecycle/flows', { params: { query: { months } } })),
  });
}

export function useCustomerLifecycle(id: string) {
  return useQuery({
    queryKey: scoringKeys.customerLifecycle(id),
    queryFn: () => call(() => client.GET('/api/v1/customers/{id}/lifecycle', { params: { path: { id } } })),
  });
}

/** Money arrives as a decimal string; charts need numbers (display only, never summed for money). */
export const num = (v: string | number | null | undefined) => (v == null ? 0 : Number(v));
