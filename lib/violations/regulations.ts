/**
 * Violation types and the regulations they fall under, as DATA: legal staff can correct a label
 * or a reference here (or a later settings screen can override it) without touching the export
 * code. Shown in report.html next to every record.
 *
 * Source: docs/domain.md (news coverage and regulation summaries, 2023-2024). The primary legal
 * texts were not at hand, so no article number is given beyond what domain.md states
 * (PP 94/2021 Pasal 5 huruf n). Treat these as references to show a reader, not legal advice,
 * and have them reviewed before relying on them.
 */
import type { GestureType, ViolationType } from '../record/schema';

export interface RegulationInfo {
  /** Indonesian label (default UI and report language) */
  label_id: string;
  label_en: string;
  /** references shown to the reader, most specific first */
  refs: string[];
}

/** Bump when the table changes; the report prints it so a reader knows which table was used. */
export const REGULATIONS_TABLE_VERSION = '2024-11-1';

export const REGULATION_SOURCES = {
  SKB: 'SKB Menteri PANRB, Mendagri, Kepala BKN, Ketua KASN dan Ketua Bawaslu Nomor 2 Tahun 2022 tentang Pedoman Pembinaan dan Pengawasan Netralitas Pegawai ASN dalam Penyelenggaraan Pemilu dan Pemilihan',
  PP_94_2021: 'PP Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil, Pasal 5 huruf n',
  UU_20_2023: 'UU Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara (asas netralitas)',
} as const;

const PP = 'PP 94/2021 Pasal 5 huruf n (larangan memberi dukungan kepada calon; berlaku bagi PNS)';
const UU = 'UU 20/2023 tentang ASN (asas netralitas: ASN tidak berpihak)';
const skb = (form: string) => `SKB 2/2022 (Pedoman Netralitas ASN): ${form}`;

export const VIOLATION_REGULATIONS: Readonly<Record<ViolationType, RegulationInfo>> = {
  like: {
    label_id: 'Memberi tanda suka (like) pada unggahan calon/peserta pemilu',
    label_en: 'Liking a post of a candidate or election participant',
    refs: [skb('memberikan tanda suka (like) pada unggahan calon/tim kampanye di media sosial'), PP, UU],
  },
  reaction: {
    label_id: 'Memberi reaksi pada unggahan calon/peserta pemilu',
    label_en: 'Reacting to a post of a candidate or election participant',
    refs: [skb('memberikan tanda suka/reaksi pada unggahan calon/tim kampanye di media sosial'), PP, UU],
  },
  comment: {
    label_id: 'Mengomentari unggahan calon/tim kampanye',
    label_en: 'Commenting on a post of a candidate or campaign team',
    refs: [skb('memberikan komentar pada unggahan calon/tim kampanye di media sosial'), PP, UU],
  },
  share: {
    label_id: 'Membagikan (share/repost) unggahan kampanye',
    label_en: 'Sharing or reposting campaign content',
    refs: [skb('membagikan (share) unggahan calon/tim kampanye di media sosial'), PP, UU],
  },
  post: {
    label_id: 'Mengunggah konten kampanye atau dukungan kepada calon',
    label_en: 'Posting campaign content or support for a candidate',
    refs: [skb('membuat unggahan (posting) yang mendukung calon/peserta pemilu'), PP, UU],
  },
  gesture: {
    label_id: 'Berpose dengan gestur tangan yang menunjukkan keberpihakan',
    label_en: 'Posing with a partisan hand gesture',
    refs: [skb('berfoto dengan gestur tangan yang menunjukkan keberpihakan kepada calon'), PP, UU],
  },
  photo_with_candidate: {
    label_id: 'Berfoto bersama calon, tim kampanye, atau alat peraga kampanye',
    label_en: 'Photo with a candidate, campaign team or campaign props',
    refs: [skb('berfoto bersama calon/tim kampanye/alat peraga kampanye dan mengunggahnya'), PP, UU],
  },
  campaign_attribute: {
    label_id: 'Memakai atribut kampanye atau menghadiri kegiatan kampanye',
    label_en: 'Wearing campaign attributes or attending a campaign event',
    refs: [skb('menggunakan atribut kampanye / ikut kampanye'), PP, UU],
  },
  profile_picture: {
    label_id: 'Foto profil atau bingkai (twibbon) dukungan kepada calon',
    label_en: 'Profile picture or frame (twibbon) supporting a candidate',
    refs: [skb('memasang foto profil/bingkai (twibbon) dukungan kepada calon'), PP, UU],
  },
  follow: {
    label_id: 'Mengikuti atau bergabung dengan akun/grup pemenangan calon',
    label_en: 'Following or joining a candidate\'s campaign account or group',
    refs: [skb('mengikuti/bergabung dengan akun atau grup pemenangan calon'), PP, UU],
  },
  other: {
    label_id: 'Bentuk keberpihakan politik lainnya',
    label_en: 'Other form of political partisanship',
    refs: [skb('bentuk keberpihakan lain kepada calon/peserta pemilu'), PP, UU],
  },
};

export const GESTURE_LABELS: Readonly<Record<GestureType, { label_id: string; label_en: string }>> = {
  thumb_up: { label_id: 'Jempol', label_en: 'Thumb up' },
  one_finger: { label_id: 'Satu jari', label_en: 'One finger' },
  two_fingers: { label_id: 'Dua jari', label_en: 'Two fingers' },
  three_fingers: { label_id: 'Tiga jari', label_en: 'Three fingers' },
  four_fingers: { label_id: 'Empat jari', label_en: 'Four fingers' },
  v_sign: { label_id: 'Huruf V', label_en: 'V sign' },
  finger_heart: { label_id: 'Finger heart (saranghae)', label_en: 'Finger heart' },
  finger_gun: { label_id: 'Pistol jari', label_en: 'Finger gun' },
  phone: { label_id: 'Telepon', label_en: 'Phone' },
  metal: { label_id: 'Metal', label_en: 'Metal sign' },
  ok: { label_id: 'OK', label_en: 'OK sign' },
  other: { label_id: 'Gestur lain', label_en: 'Other gesture' },
};

export function violationInfo(type: ViolationType): RegulationInfo {
  return VIOLATION_REGULATIONS[type];
}

/** Distinct references for a set of violation types, in table order. */
export function referencesFor(types: readonly ViolationType[]): string[] {
  const out: string[] = [];
  for (const t of types) for (const r of VIOLATION_REGULATIONS[t]?.refs ?? []) if (!out.includes(r)) out.push(r);
  return out;
}
