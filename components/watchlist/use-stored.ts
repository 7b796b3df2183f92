/** A WXT storage item as Preact state, live-updated when it changes anywhere. */
import { useEffect, useState } from 'preact/hooks';

export function useStored<T>(item: { getValue(): Promise<T>; watch(cb: (v: T) => void): () => void }, fallback: T): T {
  const [v, setV] = useState<T>(fallback);
  useEffect(() => {
    void item.getValue().then(setV);
    return item.watch((n) => setV(n ?? fallback));
  }, []);
  return v;
}
