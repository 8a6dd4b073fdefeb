import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/types';

export type OrdersPage = ResponseOf<'/api/v1/orders', 'get'>;
export type Order = OrdersPage['items'][number];
export type OrderStatus = Order['status'];
export type OrderFilters = Omit<QueryOf<'/api/v1/orders', 'get'>, 'cursor'>;
export type RefundBody = BodyOf<'/api/v1/orders/{id}/refunds', 'post'>;

export type ProductsPage = ResponseOf<'/api/v1/products', 'get'>;
export type Product = ProductsPage['items'][number];
export type ProductFilters = Omit<QueryOf<'/api/v1/products', 'get'>, 'cursor'>;
export type ProductBody = BodyOf<'/api/v1/products', 'post'>;
export type ProductCategory = ResponseOf<'/api/v1/product-categories', 'get'>['items'][number];
export type CategoryBody = BodyOf<'/api/v1/product-categories', 'post'>;

export const orderStatuses: OrderStatus[] = ['paid', 'partially_refunded', 'refunded', 'cancelled'];

export const orderKeys = {
  all: ['orders'] as const,
  list: (filters: OrderFilters, cursor: string | null) => ['orders', 'list', filters, cursor] as const,
  one: (id: string) => ['orders', 'one', id] as const,
};
export const productKeys = {
  all: ['products'] as const,
  list: (filters: ProductFilters, cursor: string | null) => ['products', 'list', filters, cursor] as const,
  categories: ['products', 'categories'] as const,
};

export function useOrders(filters: OrderFilters, cursor: string | null) {
  return useQuery({
    queryKey: orderKeys.list(filters, cursor),
    queryFn: () =>
      call(() => client.GET('/api/v1/orders', { params: { query: { ...filters, cursor: cursor ?? undefined } } })),
    placeholderData: keepPreviousData,
  });
}

export function useOrder(id: string | null) {
  return useQuery({
    queryKey: orderKeys.one(id ?? ''),
    queryFn: () => call(() => client.GET('/api/v1/orders/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: !!id,
  });
}

/** A change to an order refreshes every order list and the customer screens (aggregates, timeline). */
function useOrderMutation<V>(fn: (v: V) => Promise<Order>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (order) => {
      queryClient.setQueryData(orderKeys.one(order.id), order);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: orderKeys.all }),
        queryClient.invalidateQueries({ queryKey: ['customers'] }),
      ]);
    },
  });
}

export const useCancelOrder = () =>
  useOrderMutation(({ id, reason }: { id: string; reason?: string }) =>
    call(() =>
      client.POST('/api/v1/orders/{id}/cancel', { params: { path: { id } }, body: { reason: reason || null } }),
    ),
  );
export const useRefundOrder = () =>
  useOrderMutation(({ id, body }: { id: string; body: RefundBody }) =>
    call(() => client.POST('/api/v1/orders/{id}/refunds', { params: { path: { id } }, body })),
  );

export function useProducts(filters: ProductFilters, cursor: string | null) {
  return useQuery({
    queryKey: productKeys.list(filters, cursor),
    queryFn: () =>
      call(() => client.GET('/api/v1/products', { params: { query: { ...filters, cursor: cursor ?? undefined } } })),
    placeholderData: keepPreviousData,
  });
}

export function useCategories() {
  return useQuery({
    queryKey: productKeys.categories,
    queryFn: () => call(() => client.GET('/api/v1/product-categories')),
    select: (d) => d.items,
  });
}

/** Catalogue writes refresh products and categories together (product counts move). */
function useCatalogueMutation<V, R>(fn: (v: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productKeys.all }),
  });
}

export const useSaveProduct = () =>
  useCatalogueMutation(({ id, body }: { id?: string; body: ProductBody }) =>
    id
      ? call(() => client.PATCH('/api/v1/products/{id}', { params: { path: { id } }, body }))
      : call(() => client.POST('/api/v1/products', { body })),
  );
export const useSaveCategory = () =>
  useCatalogueMutation(({ id, body }: { id?: string; body: CategoryBody }) =>
    id
      ? call(() => client.PATCH('/api/v1/product-categories/{id}', { params: { path: { id } }, body }))
      : call(() => client.POST('/api/v1/product-categories', { body })),
  );
export const useDeleteCategory = () =>
  useCatalogueMutation((id: string) =>
    call(() => client.DELETE('/api/v1/product-categories/{id}', { params: { path: { id } } })),
  );
