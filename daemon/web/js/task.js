// 任务详情: the task as the plan wrote it, its targets and milestones (with
// editors for those who may edit it), who does what, and the history.
import {
	api, boot, h, clear, $, statusBadge, pct, showFatal, setTitle, word, words, newId, problemText,
	refreshTodo, badge, lightBadge,
} from './common.js';
import { targetList, milestoneList, historyTable, targetLight } from './editor.js';
import { completionPanel } from './completion.js';

// The task's 红黄绿灯 with its word and why (the server's figures), 临期
// with the working days left, and 未明确牵头处室 as a flag beside them.
function taskLights(t) {
	const l = t.lights || {};
	let why = null;
	if (t.light === 'red' && l.overdue > 0)
		why = `${l.overdue} 个节点逾期未完成`;
	else if ((t.light === 'red' || t.light === 'yellow') && l.behind)
		why = `落后序时进度 ${l.behind} 个百分点`;
	else if (t.light === 'grey')
		why = '指标应报未报';
	return h('div', { class: 'lights', id: 'task-light' },
	    t.light ? lightBadge(t.light) : null,
	    why ? h('span', { class: 'small' }, why, ' ') : null,
	    t.due_soon ? badge('due_soon', l.days_left !== null && l.days_left !== undefined ?
		`临期：距完成时限还有 ${l.days_left} 个工作日` : '临期') : null,
	    t.unassigned ? badge('flag', word('task_status', 'unassigned')) : null);
}

function metaList(t) {
	const item = (k, v) => h('div', {}, h('dt', {}, k), h('dd', {}, v));
	return h('dl', { class: 'task-meta', id: 'task-meta' },
	    item('状态', statusBadge(t.status)),
	    item('灯号', taskLights(t)),
	    item(word('task_role', 'lead'), t.lead_office || word('task_status', 'unassigned')),
	    item(word('field', 'deadline'), [t.deadline || '—', t.deadline_form && t.deadline_form !== t.deadline ?
		h('span', { class: 'muted' }, `（${t.deadline_form}）`) : null]),
	    item('时间进度', t.time_elapsed === null || t.time_elapsed === undefined ? '—' :
		`${pct(t.time_elapsed)}${t.time_elapsed >= 0.5 && t.status !== 'done' ? '（时间已过半）' : ''}`),
	    item('计划', t.plan_title || t.plan),
	    t.section ? item('所属部分', t.section) : null,
	    t.report_every ? item(word('field', 'report_every'), word('report_every', t.report_every)) : null,
	    // 上级督办下级: a county's copy of its city's task, and the date the
	    // city's round asks it to 报送 by.
	    t.city_task ? item('上级任务', `${t.city_task.org} ${t.city_task.label}`) : null,
	    t.city_task && t.city_task.report_by ? item(word('field', 'report_by'),
		[t.city_task.report_by, t.city_task.report_by_dispatch ?
		    h('span', { class: 'muted' }, `（${t.city_task.report_by_dispatch.title}）`) : null]) : null);
}

function contentPanel(t) {
	// A 督办事项 (交办) has its 督办依据 and its content instead of a document's text.
	const basis = t.basis ? `${word('basis_kind', t.basis_kind)}：${t.basis}` : null;
	const parts = [[word('field', 'basis'), basis], ['工作目标', t.goal], ['工作任务', t.work],
	    ['工作措施', t.measures], ['完成时限', t.deadline_text],
	    [t.origin === 'jiaoban' ? word('field', 'text') : '原文', t.text]].filter(([, v]) => v);
	return h('section', { class: 'panel', 'aria-labelledby': 'content-h' },
	    h('h2', { id: 'content-h' }, '任务内容'),
	    parts.length ? h('dl', { class: 'prose' }, parts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])) :
		h('p', { class: 'empty' }, '计划文件中没有这项任务的具体内容。'));
}

function rolesPanel(t) {
	const who = (r) => [r.office, r.person].filter(Boolean).join(' · ');
	const groups = words('task_role').map(([role, label]) => [label, (t.roles || []).filter((r) => r.role === role)])
	    .filter(([, rs]) => rs.length);
	if (!t.roles.some((r) => r.role === 'lead') && !t.lead_office)
		groups.unshift([word('task_role', 'lead'), null]);
	return h('section', { class: 'panel', 'aria-labelledby': 'roles-h' },
	    h('h2', { id: 'roles-h' }, '责任分工'),
	    h('dl', { class: 'roles' }, groups.map(([label, rs]) => [h('dt', {}, label),
		h('dd', {}, rs === null ? h('span', { class: 'muted' }, '未明确') :
		    h('ul', {}, rs.map((r) => h('li', {}, who(r)))))])),
	    t.subtasks && t.subtasks.length ? [h('h3', {}, '子任务'), h('ul', {}, t.subtasks.map((c) =>
		h('li', {}, h('a', { href: `task.html?id=${c.id}` }, `${c.number} ${c.title}`))))] : null);
}

// 签收 by the offices, and the 批示 on the task; the general office and
// the task's 责任领导 write one here (the server decides who may).
function instructionsPanel(t, session, reload, notice) {
	const signed = (t.assignments || []).map((a) => h('li', {},
	    `${a.office}${a.lead ? '（牵头）' : ''}：`,
	    a.acknowledged_at ? `${a.acknowledged_by} 于 ${a.acknowledged_at.slice(0, 10)} 签收` :
		h('span', { class: 'od' }, '未签收')));
	const list = (t.instructions || []).map((i) => h('li', {},
	    h('blockquote', { class: 'instruction' }, i.text),
	    h('p', { class: 'small muted' }, `${i.author}（${i.author_role === 'general' ? '局办公室' :
		word('person_role', 'leader')}）${i.at.slice(0, 10)} 批示` +
		(i.read_by.length ? `；${i.read_by.map((r) => r.office).join('、')}已阅` : '；承办处室未阅'))));
	let form = null;
	if (session.role === 'general' || session.person_role === 'leader') {
		const id = newId('instruction');
		const area = h('textarea', { id, name: 'text', rows: '3', maxlength: '2000', required: '' });
		const msg = h('p', { class: 'form-msg', role: 'status' }, notice || '');
		const btn = h('button', { type: 'submit', class: 'btn' }, '作出批示');
		form = h('form', { class: 'instruct', novalidate: '' },
		    h('div', { class: 'field' }, h('label', { for: id }, '批示内容'), area), btn, msg);
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			if (!area.value.trim()) {
				msg.textContent = '请填写批示内容';
				area.focus();
				return;
			}
			btn.disabled = true;
			msg.textContent = '正在提交…';
			try {
				await api(`/api/v1/tasks/${t.id}/instructions`, { method: 'POST', body: { text: area.value } });
				area.value = '';
				msg.textContent = '批示已送达牵头处室。';
				reload('批示已送达牵头处室。');	// the panel is drawn anew: say it there
			} catch (e) {
				msg.textContent = problemText(e);
			}
			btn.disabled = false;
		});
	}
	const mine = (t.assignments || []).find((a) => a.office_id === session.office_id && !a.acknowledged_at);
	let sign = null;
	if (mine && session.role === 'office') {
		sign = h('button', { type: 'button', class: 'btn' }, '签收这项任务');
		sign.addEventListener('click', async () => {
			sign.disabled = true;
			try {
				await api(`/api/v1/tasks/${t.id}/acknowledge`, { method: 'POST' });
				refreshTodo();
				reload();
			} catch (e) {
				sign.replaceWith(h('p', { class: 'alert', role: 'alert' }, problemText(e)));
			}
		});
	}
	return h('section', { class: 'panel', id: 'instructions', 'aria-labelledby': 'ins-h' },
	    h('h2', { id: 'ins-h' }, '签收和批示'),
	    signed.length ? h('ul', { class: 'plain' }, signed) : h('p', { class: 'muted' }, '这项任务没有交办处室。'),
	    sign,
	    h('h3', {}, '领导批示'),
	    list.length ? h('ul', { class: 'plain' }, list) : h('p', { class: 'empty' }, '还没有批示。'),
	    form);
}

async function main() {
	const session = await boot();
	const app = $('#app');
	const id = new URLSearchParams(location.search).get('id');
	if (!id || !/^\d+$/.test(id)) {
		clear(app).append(h('p', { class: 'alert', role: 'alert' }, '没有指定任务。', h('a', { href: 'index.html' }, '返回总览')));
		return;
	}
	let t;
	try {
		t = await api(`/api/v1/tasks/${id}`);
	} catch (e) {
		showFatal(e);
		return;
	}
	// 佐证材料: under each item and in the history; the page stands without them.
	t.files = await api(`/api/v1/tasks/${id}/files`).then((r) => r.files, () => undefined);
	const withFiles = (x) => Object.assign(x, { files: t.files });
	const canEdit = t.may_edit === true;	// the server's word, as on every write
	setTitle(`${t.number} ${t.title}`);
	$('#crumb').textContent = `任务 ${t.number}`;
	$('#page-title').textContent = `${t.number} ${t.title}`;

	const histBox = h('div', {}, historyTable(t));
	const insBox = h('div', {});
	const showInstructions = (x, notice) => clear(insBox).append(instructionsPanel(x, session, async (said) => {
		try {
			const fresh = await api(`/api/v1/tasks/${id}`);
			showInstructions(fresh, said);
			clear(histBox).append(historyTable(withFiles(fresh)));
		} catch {
			// Shown on reload.
		}
	}, notice));
	showInstructions(t);
	let meta = metaList(t);
	// 办结审核: drawn anew, with the status and the history, after each step.
	const cmpBox = h('div', {});
	const showCompletion = (x) => clear(cmpBox).append(completionPanel(x, async () => {
		try {
			const fresh = await api(`/api/v1/tasks/${id}`);
			showCompletion(fresh);
			clear(histBox).append(historyTable(withFiles(fresh)));
			const m2 = metaList(fresh);
			meta.replaceWith(m2);
			meta = m2;
			refreshTodo();
			$('#cmp-h')?.focus();
		} catch {
			// Shown on reload.
		}
	}) || '');
	showCompletion(t);
	const level = 'h3';
	const onSaved = async () => {
		try {
			const fresh = await api(`/api/v1/tasks/${id}`);
			Object.assign(t, { status: fresh.status, history: fresh.history });
			for (const g of fresh.targets) {
				const old = t.targets.find((x) => x.id === g.id);
				if (old)
					Object.assign(old, g);
				// The target's light as judged after the save.
				const box = document.querySelector(`#target-${g.id} .t-light`);
				if (box)
					clear(box).append(...targetLight(g).filter(Boolean));
			}
			clear(histBox).append(historyTable(withFiles(fresh)));
			const m2 = metaList(fresh);
			meta.replaceWith(m2);
			meta = m2;
		} catch {
			// The save itself went through; the history shows on reload.
		}
	};

	let note;
	if (t.withdrawn)
		note = h('p', { class: 'alert' }, '这项任务已从计划中撤销，只能查看。');
	else if (canEdit)
		note = h('p', { class: 'notice' }, session.role === 'general' ?
		    '局办公室可以更新所有任务的节点和指标。' :
		    `这项任务由${session.office}牵头或负责：可以在下面更新节点状态、指标完成值、完成情况和取得成效。`);
	else
		note = h('p', { class: 'notice' }, session.role === 'inspector' ?
		    `${word('account_role', 'inspector')}人员只能查看。` : `这项任务不由${session.office || '本处室'}牵头或负责，只能查看。`);

	clear(app).append(meta, note,
	    h('div', { class: 'grid2' }, contentPanel(t), rolesPanel(t)),
	    h('section', { class: 'panel', 'aria-labelledby': 'ms-h' },
		h('h2', { id: 'ms-h' }, '节点'),
		milestoneList(t, { canEdit, level, onSaved, session, fullFiles: true })),
	    h('section', { class: 'panel', 'aria-labelledby': 'tg-h' },
		h('h2', { id: 'tg-h' }, '指标'),
		t.lights_rule ? h('p', { class: 'hint', id: 'lights-rule' }, `灯号：${t.lights_rule}。`) : null,
		h('p', { class: 'hint' }, '进度条为完成比例，黑色竖线为时间进度（从当年1月1日到完成时限已过去的比例），完成比例低于时间进度即为滞后；尚未填报的指标为未填报，不判为滞后。'),
		targetList(t, { canEdit, level, onSaved, fullFiles: true })),
	    cmpBox,
	    insBox,
	    h('section', { class: 'panel', 'aria-labelledby': 'hist-h' },
		h('h2', { id: 'hist-h' }, '进展记录'),
		histBox));
	if (location.hash) {
		const el = document.getElementById(location.hash.slice(1));
		if (el)
			el.scrollIntoView();
	}
}

main();
