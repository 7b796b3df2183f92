/**
 * The edge between sync errors (stable codes from ./protocol.ts) and what a monitor reads: plain
 * text in the chosen language that says what to do next. No HTTP status, no server English, no token.
 */
import { t, type Lang, type MessageKey } from '../i18n/messages';
import type { SyncErrorCode } from './protocol';

export const SYNC_ERROR_KEYS: Record<SyncErrorCode, MessageKey> = {
  address_missing: 'syncErr_address_missing',
  address_invalid: 'syncErr_address_invalid',
  address_scheme: 'syncErr_address_scheme',
  address_credentials: 'syncErr_address_credentials',
  address_insecure: 'syncErr_address_insecure',
  token_missing: 'syncErr_token_missing',
  token_invalid_chars: 'syncErr_token_invalid_chars',
  token_refused: 'syncErr_token_refused',
  token_disabled: 'syncErr_token_disabled',
  token_forbidden: 'syncErr_token_forbidden',
  device_not_approved: 'syncErr_device_not_approved',
  key_revoked: 'syncErr_key_revoked',
  network: 'syncErr_network',
  timeout: 'syncErr_timeout',
  cancelled: 'syncErr_cancelled',
  server_busy: 'syncErr_server_busy',
  server_error: 'syncErr_server_error',
  wrong_address: 'syncErr_wrong_address',
  bad_reply: 'syncErr_bad_reply',
  too_large: 'syncErr_too_large',
  conflict: 'syncErr_conflict',
  record_refused: 'syncErr_record_refused',
  refused: 'syncErr_refused',
  not_evidence_server: 'syncErr_not_evidence_server',
};

export function syncErrorText(lang: Lang, code: SyncErrorCode): string {
  return t(lang, SYNC_ERROR_KEYS[code] ?? 'syncErr_refused');
}
