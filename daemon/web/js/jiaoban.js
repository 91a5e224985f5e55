// 督办事项: the year's list of 交办事项 (each opens its task page), and for
// the general office the form that enters one: a leader's 批示, a
// meeting's decision, a document's requirement.  Errors are shown by the
// field the server names.
import {
	api, boot, h, append, clear, $, td, table, badge, statusBadge, showFatal, newId, problemText,
	setTitle, word, words, query,
} from './common.js';

let session;

// ---------------------------------------------------------------- list

function ackCell(x) {
	if (x.withdrawn)
		return '—';
	return x.acknowledged_at ? badge('done', `已签收（${x.acknowledged_by}）`) : badge('pending', '未签收');
}

function listPanel(data) {
	const cols = ['编号', '事项', '督办依据', '牵头处室', '责任领导', '完成时限', '汇报频次', '状态', '签收']
	    .map((label) => ({ label }));
	const rows = data.items.map((x) => h('tr', { class: x.withdrawn ? 'withdrawn' : null, id: `item-${x.id}` },
	    td('编号', x.number, 'nowrap'),
	    td('事项', h('a', { href: `task.html?id=${x.id}`, class: 'task-title' }, x.title), 'card-title'),
	    td('督办依据', [h('span', { class: 'small muted' }, `${word('basis_kind', x.basis_kind)}：`), x.basis]),
	    td('牵头处室', [x.lead_office || '—', x.lead_person ? h('span', { class: 'small muted' }, `（${x.lead_person}）`) : null]),
	    td('责任领导', x.leaders.length ? x.leaders.join('、') : '—'),
	    td('完成时限', x.deadline, 'nowrap'),
	    td('汇报频次', x.report_every ? word('report_every', x.report_every) : '—'),
	    td('状态', x.withdrawn ? badge('closed', '已撤销') : statusBadge(x.status)),
	    td('签收', ackCell(x))));
	const years = [...new Set([...data.years, data.year, Number(session.today.slice(0, 4))])].sort();
	const yid = newId('year');
	return h('section', { class: 'panel', 'aria-labelledby': 'list-h' },
	    h('div', { class: 'panel-head' },
		h('h2', { id: 'list-h' }, `${data.year}年督办交办事项`),
		years.length > 1 ? h('form', { class: 'year-pick', method: 'get', action: 'jiaoban.html', 'aria-label': '选择年度' },
		    h('label', { for: yid }, '年度 '),
		    h('select', { id: yid, name: 'year' }, years.map((y) =>
			h('option', { value: y, selected: y === data.year }, `${y}年`))),
		    h('button', { type: 'submit', class: 'btn' }, '查看')) : null),
	    data.items.length === 0 ? h('p', { class: 'empty' }, `${data.year}年还没有交办督办事项。`) :
		table(cols, rows, { className: 'stack', caption: `${data.year}年督办交办事项，按编号排列` }));
}

// ---------------------------------------------------------------- form

function fieldError(form, name, text) {
	const e = form.querySelector(`#${name}-err`);
	if (!e)
		return false;
	e.textContent = text;
	e.hidden = false;
	const set = form.querySelector(`#${name}-set`);
	const targets = set ? [...set.querySelectorAll('input')] : [form.querySelector(`#${name}`)];
	for (const t of targets) {
		t.setAttribute('aria-invalid', 'true');
		t.setAttribute('aria-describedby', e.id);
	}
	if (targets[0])
		targets[0].focus();
	return true;
}

function checks(name, legend, items, hint) {
	const hintId = newId(`${name}-hint`);
	return h('fieldset', { class: 'field', id: `${name}-set`, 'aria-describedby': hint ? hintId : null },
	    h('legend', {}, legend),
	    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
	    items.length === 0 ? h('p', { class: 'small muted' }, '（无可选项）') :
		h('div', { class: 'checks' }, items.map(([value, label]) => h('label', {},
		    h('input', { type: 'checkbox', name, value }), label))),
	    h('p', { class: 'field-error', id: `${name}-err`, hidden: true }));
}

function createForm(offices, leaders) {
	const err = (name) => h('p', { class: 'field-error', id: `${name}-err`, hidden: true });
	const msg = h('p', { class: 'form-error', role: 'alert', hidden: true });
	const done = h('p', { class: 'form-msg', role: 'status' });
	const leads = offices.filter((o) => o.kind === 'office' || o.kind === 'unit');
	const orgs = [...new Set(leads.map((o) => o.organisation))];
	const option = (o) => h('option', { value: o.id }, o.name);
	const form = h('form', { novalidate: true, id: 'create-form' },
	    h('div', { class: 'field' }, h('label', { for: 'title' }, '事项名称'),
		h('input', { type: 'text', id: 'title', name: 'title', maxlength: 200, required: true }), err('title')),
	    h('div', { class: 'row' },
		h('div', { class: 'field' }, h('label', { for: 'basis_kind' }, '督办依据类别'),
		    h('select', { id: 'basis_kind', name: 'basis_kind', required: true },
			words('basis_kind').map(([code, w]) => h('option', { value: code }, w))), err('basis_kind')),
		h('div', { class: 'field' }, h('label', { for: 'deadline' }, '完成时限'),
		    h('input', { type: 'date', id: 'deadline', name: 'deadline', min: session.today, required: true }),
		    err('deadline')),
		h('div', { class: 'field' }, h('label', { for: 'report_every' }, '汇报频次'),
		    h('select', { id: 'report_every', name: 'report_every' },
			h('option', { value: '' }, '不定期'),
			words('report_every').map(([code, w]) => h('option', { value: code, selected: code === 'month' }, w))),
		    err('report_every'))),
	    h('div', { class: 'field' }, h('label', { for: 'basis' }, '督办依据'),
		h('p', { class: 'hint', id: 'basis-hint' }, '写明哪位领导何时的批示、哪次会议的议定事项或哪份文件的要求'),
		h('textarea', { id: 'basis', name: 'basis', rows: 2, maxlength: 2000, required: true,
		    'aria-describedby': 'basis-hint' }), err('basis')),
	    h('div', { class: 'field' }, h('label', { for: 'text' }, '事项内容和工作要求（可选）'),
		h('textarea', { id: 'text', name: 'text', rows: 3, maxlength: 4000 }), err('text')),
	    h('div', { class: 'row' },
		h('div', { class: 'field' }, h('label', { for: 'lead_office' }, '牵头处室'),
		    h('select', { id: 'lead_office', name: 'lead_office', required: true },
			h('option', { value: '' }, '请选择处室'),
			orgs.length > 1 ? orgs.map((g) => h('optgroup', { label: g || '其他' },
			    leads.filter((o) => o.organisation === g).map(option))) : leads.map(option)),
		    err('lead_office')),
		h('div', { class: 'field' }, h('label', { for: 'lead_person' }, '牵头人（可选）'),
		    h('input', { type: 'text', id: 'lead_person', name: 'lead_person', maxlength: 64 }),
		    err('lead_person'))),
	    checks('cooperate', '配合处室（可选）', [...leads, ...offices.filter((o) => o.kind === 'department')]
		.map((o) => [o.name, o.name]), '本局处室在前，协作部门在后'),
	    checks('leaders', '责任领导（可选）', leaders.map((n) => [n, n])),
	    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, '交办')),
	    msg, done);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		for (const e of form.querySelectorAll('.field-error'))
			e.hidden = true;
		for (const e of form.querySelectorAll('[aria-invalid]')) {
			e.removeAttribute('aria-invalid');
			if (e.getAttribute('aria-describedby') && e.getAttribute('aria-describedby').endsWith('-err'))
				e.removeAttribute('aria-describedby');
		}
		msg.hidden = true;
		done.textContent = '';
		const v = (name) => form.elements[name].value.trim();
		const picked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => x.value);
		if (!v('title'))
			return fieldError(form, 'title', '请填写事项名称');
		if (!v('deadline'))
			return fieldError(form, 'deadline', '请填写完成时限');
		if (!v('basis'))
			return fieldError(form, 'basis', '请写明督办依据');
		if (!v('lead_office'))
			return fieldError(form, 'lead_office', '请选择牵头处室');
		const body = {
			title: v('title'), basis_kind: v('basis_kind'), basis: v('basis'),
			lead_office: v('lead_office'), deadline: v('deadline'),
			cooperate: picked('cooperate'), leaders: picked('leaders'),
		};
		if (v('text'))
			body.text = v('text');
		if (v('lead_person'))
			body.lead_person = v('lead_person');
		if (v('report_every'))
			body.report_every = v('report_every');
		const btn = form.querySelector('button[type="submit"]');
		btn.disabled = true;
		try {
			const x = await api('/api/v1/jiaoban', { method: 'POST', body });
			location.assign(`jiaoban.html${query({ year: x.year, created: x.id })}#item-${x.id}`);
		} catch (e) {
			const f = e.problem && e.problem.field;
			if (f && fieldError(form, f, problemText(e)))
				return;
			msg.textContent = `未能交办：${problemText(e)}`;
			msg.hidden = false;
		} finally {
			btn.disabled = false;
		}
	});
	return h('section', { class: 'panel', 'aria-labelledby': 'create-h' },
	    h('h2', { id: 'create-h' }, '交办督办事项'),
	    h('p', { class: 'hint' }, '交办后列入本年度督办交办事项清单，牵头处室须签收；按汇报频次提醒牵头处室汇报进展，到期前后自动提醒和督办。'),
	    form);
}

// ---------------------------------------------------------------- page

async function main() {
	session = await boot();
	const app = $('#app');
	const params = new URLSearchParams(location.search);
	const year = /^\d{4}$/.test(params.get('year') || '') ? params.get('year') : null;
	let data, offices = [];
	try {
		data = await api(`/api/v1/jiaoban${query({ year })}`);
		if (data.may_create)
			offices = await api('/api/v1/offices');
	} catch (e) {
		showFatal(e);
		return;
	}
	setTitle(`${data.year}年督办事项`);
	$('#page-sub').textContent = data.may_create ? '交办领导批示、会议议定等督办事项，跟踪签收和办理' :
	    '领导批示、会议议定等督办事项的办理情况（交办由局办公室进行）';
	const created = data.items.find((x) => String(x.id) === params.get('created'));
	append(clear(app), [
	    created ? h('p', { class: 'notice', role: 'status' }, `已交办 ${created.number}：${created.title}，待${created.lead_office}签收。`) : null,
	    listPanel(data),
	    data.may_create ? createForm(offices, data.leaders) : null]);
	if (created) {
		const row = document.getElementById(`item-${created.id}`);
		if (row)
			row.scrollIntoView({ block: 'center' });
	}
}

main();
