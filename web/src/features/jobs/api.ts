import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { QueryOf, ResponseOf } from '../../api/types';

export const jobStates = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;
export type JobState = (typeof jobStates)[number];
export type JobPage = ResponseOf<'/api/v1/jobs', 'get'>;
export type Job = JobPage['items'][number];
export type Schedule = ResponseOf<'/api/v1/jobs/schedules', 'get'>['items'][number];
export type JobFilters = Omit<QueryOf<'/api/v1/jobs', 'get'>, 'cursor'>;

export function useJobs(filters: JobFilters, cursor: string | null, refetchInterval: number | false = 5000) {
  return useQuery({
    queryKey: ['jobs', filters, cursor],
    queryFn: () =>
      call(() => client.GET('/api/v1/jobs', { params: { query: { ...filters, cursor: cursor ?? undefined } } })),
    placeholderData: (prev) => prev,
    // long jobs show their progress moving
    refetchInterval,
  });
}

export function useSchedules() {
  return useQuery({
    queryKey: ['jobs', 'schedules'],
    queryFn: () => call(() => client.GET('/api/v1/jobs/schedules')),
    select: (d) => d.items,
  });
}

export function useRetryJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(() => client.POST('/api/v1/jobs/{id}/retry', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['jobs'] }),
  });
}
