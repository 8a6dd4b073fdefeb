import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, ResponseOf } from '../../api/types';
import { customerKeys } from './api';

export type CustomerConsents = ResponseOf<'/api/v1/customers/{id}/consents', 'get'>;
export type ConsentRecord = CustomerConsents['history'][number];
export type ConsentStatus = ConsentRecord['status'];
export type RecordConsentBody = BodyOf<'/api/v1/customers/{id}/consents', 'post'>;

export const consentPurposes: RecordConsentBody['purpose'][] = [
  'marketing',
  'newsletter',
  'service',
  'profiling',
  'third_party',
  'privacy_policy',
];
export const consentChannels: RecordConsentBody['channel'][] = ['email', 'sms', 'wechat', 'phone', 'any'];

// under the customer's detail key, so whatever refreshes the customer refreshes these too
const consentsKey = (id: string) => [...customerKeys.detail(id), 'consents'] as const;

export function useConsents(customerId: string) {
  return useQuery({
    queryKey: consentsKey(customerId),
    queryFn: () => call(() => client.GET('/api/v1/customers/{id}/consents', { params: { path: { id: customerId } } })),
  });
}

export function useRecordConsent(customerId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RecordConsentBody) =>
      call(() => client.POST('/api/v1/customers/{id}/consents', { params: { path: { id: customerId } }, body })),
    onSuccess: (data) => {
      queryClient.setQueryData(consentsKey(customerId), data);
      // the timeline has a new entry
      return queryClient.invalidateQueries({ queryKey: ['customers', 'timeline', customerId] });
    },
  });
}
