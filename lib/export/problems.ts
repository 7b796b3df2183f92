/**
 * Verify problems as people read them: grouped per evidence record (the ASN, the platform, the
 * capture time first). Small and dependency-free: the manager page imports it without pulling in
 * the verifier.
 */

/** Who and what a problem is about: the ASN and the record, as the reader knows them. */
export interface ProblemRecord {
  id: string;
  /** 1-based position in the bundle ("Bukti 2") */
  index: number;
  name: string | null;
  nip: string | null;
  platform: string | null;
  capturedAt: string | null;
  timezone: string | null;
}

export const PLATFORM_NAMES: Readonly<Record<string, string>> = { facebook: 'Facebook', instagram: 'Instagram', tiktok: 'TikTok' };

/** A platform as a word: "Facebook"; anything else: "situs lain" / "another site". */
export function platformName(p: string | null | undefined, lang: 'id' | 'en' = 'id'): string | null {
  if (!p) return null;
  return PLATFORM_NAMES[p] ?? (lang === 'id' ? 'situs lain' : 'another site');
}

/** Problems grouped by record (in bundle order), the bundle-wide ones last. */
export function groupProblems<P extends { record?: ProblemRecord }>(problems: readonly P[]): { record: ProblemRecord | null; problems: P[] }[] {
  const groups = new Map<string, { record: ProblemRecord | null; problems: P[] }>();
  for (const p of problems) {
    const key = p.record?.id ?? '';
    let g = groups.get(key);
    if (!g) groups.set(key, g = { record: p.record ?? null, problems: [] });
    g.problems.push(p);
  }
  return [...groups.values()].sort((a, b) => (a.record?.index ?? Infinity) - (b.record?.index ?? Infinity));
}
