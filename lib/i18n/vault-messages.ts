/**
 * Text for the optional encryption of the local database (brankas): options section, unlock
 * form, messages. Bahasa Indonesia first, English second; placeholders are {name}.
 */
import { fill, type Lang } from './messages';

const id = {
  section: 'Enkripsi penyimpanan lokal',
  intro: 'Bukti di perangkat ini dapat dienkripsi dengan kata sandi. Tanpa kata sandi, orang yang memakai komputer ini tidak dapat membaca bukti, tangkapan layar, maupun catatan riwayatnya. Kata sandi diminta sekali setiap kali peramban dibuka.',
  stateOff: 'Enkripsi belum aktif.',
  stateOnUnlocked: 'Enkripsi aktif. Penyimpanan sedang terbuka (sampai peramban ditutup atau Anda mengunci).',
  stateOnLocked: 'Enkripsi aktif. Penyimpanan terkunci.',
  stateSealing: 'Sedang mengenkripsi bukti yang sudah ada…',
  stateUnsealing: 'Sedang mendekripsi bukti…',
  passphrase: 'Kata sandi',
  passphraseConfirm: 'Ulangi kata sandi',
  passphraseCurrent: 'Kata sandi sekarang',
  passphraseNew: 'Kata sandi baru',
  passphraseHint: 'Minimal {n} karakter. Gunakan kalimat yang mudah Anda ingat, misalnya empat kata acak.',
  forgetWarning: 'Penting: kata sandi tidak dapat dipulihkan. Jika lupa, bukti yang belum disinkronkan atau diekspor tidak dapat dibuka lagi oleh siapa pun.',
  enable: 'Aktifkan enkripsi',
  enabling: 'Mengenkripsi…',
  enabled: 'Enkripsi aktif: {records} bukti dan {screenshots} tangkapan layar telah dienkripsi.',
  unlock: 'Buka kunci',
  unlocking: 'Membuka…',
  unlocked: 'Penyimpanan terbuka.',
  lockNow: 'Kunci sekarang',
  lockedNow: 'Penyimpanan terkunci.',
  change: 'Ganti kata sandi',
  changed: 'Kata sandi diganti.',
  disable: 'Matikan enkripsi',
  disableHint: 'Semua bukti akan didekripsi dan disimpan tanpa enkripsi di perangkat ini.',
  disabling: 'Mendekripsi…',
  disabled: 'Enkripsi dimatikan: {records} bukti didekripsi.',
  lockedTitle: 'Penyimpanan bukti terkunci',
  lockedBody: 'Bukti di perangkat ini dienkripsi. Masukkan kata sandi untuk membuka dan melanjutkan pekerjaan (menandai, melihat, menyinkronkan, mengekspor).',
  errMismatch: 'Kedua kata sandi tidak sama.',
  errWeak: 'Kata sandi terlalu pendek: minimal {n} karakter.',
  errWrong: 'Kata sandi salah.',
  errFailed: 'Gagal: {reason}',
  iterations: 'Kunci diturunkan dengan PBKDF2-SHA-256, {n} iterasi; data dienkripsi dengan AES-256-GCM.',
  forgot: 'Lupa kata sandi?',
  forgotBody: 'Tanpa kata sandi, bukti di perangkat ini tidak dapat dibuka oleh siapa pun. Anda dapat menghapus semuanya dan mulai lagi tanpa enkripsi. Bukti yang sudah disinkronkan tetap aman di server; bukti yang belum disinkronkan akan hilang. Setiap penghapusan dicatat di log penghapusan.',
  forgotConfirm: 'Ketik HAPUS untuk menghapus semua bukti di perangkat ini',
  forgotButton: 'Hapus semua bukti di perangkat ini',
  resetDone: '{n} bukti dihapus. Enkripsi dimatikan; Anda dapat menandai lagi.',
  resetReason: 'Kata sandi enkripsi hilang: bukti terenkripsi dihapus oleh pengawas.',
} as const;

export type VaultMessageKey = keyof typeof id;

const en: Record<VaultMessageKey, string> = {
  section: 'Encryption of local storage',
  intro: 'Evidence on this device can be encrypted with a passphrase. Without it, someone using this computer cannot read the records, screenshots or their custody logs. The passphrase is asked once each time the browser starts.',
  stateOff: 'Encryption is off.',
  stateOnUnlocked: 'Encryption is on. Storage is unlocked (until the browser closes or you lock it).',
  stateOnLocked: 'Encryption is on. Storage is locked.',
  stateSealing: 'Encrypting the existing evidence…',
  stateUnsealing: 'Decrypting the evidence…',
  passphrase: 'Passphrase',
  passphraseConfirm: 'Repeat the passphrase',
  passphraseCurrent: 'Current passphrase',
  passphraseNew: 'New passphrase',
  passphraseHint: 'At least {n} characters. Use a phrase you can remember, e.g. four random words.',
  forgetWarning: 'Important: the passphrase cannot be recovered. If it is forgotten, evidence not yet synced or exported can never be opened again by anyone.',
  enable: 'Turn on encryption',
  enabling: 'Encrypting…',
  enabled: 'Encryption is on: {records} records and {screenshots} screenshots were encrypted.',
  unlock: 'Unlock',
  unlocking: 'Unlocking…',
  unlocked: 'Storage unlocked.',
  lockNow: 'Lock now',
  lockedNow: 'Storage locked.',
  change: 'Change passphrase',
  changed: 'Passphrase changed.',
  disable: 'Turn off encryption',
  disableHint: 'All evidence will be decrypted and kept unencrypted on this device.',
  disabling: 'Decrypting…',
  disabled: 'Encryption is off: {records} records were decrypted.',
  lockedTitle: 'Evidence storage is locked',
  lockedBody: 'The evidence on this device is encrypted. Enter the passphrase to unlock it and carry on (flag, view, sync, export).',
  errMismatch: 'The two passphrases differ.',
  errWeak: 'The passphrase is too short: at least {n} characters.',
  errWrong: 'Wrong passphrase.',
  errFailed: 'Failed: {reason}',
  iterations: 'The key is derived with PBKDF2-SHA-256, {n} iterations; data is encrypted with AES-256-GCM.',
  forgot: 'Forgot the passphrase?',
  forgotBody: 'Without the passphrase nobody can open the evidence on this device. You can delete all of it and start again without encryption. Evidence already synced stays safe on the server; evidence not yet synced will be lost. Every deletion is written to the deletion log.',
  forgotConfirm: 'Type HAPUS to delete all evidence on this device',
  forgotButton: 'Delete all evidence on this device',
  resetDone: '{n} records deleted. Encryption is off; you can flag again.',
  resetReason: 'Encryption passphrase lost: encrypted evidence deleted by the monitor.',
};

export function tv(lang: Lang, key: VaultMessageKey, params?: Record<string, string | number>): string {
  return fill((lang === 'en' ? en : id)[key], params);
}

/** Both tables, for the test that renders every key in both languages (tests/unit/i18n/messages.test.ts). */
export const VAULT_MESSAGE_TABLES = { id, en };
