import { createContext, useContext, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { call, client } from '../api/client';

export type Business = { businessName: string; timeZone: string; defaultLocale: string };

export const defaultBusiness: Business = { businessName: 'Kehu', timeZone: 'Asia/Shanghai', defaultLocale: 'zh-CN' };

export const settingsKey = ['settings'] as const;

const BusinessContext = createContext<Business>(defaultBusiness);

/**
 * The business name (header) and time zone (every date on screen), which every signed-in user
 * may read; the defaults apply until they arrive.
 */
export function BusinessProvider({ children }: { children: ReactNode }) {
  const { data } = useQuery({
    queryKey: [...settingsKey, 'public'],
    queryFn: () => call(() => client.GET('/api/v1/settings/public')),
    retry: false,
    staleTime: 5 * 60_000,
  });
  const value: Business = {
    businessName: data?.businessName || defaultBusiness.businessName,
    timeZone: data?.timeZone || defaultBusiness.timeZone,
    defaultLocale: data?.defaultLocale || defaultBusiness.defaultLocale,
  };
  return <BusinessContext.Provider value={value}>{children}</BusinessContext.Provider>;
}

export function useBusiness(): Business {
  return useContext(BusinessContext);
}
