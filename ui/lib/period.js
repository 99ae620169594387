// The period a screen opens on: the one chosen last in this session, else
// the current 年度, which the Rust side names (api.periodOptions) from the
// computer's clock.

/** The period saved under `key` when `valid(saved)` accepts it, else the 年度 `currentYear`. */
export function loadPeriod(key, valid, currentYear) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(key) || 'null');
    if (saved && valid(saved)) return saved;
  } catch { /* fall through to the current 年度 */ }
  return { kind: 'fiscal', year: currentYear };
}

export function savePeriod(key, period) {
  sessionStorage.setItem(key, JSON.stringify(period));
}
