// Showing numbers and dates the way the office reads them. The figures
// themselves come from Rust; these only format them for display.

/** 1234 → 「1,234」. */
export function num(value) {
  return Number(value).toLocaleString('ja-JP');
}

/** num(), or 「—」 when there is no value. */
export function numOrDash(value) {
  return value === null || value === undefined ? '—' : num(value);
}

/** A share 0..1 → 「12.5%」; 「—」 when there is none (no answers). */
export function pct(share) {
  return share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** A file size: 「2.5 MB」, 「12 KB」. */
export function fileSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** Today on this PC as 2025-04-01, the form Rust reads besides 和暦. */
export function todayIso(d = new Date()) {
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
