// Screens that are not built yet say so plainly; nothing fake.

import { h } from '../lib/dom.js';

export function render(container, { title }) {
  container.append(
    h('header', { class: 'view-header' }, h('h1', {}, title)),
    h('section', { class: 'placeholder', 'data-testid': 'placeholder' },
      h('p', {}, `「${title}」の画面は現在準備中です。`),
      h('p', { class: 'muted' }, 'この機能は今後の版で追加されます。事業所情報と市・圏域は「設定」で登録できます。')),
  );
}
