// Small hand-made SVG charts. Built with createElementNS and textContent, so
// no markup strings, no library to vendor or update, and nothing that could
// reach the network; the office PC and the laptop at a 公民館 draw the same.

import { h } from './dom.js';
import { num, pct } from './format.js';

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

/**
 * The key to a chart's colours: one item per series name, in palette
 * order; a null name keeps its colour but is not listed.
 */
export function legend(names, props = {}) {
  const list = h('ul', { class: 'chart-legend', ...props });
  names.forEach((name, i) => {
    if (name === null) return;
    const swatch = h('span', { class: 'swatch' });
    // Colours set through the DOM, not an inline style string (CSP).
    swatch.style.background = PALETTE[i % PALETTE.length];
    list.append(h('li', {}, swatch, name));
  });
  return list;
}

/** A round step for about `count` gridlines up to `max`. */
function niceStep(max, count = 5) {
  const raw = Math.max(max, 1) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((m) => m >= raw) || power * 10;
  return Math.max(1, step);
}

/** The <svg> of a chart, named by `title` for a screen reader. */
function chartSvg(width, height, title, { className = 'chart', aspect = 'xMidYMid meet' } = {}) {
  return s('svg', {
    viewBox: `0 0 ${width} ${height}`, class: className, role: 'img', 'aria-label': title,
    preserveAspectRatio: aspect,
  }, s('title', {}, title));
}

/**
 * Vertical columns on a scale from 0 to `top`, with gridlines at `ticks`
 * ([[value, label]]) and a label under each column; a column is at most
 * `bar[0]` wide and takes the share `bar[1]` of its slot.
 * columns: [{ dataset, label, draw({ x, barW, y }) → the column's shapes }]
 */
function columnChart({ title, height, pad, top, ticks, columns, bar: [maxBarW, slotShare] }) {
  const width = 720;
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const y = (v) => pad.top + plotH - (v / top) * plotH;
  const slot = plotW / Math.max(columns.length, 1);
  const barW = Math.min(maxBarW, slot * slotShare);
  const svg = chartSvg(width, height, title);
  svg.append(s('g', { class: 'chart-grid' }, ticks.map(([v, label]) => [
    s('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }),
    s('text', { x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, label),
  ])));
  columns.forEach((column, i) => {
    const x = pad.left + slot * i + (slot - barW) / 2;
    svg.append(s('g', { class: 'chart-bar', dataset: column.dataset },
      column.draw({ x, barW, y }),
      s('text', { class: 'chart-label', x: x + barW / 2, y: height - pad.bottom + 18, 'text-anchor': 'middle' }, column.label)));
  });
  svg.append(s('line', { class: 'chart-axis', x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0) }));
  return svg;
}

/** A figure written above a column whose top is at `top`. */
function columnTop(x, barW, top, text) {
  return s('text', { class: 'chart-total', x: x + barW / 2, y: top - 4, 'text-anchor': 'middle' }, text);
}

/**
 * Bars by month, stacked by series.
 * months: [{ key: '2025-04', label: '4月', values: [n per series] }]
 * series: [{ name }]
 */
export function stackedBars({ months, series, title, unit = '冊' }) {
  const totals = months.map((m) => m.values.reduce((a, b) => a + b, 0));
  const step = niceStep(Math.max(...totals, 0));
  const top = Math.max(step, Math.ceil(Math.max(...totals, 0) / step) * step);
  const ticks = [];
  for (let v = 0; v <= top; v += step) ticks.push([v, num(v)]);
  return columnChart({
    title, height: 260, pad: { top: 16, right: 12, bottom: 30, left: 44 }, top, ticks, bar: [40, 0.62],
    columns: months.map((month, i) => ({
      dataset: { month: month.key, total: String(totals[i]) },
      label: month.label,
      draw: ({ x, barW, y }) => {
        let base = 0;
        const rects = month.values.map((value, k) => {
          if (!value) return null;
          const rect = s('rect', {
            x, width: barW, y: y(base + value), height: Math.max(0.5, y(base) - y(base + value)),
            fill: PALETTE[k % PALETTE.length], dataset: { series: series[k].name },
          }, s('title', {}, `${month.label} ${series[k].name}：${num(value)}${unit}`));
          base += value;
          return rect;
        });
        return [rects, totals[i] > 0 ? columnTop(x, barW, y(totals[i]), num(totals[i])) : null];
      },
    })),
  });
}

/**
 * One bar per point on a 0–100% scale (the 浸透度 trend). A point without
 * answers draws no bar and says so, instead of a misleading 0%.
 * points: [{ key, label, share (0..1 or null), note }]
 */
export function shareColumns({ points, title }) {
  return columnChart({
    title, height: 240, pad: { top: 18, right: 12, bottom: 34, left: 44 }, top: 1, bar: [56, 0.6],
    ticks: [0, 25, 50, 75, 100].map((v) => [v / 100, `${v}%`]),
    columns: points.map((point) => {
      const has = point.share !== null && point.share !== undefined;
      return {
        dataset: { key: point.key, share: has ? point.share.toFixed(4) : '' },
        label: point.label,
        draw: ({ x, barW, y }) => [
          has ? s('rect', {
            x, width: barW, y: y(point.share), height: Math.max(0.5, y(0) - y(point.share)), fill: PALETTE[0],
          }, s('title', {}, `${point.label}：${pct(point.share)}${point.note ? `（${point.note}）` : ''}`)) : null,
          columnTop(x, barW, has ? y(point.share) : y(0), has ? pct(point.share) : '回答なし'),
        ],
      };
    }),
  });
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
  const svg = chartSvg(width, height, title, { className: 'chart share-rows' });
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

/**
 * Shares of a whole as horizontal bars, one row per item, largest first,
 * each with its count and percentage. For categories where a person
 * compares parts rather than reads numbers.
 * items: [{ name, value }]; total: the whole the percentages refer to.
 */
export function shareBars({ items, total, title, unit = '件' }) {
  const rows = items.filter((i) => i.value > 0).sort((a, b) => b.value - a.value);
  const width = 560;
  const rowH = 26;
  const labelW = 190;
  const valueW = 110;
  const height = Math.max(rowH, rows.length * rowH) + 8;
  const plotW = width - labelW - valueW;
  const max = Math.max(...rows.map((r) => r.value), 1);
  const svg = chartSvg(width, height, title, { className: 'chart share-chart', aspect: 'xMinYMin meet' });
  if (rows.length === 0) {
    svg.append(s('text', { class: 'chart-label', x: 4, y: 18 }, '該当なし'));
    return svg;
  }
  rows.forEach((row, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(1, (row.value / max) * plotW);
    const percent = total > 0 ? Math.round((row.value / total) * 1000) / 10 : 0;
    svg.append(s('g', { class: 'chart-share', dataset: { name: row.name, value: String(row.value) } },
      s('text', { class: 'chart-label share-name', x: labelW - 8, y: y + 16, 'text-anchor': 'end' }, row.name),
      s('rect', { x: labelW, y: y + 4, width: w, height: rowH - 10, fill: PALETTE[i % PALETTE.length] },
        s('title', {}, `${row.name}：${num(row.value)}${unit}（${percent}%）`)),
      s('text', { class: 'chart-total', x: labelW + w + 6, y: y + 16 },
        `${num(row.value)}${unit}（${percent}%）`)));
  });
  return svg;
}
