import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { call, client } from '../../api/client';
import type { RuleField } from './model';

/** The field catalogue (labels come translated, so the language is part of the key). */
export function useRuleFields() {
  const { i18n } = useTranslation();
  return useQuery({
    queryKey: ['segments', 'fields', i18n.language],
    queryFn: () => call(() => client.GET('/api/v1/segments/fields')),
    // the document types ops as strings; the builder's model names them
    select: (d) => d.fields as RuleField[],
    staleTime: 5 * 60_000,
  });
}

/** Segments to test membership of (a segment never offers itself). */
export function useSegmentOptions(enabled: boolean) {
  return useQuery({
    queryKey: ['segments', 'options'],
    queryFn: () => call(() => client.GET('/api/v1/segments')),
    select: (d) => d.items.map((s) => ({ value: s.id, label: s.name })),
    enabled,
    staleTime: 30_000,
  });
}

export function useProductOptions(search: string, enabled: boolean) {
  return useQuery({
    queryKey: ['products', 'options', search],
    queryFn: () =>
      call(() => client.GET('/api/v1/products', { params: { query: { search: search || undefined, limit: 50 } } })),
    select: (d) => d.items.map((p) => ({ value: p.id, label: p.sku ? `${p.name} (${p.sku})` : p.name })),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export function useCategoryOptions(enabled: boolean) {
  return useQuery({
    queryKey: ['products', 'categories'],
    queryFn: () => call(() => client.GET('/api/v1/product-categories')),
    select: (d) => d.items,
    enabled,
    staleTime: 60_000,
  });
}

export function useStoreOptions(enabled: boolean) {
  return useQuery({
    queryKey: ['touchpoints', 'stores'],
    queryFn: () => call(() => client.GET('/api/v1/touchpoints', { params: { query: { type: 'store' } } })),
    select: (d) => d.items.map((tp) => ({ value: tp.id, label: tp.name })),
    enabled,
    staleTime: 60_000,
  });
}

export function useTagOptions(enabled: boolean) {
  return useQuery({
    queryKey: ['customer-tags'],
    queryFn: () => call(() => client.GET('/api/v1/customer-tags')),
    select: (d) => d.items.map((tg) => ({ value: tg.name, label: tg.name })),
    enabled,
    staleTime: 30_000,
  });
}

export function useTouchpointOptions(enabled: boolean) {
  return useQuery({
    queryKey: ['touchpoints', 'options'],
    queryFn: () => call(() => client.GET('/api/v1/touchpoints')),
    select: (d) => d.items.map((tp) => ({ value: tp.id, label: tp.name })),
    enabled,
    staleTime: 60_000,
  });
}

export function useOwnerOptions(enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'owner-options'],
    queryFn: () => call(() => client.GET('/api/v1/users', { params: { query: { limit: 200, active: 'true' } } })),
    select: (d) => d.items.map((u) => ({ value: u.id, label: u.name })),
    enabled,
    staleTime: 60_000,
  });
}
