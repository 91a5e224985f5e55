// 账号管理: the general office (and administrators) see every account,
// make new ones, disable and enable them and reset their passwords
// (/api/v1/users, daemon/api-users.c).  A one-time password, from a new
// account or a reset, is shown once, in this page's memory only; it is
// gone when the box is closed or the page left.  Errors are shown by the
// field the server names.
import {
	api, boot, h, append, clear, $, td, table, badge, showFatal, newId, problemText, fmtTime,
	setTitle, word, words,
} from './common.js';

let session;
let accounts = [];
let offices = [];
const filter = { office: '', role: '', text: '' };

// The SQL's CHECK on account.login (migrations/0011-people.sql).
const LOGIN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
// Roles that need an office (duban_user_create).
const NEEDS_OFFICE = ['clerk', 'head'];
const NO_OFFICE = '\u0000';	// the 处室 filter's value for accounts without one

const who = (a) => `${a.name}（${a.login}）`;

// ---------------------------------------------------------------- one-time password

// The box showing a one-time password, once: focused, announced, with a
// button that copies it (or selects it where the clipboard is refused).
function showOnetime(title, a) {
	const old = $('#onetime');
	if (old)
		old.remove();
	const pwId = newId('pw');
	const code = h('code', { class: 'onetime-pw', id: pwId }, a.password);
	const status = h('span', { class: 'form-msg', role: 'status' });
	const copy = h('button', { type: 'button', class: 'btn secondary small' }, '复制');
	copy.setAttribute('aria-label', `复制${a.login}的一次性密码`);
	copy.addEventListener('click', async () => {
		try {
			await navigator.clipboard.writeText(a.password);
			status.textContent = '已复制到剪贴板。';
		} catch {
			const range = document.createRange();
			range.selectNodeContents(code);
			const sel = getSelection();
			sel.removeAllRanges();
			sel.addRange(range);
			status.textContent = '浏览器不允许直接复制，已选中密码，请按 Ctrl+C（手机上长按）复制。';
		}
	});
	const close = h('button', { type: 'button', class: 'btn small' }, '已记下，关闭');
	const box = h('div', { class: 'onetime', id: 'onetime', role: 'alert', tabindex: '-1',
	    'aria-labelledby': 'onetime-h' },
	    h('h2', { id: 'onetime-h' }, title),
	    h('p', { class: 'onetime-line' }, h('span', {}, `${who(a)}的一次性密码：`), code),
	    h('p', {}, '密码只显示这一次，关闭或离开本页后无法再次查看。请当面或以保密方式交给本人，',
		'不要通过群聊、邮件等方式转发；本人首次登录时须修改密码。'),
	    h('div', { class: 'actions' }, copy, close, status));
	close.addEventListener('click', () => {
		code.textContent = '';
		box.remove();
		const row = document.querySelector(`tr[data-login="${CSS.escape(a.login)}"] button`);
		(row || $('#users-h')).focus();
	});
	$('#app').prepend(box);
	box.scrollIntoView({ block: 'start' });
	box.focus();
}

// ---------------------------------------------------------------- list

function statusCell(a) {
	if (a.disabled)
		return [badge('closed', '已停用'), a.disabled_at ? h('div', { class: 'small muted' }, `于 ${fmtTime(a.disabled_at)}`) : null];
	if (a.must_change)
		return badge('behind', '待首次修改密码');
	return badge('done', '正常');
}

function nameCell(a) {
	if (a.role !== 'leader')
		return a.name;
	return [a.name, h('div', { class: 'small muted' }, a.person ? '已关联计划中的同名领导' : '计划中无唯一同名领导')];
}

// An action that asks first: the button, then a question with 确认 and 取消.
function confirmed(a, label, question, confirmLabel, run, danger) {
	const start = h('button', { type: 'button', class: 'btn small secondary' }, label);
	start.setAttribute('aria-label', `${label}${who(a)}`);
	const qId = newId('q');
	const ok = h('button', { type: 'button', class: `btn small ${danger ? 'danger' : ''}` }, confirmLabel);
	const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
	const box = h('div', { class: 'confirm', hidden: true, role: 'group', 'aria-labelledby': qId },
	    h('p', { id: qId }, question, h('span', { class: 'sr-only' }, '（按 Esc 取消）')),
	    h('div', { class: 'actions' }, ok,
		h('button', { type: 'button', class: 'btn small secondary', onclick: () => {
			box.hidden = true;
			start.focus();
		} }, '取消')),
	    error);
	box.addEventListener('keydown', (ev) => {
		if (ev.key === 'Escape') {
			box.hidden = true;
			start.focus();
		}
	});
	start.addEventListener('click', () => {
		for (const other of document.querySelectorAll('#users .confirm'))
			other.hidden = true;
		error.hidden = true;
		box.hidden = false;
		ok.focus();
	});
	ok.addEventListener('click', async () => {
		ok.disabled = true;
		try {
			await run();
		} catch (e) {
			error.textContent = problemText(e);
			error.hidden = false;
			ok.disabled = false;
		}
	});
	return { start, box };
}

function actionsCell(a) {
	if (a.login === session.login)
		return h('span', { class: 'small muted' }, '本人账号（', h('a', { href: 'login.html?change=1' }, '修改本人密码'), '）');
	const enc = encodeURIComponent(a.login);
	const reset = confirmed(a, '重置密码',
	    `重置后${who(a)}的登录会话立即失效，须用新的一次性密码登录并修改密码。确定重置吗？`, '确认重置',
	    async () => {
		const x = await api(`/api/v1/users/${enc}/password`, { method: 'POST' });
		await reload(`已重置${who(a)}的密码。`);
		showOnetime('新的一次性密码（只显示这一次）', x);
	    });
	let toggle;
	if (a.disabled) {
		toggle = { start: h('button', { type: 'button', class: 'btn small secondary' }, '启用'), box: null };
		toggle.start.setAttribute('aria-label', `启用${who(a)}`);
		const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
		toggle.box = error;
		toggle.start.addEventListener('click', async () => {
			toggle.start.disabled = true;
			try {
				await api(`/api/v1/users/${enc}/enable`, { method: 'POST' });
				await reload(`已启用${who(a)}的账号，本人可重新登录；原有令牌不会恢复。`, a.login);
			} catch (e) {
				error.textContent = problemText(e);
				error.hidden = false;
				toggle.start.disabled = false;
			}
		});
	} else {
		toggle = confirmed(a, '停用',
		    `停用后其登录会话和令牌立即失效，${who(a)}将无法登录。确定停用吗？`, '确认停用',
		    async () => {
			await api(`/api/v1/users/${enc}/disable`, { method: 'POST' });
			await reload(`已停用${who(a)}的账号，其登录会话和令牌已失效。`, a.login);
		    }, true);
	}
	return [h('div', { class: 'row-actions' }, toggle.start, reset.start), toggle.box, reset.box];
}

function shown() {
	const text = filter.text.trim().toLowerCase();
	return accounts.filter((a) =>
	    (filter.office === '' || (filter.office === NO_OFFICE ? !a.office : a.office === filter.office)) &&
	    (filter.role === '' || a.role === filter.role) &&
	    (text === '' || a.login.includes(text) || a.name.toLowerCase().includes(text)));
}

// The 处室 filter's options: the offices accounts are in, kept chosen.
function officeOptions() {
	const select = $('#f-office');
	const names = [...new Set(accounts.map((a) => a.office).filter(Boolean))]
	    .sort((x, y) => x.localeCompare(y, 'zh-CN'));
	if (filter.office !== '' && filter.office !== NO_OFFICE && !names.includes(filter.office))
		filter.office = '';
	append(clear(select), [h('option', { value: '' }, '全部处室'),
	    names.map((n) => h('option', { value: n }, n)),
	    accounts.some((a) => !a.office) ? h('option', { value: NO_OFFICE }, '（未指定处室）') : null]);
	select.value = filter.office;
}

function drawTable() {
	officeOptions();
	const box = $('#users-table');
	const list = shown();
	$('#users-count').textContent = list.length === accounts.length ? `共 ${accounts.length} 个账号` :
	    `符合条件的账号 ${list.length} 个（共 ${accounts.length} 个）`;
	const cols = ['登录名', '姓名', '处室', '角色', '状态', '最近登录', '操作'].map((label) => ({ label }));
	const rows = list.map((a) => h('tr', { 'data-login': a.login, class: a.disabled ? 'withdrawn' : null },
	    td('登录名', h('span', { class: 'login-name' }, a.login), 'card-title'),
	    td('姓名', nameCell(a)),
	    td('处室', a.office || '—'),
	    td('角色', word('person_role', a.role)),
	    td('状态', statusCell(a)),
	    td('最近登录', a.last_signin ? fmtTime(a.last_signin) : '从未登录', 'nowrap'),
	    td('操作', actionsCell(a))));
	append(clear(box), [list.length === 0 ?
	    h('p', { class: 'empty' }, accounts.length === 0 ? '还没有账号。' : '没有符合条件的账号。') :
	    table(cols, rows, { className: 'stack', caption: '账号列表，按处室和登录名排列' })]);
}

// Fetches the accounts again and redraws, saying what was done; focus
// goes back to the account's row.
async function reload(said, focusLogin) {
	accounts = await api('/api/v1/users');
	drawTable();
	$('#users-said').textContent = said;
	if (focusLogin) {
		const b = document.querySelector(`tr[data-login="${CSS.escape(focusLogin)}"] .row-actions button`);
		if (b)
			b.focus();
	}
}

function filterPanel() {
	const oid = 'f-office', rid = newId('f-role'), tid = newId('f-text');
	const redraw = () => drawTable();
	return h('form', { class: 'filters', role: 'search', 'aria-label': '筛选账号', onsubmit: (ev) => ev.preventDefault() },
	    h('div', { class: 'field' }, h('label', { for: oid }, '处室'),
		h('select', { id: oid, onchange: (ev) => { filter.office = ev.target.value; redraw(); } })),
	    h('div', { class: 'field' }, h('label', { for: rid }, '角色'),
		h('select', { id: rid, onchange: (ev) => { filter.role = ev.target.value; redraw(); } },
		    h('option', { value: '' }, '全部角色'),
		    words('person_role').map(([code, w]) => h('option', { value: code }, w)))),
	    h('div', { class: 'field' }, h('label', { for: tid }, '搜索登录名或姓名'),
		h('input', { type: 'search', id: tid, autocomplete: 'off',
		    oninput: (ev) => { filter.text = ev.target.value; redraw(); } })));
}

function listPanel() {
	return h('section', { class: 'panel', 'aria-labelledby': 'users-h', id: 'users' },
	    h('h2', { id: 'users-h', tabindex: '-1' }, '本局账号'),
	    filterPanel(),
	    h('p', { class: 'result-count', id: 'users-count', role: 'status' }),
	    h('p', { class: 'notice', id: 'users-said', role: 'status' }),
	    h('div', { id: 'users-table' }));
}

// ---------------------------------------------------------------- form

// Which input each field the server may name is.
const FIELDS = { login: 'new-login', name: 'new-name', role: 'new-role', office: 'new-office', org: 'new-office' };

function fieldError(form, name, text) {
	const id = FIELDS[name];
	const e = id && form.querySelector(`#${id}-err`);
	if (!e)
		return false;
	const input = form.querySelector(`#${id}`);
	e.textContent = text;
	e.hidden = false;
	const hint = form.querySelector(`#${id}-hint`);
	input.setAttribute('aria-invalid', 'true');
	input.setAttribute('aria-describedby', [hint ? hint.id : null, e.id].filter(Boolean).join(' '));
	input.focus();
	return true;
}

function clearErrors(form) {
	for (const e of form.querySelectorAll('.field-error')) {
		e.hidden = true;
		e.textContent = '';
	}
	for (const input of form.querySelectorAll('[aria-invalid]')) {
		input.removeAttribute('aria-invalid');
		const hint = form.querySelector(`#${input.id}-hint`);
		if (hint)
			input.setAttribute('aria-describedby', hint.id);
		else
			input.removeAttribute('aria-describedby');
	}
}

function createForm() {
	const err = (id) => h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
	const msg = h('p', { class: 'form-error', role: 'alert', hidden: true });
	const ours = offices.filter((o) => o.kind === 'office' || o.kind === 'unit');
	const orgs = [...new Set(ours.map((o) => o.organisation))];
	const option = (o) => h('option', { value: o.id }, o.name);
	const officeHint = h('p', { class: 'hint', id: 'new-office-hint' }, '经办人和处室负责人须选择所属处室，其他角色可不选');
	const form = h('form', { novalidate: true, id: 'create-form' },
	    h('div', { class: 'row' },
		h('div', { class: 'field' }, h('label', { for: 'new-login' }, '登录名'),
		    h('p', { class: 'hint', id: 'new-login-hint' }, '2 至 63 个小写字母、数字、点、连字符或下划线，以字母或数字开头，如 chenwei'),
		    h('input', { type: 'text', id: 'new-login', name: 'login', required: true, maxlength: 63,
			pattern: '[a-z0-9][a-z0-9._\\-]{1,62}', autocomplete: 'off', autocapitalize: 'none',
			spellcheck: 'false', 'aria-describedby': 'new-login-hint' }), err('new-login')),
		h('div', { class: 'field' }, h('label', { for: 'new-name' }, '姓名'),
		    h('p', { class: 'hint', id: 'new-name-hint' }, '本人真实姓名，记录和报告中显示'),
		    h('input', { type: 'text', id: 'new-name', name: 'name', required: true, maxlength: 64,
			autocomplete: 'off', 'aria-describedby': 'new-name-hint' }), err('new-name'))),
	    h('div', { class: 'row' },
		h('div', { class: 'field' }, h('label', { for: 'new-role' }, '角色'),
		    h('p', { class: 'hint', id: 'new-role-hint' }, '分管领导按姓名关联计划中的同名领导'),
		    h('select', { id: 'new-role', name: 'role', required: true, 'aria-describedby': 'new-role-hint' },
			words('person_role').map(([code, w]) => h('option', { value: code }, w))), err('new-role')),
		h('div', { class: 'field' }, h('label', { for: 'new-office' }, '所属处室'),
		    officeHint,
		    h('select', { id: 'new-office', name: 'office', 'aria-describedby': 'new-office-hint' },
			h('option', { value: '' }, '不指定'),
			orgs.length > 1 ? orgs.map((g) => h('optgroup', { label: g || '其他' },
			    ours.filter((o) => o.organisation === g).map(option))) : ours.map(option)),
		    err('new-office'))),
	    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, '创建账号')),
	    msg);
	const role = form.elements.role;
	const office = form.elements.office;
	const needs = () => {
		const required = NEEDS_OFFICE.includes(role.value);
		office.required = required;
		office.options[0].textContent = required ? '请选择处室' : '不指定';
	};
	role.addEventListener('change', needs);
	needs();
	for (const input of form.querySelectorAll('input, select'))
		input.addEventListener(input.tagName === 'SELECT' ? 'change' : 'input', () => {
			if (!input.hasAttribute('aria-invalid'))
				return;
			const e = form.querySelector(`#${input.id}-err`);
			e.hidden = true;
			input.removeAttribute('aria-invalid');
			const hint = form.querySelector(`#${input.id}-hint`);
			input.setAttribute('aria-describedby', hint ? hint.id : '');
		});
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(form);
		msg.hidden = true;
		const login = form.elements.login.value.trim();
		const name = form.elements.name.value.trim();
		if (!login)
			return fieldError(form, 'login', '请填写登录名');
		if (!LOGIN.test(login))
			return fieldError(form, 'login', '登录名应为 2 至 63 个小写字母、数字、点、连字符或下划线，以字母或数字开头');
		if (!name)
			return fieldError(form, 'name', '请填写姓名');
		if (NEEDS_OFFICE.includes(role.value) && !office.value)
			return fieldError(form, 'office', `${word('person_role', role.value)}须选择所属处室`);
		const body = { login, name, role: role.value };
		if (office.value)
			body.office = office.value;
		const btn = form.querySelector('button[type="submit"]');
		btn.disabled = true;
		try {
			const x = await api('/api/v1/users', { method: 'POST', body });
			form.reset();
			needs();
			await reload(`已创建账号${who(x)}：${word('person_role', x.role)}${x.office ? `，${x.office}` : ''}。`);
			showOnetime('新账号的初始密码（只显示这一次）', x);
		} catch (e) {
			const f = e.problem && e.problem.field;
			if (f && fieldError(form, f, problemText(e)))
				return;
			msg.textContent = `未能创建账号：${problemText(e)}`;
			msg.hidden = false;
		} finally {
			btn.disabled = false;
		}
	});
	return h('section', { class: 'panel', 'aria-labelledby': 'create-h' },
	    h('h2', { id: 'create-h' }, '新建账号'),
	    h('p', { class: 'hint' }, '创建后显示一次性初始密码，请当面或以保密方式交给本人；本人首次登录时须修改密码。'),
	    form);
}

// ---------------------------------------------------------------- page

async function main() {
	session = await boot();
	const app = $('#app');
	try {
		[accounts, offices] = await Promise.all([api('/api/v1/users'), api('/api/v1/offices')]);
	} catch (e) {
		showFatal(e);
		return;
	}
	setTitle('账号管理');
	$('#page-sub').textContent = '新建本局人员的登录账号，停用、启用账号和重置密码';
	append(clear(app), [listPanel(), createForm()]);
	drawTable();
}

main();
