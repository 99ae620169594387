// The period a screen opens on: the one chosen last in this session, else
// the current 年度 (April to March).

/** The 年度 (fiscal year, from April) that `date` falls in. */
export function fiscalYearOf(date) {
  return date.getMonth() >= 3 ? date.getFullYear() : date.getFullYear() - 1;
}

/** The period saved under `key` when `valid(saved)` accepts it, else this 年度. */
export function loadPeriod(key, valid) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(key) || 'null');
    if (saved && valid(saved)) return saved;
  } catch { /* fall through to the current 年度 */ }
  return { kind: 'fiscal', year: fiscalYearOf(new Date()) };
}

export function savePeriod(key, period) {
  sessionStorage.setItem(key, JSON.stringify(period));
}
