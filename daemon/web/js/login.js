// The login page: a person signs in with their login and password (or,
// folded away, an office's access token), and is asked for a new password
// when theirs must change (first sign-in, or reset by the general office).
// The session is an HttpOnly cookie; nothing is written to storage, and
// passwords stay in this page's memory only until they are sent.
import { api, problemText, $ } from './common.js';

const form = $('#login-form');
const status = $('#login-status');
const change = $('#change-form');
const changeStatus = $('#change-status');

// A field's error under it, announced and tied to the field.
function fieldError(id, text) {
	const input = $(`#${id}`);
	const error = $(`#${id}-error`);
	const help = $(`#${id}-help`) ? `${id}-help ` : '';
	if (text) {
		error.textContent = text;
		error.hidden = false;
		input.setAttribute('aria-invalid', 'true');
		input.setAttribute('aria-describedby', `${help}${id}-error`);
	} else {
		error.hidden = true;
		error.textContent = '';
		input.removeAttribute('aria-invalid');
	}
}

function clearErrors(root) {
	for (const e of root.querySelectorAll('.field-error'))
		fieldError(e.id.replace(/-error$/, ''), null);
}

// Where to go: back to the page that sent us here, or the role's home.
function destination(role) {
	const next = new URLSearchParams(location.search).get('next') || '';
	if (/^(index|task|mine|jiaoban|dispatch|reports|users)\.html(\?[^#]*)?$/.test(next))
		return next;
	return role === 'office' ? 'mine.html' : 'index.html';
}

// The field a problem names, on the form it came from, else the status line.
function showProblem(e, fields, fallback, line) {
	const f = e.problem && e.problem.field;
	const id = fields[f] || (f ? null : fallback);
	line.textContent = '';
	if (id) {
		fieldError(id, problemText(e));
		$(`#${id}`).focus();
	} else
		line.textContent = problemText(e);
}

let session = null;		// what signing in answered
let typed = '';			// the password just typed, for the change

function showChange(withCurrent) {
	form.hidden = true;
	change.hidden = false;
	$('#current-field').hidden = !withCurrent;
	$('#change-title').focus?.();
	(withCurrent ? $('#current') : $('#new-password')).focus();
}

async function signIn(body, fields, fallback) {
	clearErrors(form);
	const buttons = form.querySelectorAll('button');
	for (const b of buttons)
		b.disabled = true;
	status.textContent = '正在登录…';
	try {
		session = await api('/api/v1/session', { method: 'POST', body, allow401: true });
		$('#token').value = '';
		if (session.must_change) {
			typed = body.password;
			$('#password').value = '';
			status.textContent = '';
			showChange(false);
			return;
		}
		$('#password').value = '';
		status.textContent = '登录成功，正在进入…';
		location.replace(destination(session.role));
	} catch (e) {
		if (e.status === 429)
			status.textContent = problemText(e);
		showProblem(e, fields, fallback, status);
		for (const b of buttons)
			b.disabled = false;
	}
}

form.addEventListener('submit', (ev) => {
	ev.preventDefault();
	const login = $('#login').value.trim();
	const password = $('#password').value;
	if (!login) {
		fieldError('login', '请输入登录名');
		$('#login').focus();
		return;
	}
	if (!password) {
		fieldError('password', '请输入密码');
		$('#password').focus();
		return;
	}
	signIn({ login, password }, { login: 'login', password: 'password' }, 'password');
});

$('#token-button').addEventListener('click', () => {
	const token = $('#token').value.trim();
	if (!token) {
		fieldError('token', '请输入访问令牌');
		$('#token').focus();
		return;
	}
	signIn({ token }, { token: 'token' }, 'token');
});

change.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(change);
	const current = $('#current-field').hidden ? typed : $('#current').value;
	const next = $('#new-password').value;
	if (!current) {
		fieldError('current', '请输入当前密码');
		$('#current').focus();
		return;
	}
	if (!next) {
		fieldError('new-password', '请输入新密码');
		$('#new-password').focus();
		return;
	}
	if (next !== $('#again').value) {
		fieldError('again', '两次输入的新密码不一致');
		$('#again').focus();
		return;
	}
	const button = $('#change-button');
	button.disabled = true;
	changeStatus.textContent = '正在修改…';
	try {
		if (!session)
			session = await api('/api/v1/session', { allow401: true });
		await api('/api/v1/session/password', { method: 'POST', csrf: session.csrf,
		    body: { password: current, new_password: next } });
		typed = '';
		for (const id of ['current', 'new-password', 'again'])
			$(`#${id}`).value = '';
		changeStatus.textContent = '密码已修改，正在进入…';
		location.replace(destination(session.role));
	} catch (e) {
		if (e.problem && e.problem.field === 'password' && $('#current-field').hidden) {
			// The password typed at sign-in no longer holds: ask for it.
			$('#current-field').hidden = false;
		}
		showProblem(e, { password: 'current', new_password: 'new-password' }, null, changeStatus);
		button.disabled = false;
	}
});

for (const input of document.querySelectorAll('input'))
	input.addEventListener('input', () => {
		if (input.hasAttribute('aria-invalid'))
			fieldError(input.id, null);
	});

// Sent here by a page because the password must change first.
if (new URLSearchParams(location.search).get('change') === '1')
	showChange(true);
