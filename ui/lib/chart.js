// Small hand-made SVG charts. Built with createElementNS and textContent, so
// no markup strings, no library to vendor or update, and nothing that could
// reach the network; the office PC and the laptop at a 公民館 draw the same.

const NS = 'http://www.w3.org/2000/svg';

/** s('rect', { x: 1, class: 'bar' }, child…) — the SVG twin of h(). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Colour-blind-friendly palette (Okabe–Ito, then softer tones). */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#8c7a3c', '#6b6b6b',
  '#2f8f83', '#b07aa1', '#9c755f', '#4e79a7'];

/** A round step for about `count` gridlines up to `max`. */
function niceStep(max, count = 5) {
  const raw = Math.max(max, 1) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((m) => m >= raw) || power * 10;
  return Math.max(1, step);
}

/**
 * Bars by month, stacked by series.
 * months: [{ key: '2025-04', label: '4月', values: [n per series] }]
 * series: [{ name }]
 */
export function stackedBars({ months, series, title, unit = '冊' }) {
  const width = 720;
  const height = 260;
  const pad = { top: 16, right: 12, bottom: 30, left: 44 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const totals = months.map((m) => m.values.reduce((a, b) => a + b, 0));
  const step = niceStep(Math.max(...totals, 0));
  const top = Math.max(step, Math.ceil(Math.max(...totals, 0) / step) * step);
  const y = (v) => pad.top + plotH - (v / top) * plotH;
  const slot = plotW / Math.max(months.length, 1);
  const barW = Math.min(40, slot * 0.62);

  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title,
    preserveAspectRatio: 'xMidYMid meet',
  }, s('title', {}, title));

  const grid = s('g', { class: 'chart-grid' });
  for (let v = 0; v <= top; v += step) {
    grid.append(
      s('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }),
      s('text', { x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, v.toLocaleString('ja-JP')),
    );
  }
  svg.append(grid);

  months.forEach((month, i) => {
    const x = pad.left + slot * i + (slot - barW) / 2;
    const group = s('g', { class: 'chart-bar', dataset: { month: month.key, total: String(totals[i]) } });
    let base = 0;
    month.values.forEach((value, k) => {
      if (!value) return;
      const rect = s('rect', {
        x, width: barW, y: y(base + value), height: Math.max(0.5, y(base) - y(base + value)),
        fill: PALETTE[k % PALETTE.length], dataset: { series: series[k].name },
      }, s('title', {}, `${month.label} ${series[k].name}：${value.toLocaleString('ja-JP')}${unit}`));
      group.append(rect);
      base += value;
    });
    if (totals[i] > 0) {
      group.append(s('text', { class: 'chart-total', x: x + barW / 2, y: y(totals[i]) - 4, 'text-anchor': 'middle' },
        totals[i].toLocaleString('ja-JP')));
    }
    group.append(s('text', { class: 'chart-label', x: x + barW / 2, y: height - pad.bottom + 18, 'text-anchor': 'middle' }, month.label));
    svg.append(group);
  });
  svg.append(s('line', { class: 'chart-axis', x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0) }));
  return svg;
}

const pct = (share) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`);

/**
 * One bar per point on a 0–100% scale (the 浸透度 trend). A point without
 * answers draws no bar and says so, instead of a misleading 0%.
 * points: [{ key, label, share (0..1 or null), note }]
 */
export function shareColumns({ points, title }) {
  const width = 720;
  const height = 240;
  const pad = { top: 18, right: 12, bottom: 34, left: 44 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const y = (share) => pad.top + plotH - share * plotH;
  const slot = plotW / Math.max(points.length, 1);
  const barW = Math.min(56, slot * 0.6);
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title,
    preserveAspectRatio: 'xMidYMid meet',
  }, s('title', {}, title));
  const grid = s('g', { class: 'chart-grid' });
  for (let v = 0; v <= 100; v += 25) {
    grid.append(
      s('line', { x1: pad.left, x2: width - pad.right, y1: y(v / 100), y2: y(v / 100) }),
      s('text', { x: pad.left - 6, y: y(v / 100) + 4, 'text-anchor': 'end' }, `${v}%`),
    );
  }
  svg.append(grid);
  points.forEach((point, i) => {
    const x = pad.left + slot * i + (slot - barW) / 2;
    const has = point.share !== null && point.share !== undefined;
    const group = s('g', { class: 'chart-bar', dataset: { key: point.key, share: has ? point.share.toFixed(4) : '' } });
    if (has) {
      group.append(s('rect', {
        x, width: barW, y: y(point.share), height: Math.max(0.5, y(0) - y(point.share)), fill: PALETTE[0],
      }, s('title', {}, `${point.label}：${pct(point.share)}${point.note ? `（${point.note}）` : ''}`)));
    }
    group.append(s('text', { class: 'chart-total', x: x + barW / 2, y: (has ? y(point.share) : y(0)) - 4, 'text-anchor': 'middle' },
      has ? pct(point.share) : '回答なし'));
    group.append(s('text', { class: 'chart-label', x: x + barW / 2, y: height - pad.bottom + 18, 'text-anchor': 'middle' }, point.label));
    svg.append(group);
  });
  svg.append(s('line', { class: 'chart-axis', x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0) }));
  return svg;
}

/**
 * One horizontal 100% bar per question, split by answer share.
 * rows: [{ key, label, answered, parts: [{ label, count, share }] }]
 */
export function shareRows({ rows, title }) {
  const width = 720;
  const rowH = 34;
  const pad = { top: 8, right: 12, bottom: 8, left: 250 };
  const height = pad.top + pad.bottom + rowH * Math.max(rows.length, 1);
  const plotW = width - pad.left - pad.right;
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart share-rows', role: 'img', 'aria-label': title,
    preserveAspectRatio: 'xMidYMid meet',
  }, s('title', {}, title));
  rows.forEach((row, i) => {
    const top = pad.top + rowH * i;
    const group = s('g', { class: 'chart-row', dataset: { key: row.key, answered: String(row.answered) } });
    const label = row.label.length > 18 ? `${row.label.slice(0, 17)}…` : row.label;
    group.append(s('text', { class: 'chart-label', x: pad.left - 8, y: top + rowH / 2 + 4, 'text-anchor': 'end' }, label,
      s('title', {}, row.label)));
    let left = 0;
    row.parts.forEach((part, k) => {
      const share = part.share || 0;
      if (share <= 0) return;
      const w = share * plotW;
      group.append(s('rect', {
        x: pad.left + left, y: top + 5, width: Math.max(0.5, w), height: rowH - 10,
        fill: PALETTE[k % PALETTE.length], dataset: { part: part.label, share: share.toFixed(4) },
      }, s('title', {}, `${row.label} ${part.label}：${part.count}（${pct(part.share)}）`)));
      if (w > 38) {
        group.append(s('text', { class: 'chart-inbar', x: pad.left + left + w / 2, y: top + rowH / 2 + 4, 'text-anchor': 'middle' },
          `${Math.round(share * 100)}%`));
      }
      left += w;
    });
    if (!row.answered) {
      group.append(s('text', { class: 'chart-label', x: pad.left + 4, y: top + rowH / 2 + 4 }, '回答なし'));
    }
    svg.append(group);
  });
  return svg;
}
