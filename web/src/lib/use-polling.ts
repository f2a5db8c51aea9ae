import { useCallback, useEffect, useRef } from 'react';

/**
 * Calls `load(false)` whenever `trigger` changes (a string naming what is loaded), then `load(true)`
 * every `intervalMs` (read afresh each time, so a view can poll faster while something is moving)
 * while the tab is visible. `load(true)` is a quiet refresh: the view keeps its rows and its scroll
 * position. The returned function refreshes at once.
 */
export function usePolling(
  load: (quiet: boolean) => Promise<void>,
  intervalMs: number,
  trigger: string,
): () => void {
  const latest = useRef({ load, intervalMs });
  latest.current = { load, intervalMs };
  const kick = useRef<() => void>(() => undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `trigger` names what load() reads
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (quiet: boolean) => {
      clearTimeout(timer);
      if (!quiet || document.visibilityState === 'visible') {
        try {
          await latest.current.load(quiet);
        } catch {
          // load() reports its own errors; polling goes on
        }
      }
      if (!stopped) timer = setTimeout(() => void tick(true), latest.current.intervalMs);
    };
    kick.current = () => void tick(true);
    void tick(false);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [trigger]);

  return useCallback(() => kick.current(), []);
}
