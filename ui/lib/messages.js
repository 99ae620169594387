// The one place for app-wide messages (success, warnings, errors) at the top
// of the content area. Field errors additionally appear next to the field.

const box = () => document.getElementById('message');
const text = () => document.getElementById('message-text');

export function showMessage(message, tone = 'info') {
  const el = box();
  el.dataset.tone = tone;
  // Errors interrupt a screen reader; confirmations are announced politely.
  el.setAttribute('role', tone === 'error' ? 'alert' : 'status');
  text().textContent = message;
  el.hidden = false;
}

export function showError(error) {
  showMessage(error.message, 'error');
}

export function clearMessage() {
  const el = box();
  el.hidden = true;
  text().textContent = '';
}

export function initMessages() {
  document.getElementById('message-close').addEventListener('click', clearMessage);
}
