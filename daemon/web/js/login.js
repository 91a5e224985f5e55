// The login page: the token is exchanged once for an HttpOnly session
// cookie and then forgotten; nothing is written to storage.
import { api, problemText, $ } from './common.js';

const form = $('#login-form');
const input = $('#token');
const error = $('#token-error');
const status = $('#login-status');
const button = $('#login-button');

function showError(text) {
	error.textContent = text;
	error.hidden = false;
	input.setAttribute('aria-invalid', 'true');
	input.setAttribute('aria-describedby', 'token-error token-help');
	status.textContent = '';
	input.focus();
}

function clearError() {
	error.hidden = true;
	error.textContent = '';
	input.removeAttribute('aria-invalid');
	input.setAttribute('aria-describedby', 'token-help');
}

// Where to go: back to the page that sent us here, or the role's home.
function destination(role) {
	const next = new URLSearchParams(location.search).get('next') || '';
	if (/^(index|task|mine|dispatch|reports)\.html(\?[^#]*)?$/.test(next))
		return next;
	return role === 'office' ? 'mine.html' : 'index.html';
}

form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	const token = input.value.trim();
	if (!token) {
		showError('请输入访问令牌');
		return;
	}
	clearError();
	button.disabled = true;
	status.textContent = '正在登录…';
	try {
		const s = await api('/api/v1/session', { method: 'POST', body: { token }, allow401: true });
		input.value = '';
		status.textContent = '登录成功，正在进入…';
		location.replace(destination(s.role));
	} catch (e) {
		showError(problemText(e));
		button.disabled = false;
	}
});

input.addEventListener('input', () => {
	if (input.hasAttribute('aria-invalid'))
		clearError();
});
