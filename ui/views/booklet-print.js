// 意志表示帳の印刷: the office's text of the booklet (cover and sections,
// each with blank lines to write on) and the previews — plain A5 pages or
// imposed two to a side on A4 for a saddle-stitched booklet.

import { api } from '../api.js';
import { h, clear } from '../lib/dom.js';
import { field, input, textarea, onSubmit, attempt } from '../lib/forms.js';
import { showMessage } from '../lib/messages.js';
import { showPrintPreview } from '../lib/print-preview.js';

const MAX_SECTIONS = 20;

const labelled = (label, control, hint = '') => field(label, control, { hint, wide: true });
const text = (name, value, props = {}) => input(name, { value, ...props });
const area = (name, value) => textarea(name, { value });

/** Appends the section to `container` (the end of the 意志表示帳 screen). */
export async function renderBookletPrint(container) {
  const template = await api.getBookletTemplate();
  const form = h('form', { class: 'card booklet-print', id: 'booklet-print', novalidate: true, 'aria-labelledby': 'booklet-print-title' });
  const sectionsBox = h('div', { class: 'template-sections' });
  let sections = template.sections.map((s) => ({ ...s }));

  const cover = {
    title: text('title', template.title),
    subtitle: text('subtitle', template.subtitle),
    edition: text('edition', template.edition),
    coverNote: area('coverNote', template.coverNote),
  };

  const drawSections = () => {
    clear(sectionsBox);
    sections.forEach((s, i) => {
      const title = text(`sections.${i}.title`, s.title);
      const body = area(`sections.${i}.body`, s.body);
      const lines = text(`sections.${i}.blankLines`, String(s.blankLines), { type: 'number', min: '0', max: '40', inputmode: 'numeric', class: 'narrow' });
      title.addEventListener('input', () => { s.title = title.value; });
      body.addEventListener('input', () => { s.body = body.value; });
      lines.addEventListener('input', () => { s.blankLines = Number(lines.value); });
      const remove = h('button', { type: 'button', class: 'danger-link', onclick: () => {
        if (!window.confirm(`項目「${s.title}」を外しますか？（保存するまで確定しません）`)) return;
        sections.splice(i, 1);
        drawSections();
      } }, 'この項目を外す');
      const up = h('button', { type: 'button', class: 'secondary small', disabled: i === 0, 'aria-label': `「${s.title}」を上へ`, onclick: () => {
        [sections[i - 1], sections[i]] = [sections[i], sections[i - 1]];
        drawSections();
      } }, '↑');
      sectionsBox.append(h('fieldset', { class: 'template-section' },
        h('legend', {}, `項目 ${i + 1}`),
        labelled('見出し', title),
        labelled('説明', body),
        labelled('記入欄の行数', lines, '手書きで書き込む罫線の数（0〜40）'),
        h('div', { class: 'template-section-actions' }, up, remove)));
    });
  };
  drawSections();

  const add = h('button', { type: 'button', class: 'secondary', onclick: () => {
    if (sections.length >= MAX_SECTIONS) return;
    sections.push({ title: '新しい項目', body: '', blankLines: 5 });
    drawSections();
  } }, '＋ 項目を追加');

  const updated = h('p', { class: 'muted', id: 'template-updated' },
    template.updatedLabel ? `最終保存：${template.updatedLabel}` : '標準の文面です（保存すると事業所の文面になります）');

  // A text too long for its box names the field: the editor opens there.
  const openEditor = () => { form.querySelector('#template-editor').open = true; };
  const preview = (imposed) => () => attempt(form,
    () => showPrintPreview({ kind: 'booklet', imposed }, { title: imposed ? '私の意志表示帳（中綴じ用 A4横）' : '私の意志表示帳（A5）' }),
    { onError: openEditor });

  form.append(
    h('h2', { id: 'booklet-print-title' }, '冊子の印刷と文面'),
    h('p', { class: 'hint' }, '「中綴じ用」は A4 横の用紙に2ページずつ並べます。両面・短辺とじで印刷し、重ねて真ん中で折ると冊子になります。'),
    h('div', { class: 'booklet-actions' },
      h('button', { type: 'button', class: 'primary', id: 'preview-booklet', onclick: preview(false) }, 'プレビュー（A5）'),
      h('button', { type: 'button', class: 'secondary', id: 'preview-booklet-imposed', onclick: preview(true) }, 'プレビュー（中綴じ用 A4横）')),
    h('details', { class: 'template-editor', id: 'template-editor' },
      h('summary', {}, '冊子の文面を編集'),
      h('h3', {}, '表紙'),
      labelled('題名', cover.title),
      labelled('副題', cover.subtitle),
      labelled('版', cover.edition, '例：第2版（令和元年12月）'),
      labelled('表紙の文章', cover.coverNote),
      h('h3', {}, '項目'),
      sectionsBox,
      h('div', { class: 'booklet-actions' },
        add,
        h('button', { type: 'submit', class: 'primary', id: 'save-template' }, '文面を保存'),
        updated)));

  onSubmit(form, async () => {
    const saved = await api.saveBookletTemplate({
      title: cover.title.value,
      subtitle: cover.subtitle.value,
      edition: cover.edition.value,
      coverNote: cover.coverNote.value,
      sections: sections.map((s) => ({ title: s.title, body: s.body, blankLines: Number.isFinite(s.blankLines) ? s.blankLines : -1 })),
    });
    sections = saved.sections.map((s) => ({ ...s }));
    drawSections();
    updated.textContent = `最終保存：${saved.updatedLabel}`;
    showMessage('意志表示帳の文面を保存しました。プレビューで確かめてください。', 'success');
  });
  container.append(form);
}
