import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { DocsortApi } from '../api/client';

/**
 * The API key lives in sessionStorage: it survives reloads of this tab and is gone when the tab or
 * browser closes, and other tabs must sign in themselves.
 */
const KEY = 'docsort.apiKey';

export function storedKey(): string | null {
  return window.sessionStorage.getItem(KEY);
}
export function storeKey(key: string): void {
  window.sessionStorage.setItem(KEY, key);
}
export function clearKey(): void {
  window.sessionStorage.removeItem(KEY);
}

const ApiContext = createContext<DocsortApi | null>(null);

export function ApiProvider({ apiKey, children }: { apiKey: string; children: ReactNode }) {
  const api = useMemo(() => new DocsortApi(apiKey), [apiKey]);
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): DocsortApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
