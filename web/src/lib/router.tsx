import { Anchor, type AnchorProps } from '@mantine/core';
import { type MouseEvent, type ReactNode, useSyncExternalStore } from 'react';

/**
 * A few lines of history-API routing instead of a router package: every view has a URL, links are
 * real <a href>s (open in a new tab works), and back/forward work.
 */
const NAVIGATE_EVENT = 'docsort:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** The current path and query string, e.g. `/runs?status=FAILED`. */
export function useLocation(): { pathname: string; search: URLSearchParams; href: string } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams, href };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** `/runs/:id` → `{ id }` when the path matches, else null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = pathname.replace(/\/+$/, '').split('/');
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (const [i, seg] of p.entries()) {
    const actual = a[i] ?? '';
    if (seg.startsWith(':')) {
      if (!actual) return null;
      params[seg.slice(1)] = decodeURIComponent(actual);
    } else if (seg !== actual) return null;
  }
  return params;
}

export function Link({
  to,
  children,
  onClick: before,
  ...rest
}: { to: string; children: ReactNode; onClick?: (e: MouseEvent<HTMLAnchorElement>) => void } & AnchorProps & {
    'aria-label'?: string;
  }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    before?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <Anchor href={to} onClick={onClick} {...rest}>
      {children}
    </Anchor>
  );
}
