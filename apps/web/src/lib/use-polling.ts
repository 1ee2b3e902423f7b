import { useEffect, useRef } from 'react';

/**
 * Calls `refresh` every `ms` while the page is visible, for screens whose
 * API has no subscription (decisions, workflow items, boards). Hidden tabs
 * poll nothing, so a phone in a pocket costs the gateway nothing.
 */
export function usePolling(refresh: () => unknown, ms: number, enabled = true): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    if (!enabled) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void latest.current();
    }, ms);
    return () => window.clearInterval(timer);
  }, [ms, enabled]);
}
