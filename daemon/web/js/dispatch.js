// 调度: the general office asks lead offices for their progress by a date,
// sees who has reported, and closes the round for its 调度汇总.  Everyone
// else reads.  上级督办下级: a city's round may ask its county bureaus too;
// the city sees each county's state and accepts or returns its report,
// and a county's general office sees its city's rounds and 报送s.
import { reportActions, returnBox } from './report.js';
import {
	api, boot, h, append, clear, $, td, table, badge, statusBadge, fmtNum, fmtTime,
	problemText, showFatal, addDays, newId, setTitle, word, words,
} from './common.js';

let session;

// An office's state in a round as a badge: its code is its class.
function stateBadge(state) {
	const known = words('dispatch_state').some(([code]) => code === state);
	return badge(known ? state : 'pending', word('dispatch_state', state));
}

function roundState(r) {
	return badge(r.state === 'closed' ? 'closed' : 'open', word('round_state', r.state));
}

function countsLine(c) {
	if (!c)
		return null;
	// A round that asks only the county bureaus: their counts.
	if (!c.offices && c.counties > 0)
		return h('ul', { class: 'counts' },
		    h('li', {}, h('strong', {}, fmtNum(c.counties)), '个县（市）区'),
		    h('li', {}, h('strong', {}, fmtNum(c.counties_reported)), word('dispatch_state', 'reported')),
		    h('li', {}, h('strong', {}, fmtNum(c.counties - c.counties_reported)), word('dispatch_state', 'missing')));
	return h('ul', { class: 'counts' },
	    h('li', {}, h('strong', {}, fmtNum(c.offices)), '个处室'),
	    h('li', {}, h('strong', {}, fmtNum(c.reported)), word('dispatch_state', 'reported')),
	    h('li', {}, h('strong', {}, fmtNum(c.reported_late)), word('dispatch_state', 'reported_late')),
	    // Of those reported, accepted; of the rest, awaiting a head or returned.
	    ...['accepted', 'submitted', 'returned'].filter((k) => c[k] > 0).map((k) =>
		h('li', {}, h('strong', {}, fmtNum(c[k])), word('dispatch_state', k))),
	    h('li', {}, h('strong', {}, fmtNum(c.missing)), word('dispatch_state', 'missing')),
	    h('li', {}, h('strong', {}, fmtNum(c.late)), word('dispatch_state', 'late')));
}

// ---------------------------------------------------------------- list

function listPanel(rounds, plans) {
	const titles = new Map(plans.map((p) => [p.key, p.title]));
	const cols = ['调度', '计划', '报送截止', '状态', '报送情况'].map((label) => ({ label }));
	const rows = rounds.map((r) => h('tr', {},
	    td('调度', h('a', { href: `dispatch.html?id=${r.id}`, class: 'task-title' }, r.title), 'card-title'),
	    td('计划', (r.plans || []).map((k) => titles.get(k) || k).join('、')),
	    td('报送截止', r.due_on, 'nowrap'),
	    td('状态', roundState(r)),
	    td('报送情况', r.counts ? `${word('dispatch_state', 'reported')} ${r.counts.reported + r.counts.reported_late}/${r.counts.offices}` +
		(r.counts.late ? `，${word('dispatch_state', 'late')} ${r.counts.late}` : '') +
		(r.counts.counties ? `；县（市）区${word('dispatch_state', 'reported')} ${r.counts.counties_reported}/${r.counts.counties}` : '') :
		'—')));
	return h('section', { class: 'panel', 'aria-labelledby': 'rounds-h' },
	    h('h2', { id: 'rounds-h' }, '调度轮次'),
	    rounds.length === 0 ? h('p', { class: 'empty' }, '还没有发起过调度。') :
		table(cols, rows, { className: 'stack', caption: '调度轮次，最新的在前' }));
}

function checks(name, legend, items, checked, hint) {
	const hintId = newId(`${name}-hint`);
	return h('fieldset', { class: 'field', id: `${name}-set`, 'aria-describedby': hint ? hintId : null },
	    h('legend', {}, legend),
	    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
	    h('div', { class: 'checks' }, items.map(([value, label]) => h('label', {},
		h('input', { type: 'checkbox', name, value, checked: checked.includes(value) }), label))),
	    h('p', { class: 'field-error', id: `${name}-err`, hidden: true }));
}

function openForm(plans, offices) {
	const err = (name) => h('p', { class: 'field-error', id: `${name}-err`, hidden: true });
	const msg = h('p', { class: 'form-error', role: 'alert', hidden: true });
	const form = h('form', { novalidate: true, id: 'open-form' },
	    checks('plans', '计划', plans.map((p) => [p.key, p.title]), plans.length === 1 ? [plans[0].key] : []),
	    checks('offices', '请求报送的处室（可选）', offices.map((o) => [o.name, o.name]), [],
		'不选则请求所有有未完成任务的牵头处室'),
	    checks('counties', '县（市）区（可选）', [['all', '请各县（市）区教育局报送其承担的任务（上级督办下级）']], [],
		'勾选而不选处室时，只调度县（市）区'),
	    h('div', { class: 'row' },
		h('div', { class: 'field' }, h('label', { for: 'due_on' }, '报送截止日期'),
		    h('input', { type: 'date', id: 'due_on', name: 'due_on', min: session.today, required: true,
			value: addDays(session.today, 7) }), err('due_on')),
		h('div', { class: 'field' }, h('label', { for: 'title' }, '标题（可选）'),
		    h('input', { type: 'text', id: 'title', name: 'title', maxlength: 200,
			placeholder: `默认：${Number(session.today.slice(0, 4))}年${Number(session.today.slice(5, 7))}月进展调度` }), err('title'))),
	    h('div', { class: 'field' }, h('label', { for: 'request' }, '调度要求（可选）'),
		h('textarea', { id: 'request', name: 'request', rows: 3, maxlength: 4000,
		    placeholder: '例如：请更新节点状态、指标完成值，并填写完成情况和取得成效' }), err('request')),
	    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, '发起调度')),
	    msg);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		for (const e of form.querySelectorAll('.field-error'))
			e.hidden = true;
		for (const e of form.querySelectorAll('[aria-invalid]'))
			e.removeAttribute('aria-invalid');
		msg.hidden = true;
		const picked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => x.value);
		const body = { plans: picked('plans'), due_on: form.elements.due_on.value };
		const offs = picked('offices');
		if (offs.length)
			body.offices = offs;
		if (picked('counties').length)
			body.counties = true;
		if (form.elements.title.value.trim())
			body.title = form.elements.title.value.trim();
		if (form.elements.request.value.trim())
			body.request = form.elements.request.value.trim();
		if (body.plans.length === 0)
			return fieldError(form, 'plans', '请至少选择一个计划');
		if (!body.due_on)
			return fieldError(form, 'due_on', '请填写报送截止日期');
		const btn = form.querySelector('button[type="submit"]');
		btn.disabled = true;
		try {
			const r = await api('/api/v1/dispatches', { method: 'POST', body });
			location.assign(`dispatch.html?id=${r.id}&opened=1`);
		} catch (e) {
			const f = e.problem && e.problem.field;
			if (e.status === 400 || e.status === 404) {
				if (f && form.querySelector(`#${f}-err`))
					return fieldError(form, f, problemText(e));
			}
			msg.textContent = `未能发起：${problemText(e)}`;
			msg.hidden = false;
		} finally {
			btn.disabled = false;
		}
	});
	return h('section', { class: 'panel', 'aria-labelledby': 'open-h' },
	    h('h2', { id: 'open-h' }, '发起调度'),
	    h('p', { class: 'hint' }, '发起后立即通知各处室；处室在截止日期前更新节点或指标，即为报送，无需另行填报。'),
	    form);
}

function fieldError(form, name, text) {
	const e = form.querySelector(`#${name}-err`);
	e.textContent = text;
	e.hidden = false;
	const target = name === 'plans' || name === 'offices' || name === 'counties' ? form.querySelectorAll(`input[name="${name}"]`) :
	    [form.querySelector(`#${name}`)];
	for (const t of target) {
		t.setAttribute('aria-invalid', 'true');
		t.setAttribute('aria-describedby', e.id);
	}
	if (target[0])
		target[0].focus();
}

// ---------------------------------------------------------------- one round

// What the round sent an office and whether it arrived: its last notice
// (报送通知, 催报 or 催办) and its deliveries; or that it has no one to
// send to.
const STAGE = { request: '报送通知', late: '催报', urge: '催办' };
function noticeCell(o) {
	if (!o.recipients)
		return h('span', { class: 'od' }, '未设置接收人，未能通知');
	const ns = o.notices || [];
	if (ns.length === 0)
		return '—';
	return h('ul', { class: 'notices small' }, ns.map((n) => {
		const ds = n.deliveries || [];
		const sent = ds.filter((x) => x.status === 'sent').length;
		const failed = ds.filter((x) => x.status === 'failed').length;
		return h('li', {}, `${STAGE[n.stage] || n.stage} ${n.send_on}：`,
		    ds.length === 0 ? '无接收人' : failed ? h('span', { class: 'od' }, `发送失败 ${failed}/${ds.length}`) :
			sent === ds.length ? `已送达 ${sent}/${ds.length}` : `发送中 ${sent}/${ds.length}`);
	}));
}

// 催办 an office that has not reported: once a day.
function urgeButton(r, o, redraw) {
	if (['reported', 'reported_late', 'accepted'].includes(o.state))
		return null;
	const status = h('span', { class: 'form-msg', role: 'status' });
	const btn = h('button', { type: 'button', class: 'btn small secondary' }, '催办');
	btn.setAttribute('aria-label', `催办${o.name}`);
	btn.addEventListener('click', async () => {
		btn.disabled = true;
		try {
			await api(`/api/v1/dispatches/${r.id}/offices/${encodeURIComponent(o.name)}/urge`, { method: 'POST' });
			await redraw();
		} catch (e) {
			status.textContent = problemText(e);
			btn.disabled = false;
		}
	});
	return h('div', { class: 'row-actions' }, btn, status);
}

function officesTable(r, redraw) {
	const decide = r.state === 'open' && session.role === 'general';
	const cols = [{ label: '处室' }, { label: '牵头任务', class: 'num' }, { label: '未完成', class: 'num' },
	    { label: '本轮更新', class: 'num' }, { label: '首次报送' }, { label: '报送状态' }, { label: '通知' },
	    ...(decide ? [{ label: '办理' }] : [])];
	return table(cols, (r.offices || []).map((o) => h('tr', {},
	    td('处室', o.name, 'card-title'),
	    td('牵头任务', fmtNum(o.tasks), 'num'),
	    td('未完成', fmtNum(o.open_tasks), 'num'),
	    td('本轮更新', fmtNum(o.writes), 'num'),
	    td('首次报送', o.first_at ? fmtTime(o.first_at) : '—', 'nowrap'),
	    td('报送状态', [stateBadge(o.state), o.reason ? h('div', { class: 'small muted' }, `退回理由：${o.reason}`) : null]),
	    td('通知', noticeCell(o)),
	    decide ? td('办理', reportActions(r, o, redraw) || urgeButton(r, o, redraw) || '—') : null)),
	{ className: 'stack', caption: '各处室报送情况' });
}

// A county's chases (催办) in a round: 已催办 N 次，最近 9月13日, or 未催办.
function chaseText(c) {
	return (c.chases && c.chases.label) || '未催办';
}

// 催办 a county that has not 报送ed: at once, to its 局办公室; once a day
// (the sweep also chases after the round's date).
function chaseButton(r, c, redraw) {
	const status = h('span', { class: 'form-msg', role: 'status' });
	const btn = h('button', { type: 'button', class: 'btn small secondary' }, '催办');
	btn.setAttribute('aria-label', `催办${c.name}`);
	btn.addEventListener('click', async () => {
		btn.disabled = true;
		try {
			await api(`/api/v1/dispatches/${r.id}/counties/${encodeURIComponent(c.name)}/chase`, { method: 'POST' });
			await redraw();
		} catch (e) {
			status.textContent = problemText(e);
			btn.disabled = false;
		}
	});
	return h('div', { class: 'row-actions' }, btn, status);
}

// The county bureaus a round asks, each with its state; the city's general
// office accepts or returns a county's report that went out, or 催办s a
// county that has not.
function countiesTable(r, redraw) {
	const decide = r.state === 'open' && session.role === 'general';
	const cols = [{ label: '县（市）区' }, { label: '承担任务', class: 'num' }, { label: '未完成', class: 'num' },
	    { label: '本轮更新', class: 'num' }, { label: '首次更新' }, { label: '报送状态' }, { label: '催办' },
	    ...(decide ? [{ label: '办理' }] : [])];
	const actions = (c) => {
		if (['pending', 'draft', 'late', 'returned'].includes(c.state))
			return chaseButton(r, c, redraw);
		if (!['reported', 'reported_late'].includes(c.state))
			return '—';
		const base = `/api/v1/dispatches/${r.id}/counties/${encodeURIComponent(c.name)}`;
		const status = h('span', { class: 'form-msg', role: 'status' });
		const post = async (action, body) => {
			try {
				await api(`${base}/${action}`, { method: 'POST', body });
				await redraw();
				return null;
			} catch (e) {
				status.textContent = problemText(e);
				return problemText(e);
			}
		};
		const accept = h('button', { type: 'button', class: 'btn small', onclick: () => post('accept') }, '采纳');
		accept.setAttribute('aria-label', `采纳${c.name}的报告`);
		const [ret, box] = returnBox('退回', (b) => post('return', b));
		ret.classList.add('small');
		ret.setAttribute('aria-label', `退回${c.name}的报告`);
		return h('div', { class: 'row-actions' }, accept, ret, box, status);
	};
	return table(cols, r.counties.map((c) => h('tr', {},
	    td('县（市）区', c.name, 'card-title'),
	    td('承担任务', fmtNum(c.tasks), 'num'),
	    td('未完成', fmtNum(c.open_tasks), 'num'),
	    td('本轮更新', fmtNum(c.writes), 'num'),
	    td('首次更新', c.first_at ? fmtTime(c.first_at) : '—', 'nowrap'),
	    td('报送状态', [stateBadge(c.state), c.reason ? h('div', { class: 'small muted' }, `退回理由：${c.reason}`) : null]),
	    td('催办', chaseText(c)),
	    decide ? td('办理', actions(c)) : null)),
	{ className: 'stack', caption: '各县（市）区报送情况' });
}

// A county's general office: its city's open rounds, each 报送ed here; a
// round with nothing written since it opened asks to confirm first.
function countyRoundsPanel(items, redraw) {
	const cols = ['调度', '县（市）区', '报送截止', '报送状态', '办理'].map((label) => ({ label }));
	const submit = (it) => {
		if (!it.may_submit || ['accepted'].includes(it.county.state))
			return '—';
		const status = h('p', { class: 'form-msg', role: 'status' });
		const path = `/api/v1/dispatches/${it.dispatch_id}/counties/${encodeURIComponent(it.county.name)}/submit`;
		const send = async (btn, body) => {
			btn.disabled = true;
			try {
				await api(path, { method: 'POST', body });
				await redraw();
			} catch (e) {
				btn.disabled = false;
				status.textContent = problemText(e);
				if (e.status === 422 && e.problem && e.problem.field === 'confirm' && !body.confirm)
					status.append(' ', h('button', { type: 'button', class: 'btn small danger',
					    onclick: (ev) => send(ev.target, { confirm: true }) }, '确认报送'));
			}
		};
		const btn = h('button', { type: 'button', class: 'btn small', onclick: (ev) => send(ev.target, {}) },
		    it.county.state === 'returned' ? '重新报送' : '报送');
		btn.setAttribute('aria-label', `报送${it.county.name}在“${it.title}”中的报告`);
		return h('div', { class: 'row-actions' }, btn, status);
	};
	return h('section', { class: 'panel', 'aria-labelledby': 'county-rounds-h' },
	    h('h2', { id: 'county-rounds-h' }, '上级调度'),
	    h('p', { class: 'hint' }, '上级教育局请本县（市）区报送承担任务的进展：先在各任务中填报，再在此报送。'),
	    table(cols, items.map((it) => h('tr', {},
		td('调度', [it.title, it.request ? h('div', { class: 'small muted' }, it.request) : null], 'card-title'),
		td('县（市）区', it.county.name),
		td('报送截止', it.due_on, 'nowrap'),
		td('报送状态', [stateBadge(it.county.state),
		    it.county.reason ? h('div', { class: 'small muted' }, `退回理由：${it.county.reason}`) : null,
		    it.county.chases && it.county.chases.label ? h('div', { class: 'small od' }, `上级${it.county.chases.label}`) : null]),
		td('办理', submit(it)))),
	    { className: 'stack', caption: '上级教育局的调度' }));
}

function change(c) {
	const v = (x) => (x === null || x === undefined ? (c.field === 'current' ? word('target_state', 'unreported') : '（空）') :
	    c.field === 'status' ? word('milestone_status', x) : c.field === 'current' && c.unit ? `${x} ${c.unit}` : x);
	const what = c.field === 'note' ? `更新${word('field', 'note')}` : `${word('field', c.field)} ${v(c.old)} → ${v(c.new)}`;
	return h('li', {}, `${fmtTime(c.at)} ${c.by || ''}：${c.what ? `“${c.what}” ` : ''}${what}`,
	    c.note ? h('div', { class: 'muted' }, `完成情况：${c.note}`) : null,
	    c.outcome ? h('div', { class: 'muted' }, `取得成效：${c.outcome}`) : null,
	    ['problems', 'next_steps', 'coordination'].map((k) =>
		(c[k] ? h('div', { class: 'muted' }, `${word('field', k)}：${c[k]}`) : null)));
}

function summaryPanel(r) {
	const s = r.summary;
	const tasks = s.tasks || [];
	return h('section', { class: 'panel', 'aria-labelledby': 'sum-h' },
	    h('h2', { id: 'sum-h' }, '调度汇总'),
	    h('p', { class: 'muted' }, `结束于 ${fmtTime(s.closed_at)}；${s.since ? `列出自上一轮调度结束（${fmtTime(s.since)}）以来的更新` : '这些计划此前没有结束的调度，列出以往全部更新'}。`),
	    s.counts ? h('p', {}, `任务 ${fmtNum(s.counts.tasks)} 项，本轮有更新 ${fmtNum(s.counts.changed)} 项。`) : null,
	    tasks.length === 0 ? h('p', { class: 'empty' }, '没有任务。') :
		tasks.map((t) => h('div', { class: 'summary-task' },
		    h('h3', {}, t.id ? h('a', { href: `task.html?id=${t.id}` }, `${t.label} ${t.title}`) : `${t.label} ${t.title}`,
			' ', statusBadge(t.status)),
		    h('p', { class: 'small muted' }, t.lead_office ? `牵头：${t.lead_office}` : word('task_status', 'unassigned')),
		    (t.changes || []).length ? [h('h4', {}, '本轮更新'), h('ul', { class: 'changes' }, t.changes.map(change))] :
			h('p', { class: 'small' }, '本轮没有更新。'),
		    (t.missing || []).length ? [h('h4', {}, '仍需督办'), h('ul', { class: 'changes' },
			t.missing.map((m) => h('li', {}, m)))] : null)));
}

function closeControls(r) {
	const box = h('div', { class: 'actions' });
	const start = h('button', { type: 'button', class: 'btn danger', id: 'close-round' }, '结束调度');
	const confirm = h('div', { class: 'confirm', hidden: true, role: 'group', 'aria-labelledby': 'confirm-q' },
	    h('p', { id: 'confirm-q' }, '结束后不再统计报送，并生成调度汇总。确定结束这一轮调度吗？'),
	    h('div', { class: 'actions' },
		h('button', { type: 'button', class: 'btn danger', onclick: async (ev) => {
			ev.target.disabled = true;
			try {
				await api(`/api/v1/dispatches/${r.id}/close`, { method: 'POST' });
				location.assign(`dispatch.html?id=${r.id}&closed=1`);
			} catch (e) {
				ev.target.disabled = false;
				confirm.append(h('p', { class: 'form-error', role: 'alert' }, problemText(e)));
			}
		} }, '确认结束'),
		h('button', { type: 'button', class: 'btn secondary', onclick: () => {
			confirm.hidden = true;
			start.hidden = false;
			start.focus();
		} }, '取消')));
	start.addEventListener('click', () => {
		start.hidden = true;
		confirm.hidden = false;
		confirm.querySelector('button').focus();
	});
	box.append(start);
	return [box, confirm];
}

async function showRound(app, id) {
	let r;
	try {
		r = await api(`/api/v1/dispatches/${id}`);
	} catch (e) {
		showFatal(e);
		return;
	}
	setTitle(r.title);
	$('#page-title').textContent = r.title;
	$('#page-sub').textContent = `报送截止 ${r.due_on}`;
	const q = new URLSearchParams(location.search);
	const unreachable = (r.offices || []).filter((o) => !o.recipients).map((o) => o.name);
	const told = [(r.offices || []).length ? '各处室' : null,
	    (r.counties || []).length ? '各县（市）区教育局' : null].filter(Boolean).join('和') || '各处室';
	const flash = q.has('opened') ? (unreachable.length === 0 ? `调度已发起，已通知${told}。` :
	    `调度已发起。${unreachable.join('、')}未设置接收人，未能通知；请设置接收人后在本页催办。`) :
	    q.has('closed') ? '调度已结束，汇总如下。' : '';
	const late = (r.offices || []).filter((o) => o.state === 'late');
	append(clear(app), [
	    h('p', {}, h('a', { href: 'dispatch.html' }, '‹ 返回调度列表')),
	    flash ? h('p', { class: 'notice', role: 'status' }, flash) : null,
	    h('section', { class: 'panel', 'aria-labelledby': 'round-h' },
		h('div', { class: 'panel-head' }, h('h2', { id: 'round-h' }, '报送情况'), roundState(r)),
		h('p', { class: 'small muted' }, `计划：${(r.plans || []).map((p) => p.title).join('、')}；`,
		    `由${r.opened_by || '局办公室'}于 ${fmtTime(r.opened_at)} 发起`,
		    r.closed_at ? `，${fmtTime(r.closed_at)} 结束` : ''),
		r.request ? h('p', { class: 'request' }, r.request) : null,
		countsLine(r.counts),
		late.length ? h('p', { class: 'od' }, `${word('dispatch_state', 'late')}：${late.map((o) => o.name).join('、')}`) : null,
		(r.offices || []).length || !(r.counties || []).length ? officesTable(r, () => showRound(app, id)) : null,
		(r.counties || []).length ? countiesTable(r, () => showRound(app, id)) : null,
		r.state === 'open' && session.role === 'general' ? closeControls(r) : null),
	    r.summary ? summaryPanel(r) : null]);
}

async function main() {
	session = await boot();
	const app = $('#app');
	const id = new URLSearchParams(location.search).get('id');
	if (id && /^\d+$/.test(id))
		return showRound(app, id);
	$('#page-sub').textContent = session.role === 'general' ? '向牵头处室收集进展，逾期未报自动催报' : '只能查看：发起和结束调度由局办公室进行';
	let rounds, plans = [], offices = [], county = [];
	try {
		[rounds, plans, offices, county] = await Promise.all([api('/api/v1/dispatches'), api('/api/v1/plans'),
		    session.role === 'general' ? api('/api/v1/offices') : [],
		    api('/api/v1/county-rounds').catch(() => [])]);
	} catch (e) {
		showFatal(e);
		return;
	}
	offices = offices.filter((o) => o.tasks_led > 0).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
	// A city's rounds are on its own plans: a county's copy of one (its
	// 承担部分) is asked for with the counties box, not picked as a plan.
	// A county's general office sees its copies, the city's plan being out
	// of its reach.
	const reached = new Set(plans.map((p) => p.id));
	const own = plans.filter((p) => !(p.origin === 'county' && reached.has(p.city_plan_id)));
	// A county's own rounds from its city (a city sees its counties' on each round's page).
	county = county.filter((it) => it.may_submit);
	append(clear(app), [
	    county.length ? countyRoundsPanel(county, () => location.reload()) : null,
	    listPanel(rounds, plans),
	    session.role === 'general' ? openForm(own, offices) : null]);
}

main();
