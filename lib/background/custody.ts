/**
 * Every custody entry the extension writes is signed by the installation key
 * (lib/integrity/custody.ts). Signing is asynchronous, so a change and its entries are computed
 * against the record as read and committed only if nobody changed it meanwhile
 * (updateEvidenceAsync); `plan` may therefore run more than once and must not have side effects
 * beyond its return value.
 */
import { updateEvidenceAsync, type CustodyEvent, type StoredEvidence } from '../db/evidence-db';
import { appendSignedCustody } from '../integrity/custody';
import { installationSigner } from '../integrity/keystore';

export async function updateWithCustody(
  id: string,
  plan: (ev: StoredEvidence) => { next: StoredEvidence; entries: CustodyEvent[] } | null,
): Promise<StoredEvidence | undefined> {
  const signer = await installationSigner();
  return updateEvidenceAsync(id, async (ev) => {
    const p = plan(ev);
    if (!p) return null;
    if (!p.entries.length) return p.next;
    return { ...p.next, custody: await appendSignedCustody(id, ev.custody, p.entries, signer) };
  });
}
