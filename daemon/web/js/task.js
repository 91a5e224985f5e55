// 任务详情: the task as the plan wrote it, its targets and milestones (with
// editors for those who may edit it), who does what, and the history.
import {
	api, boot, h, clear, $, statusBadge, pct, showFatal, setTitle, word, words,
} from './common.js';
import { targetList, milestoneList, historyTable } from './editor.js';

function metaList(t) {
	const item = (k, v) => h('div', {}, h('dt', {}, k), h('dd', {}, v));
	return h('dl', { class: 'task-meta', id: 'task-meta' },
	    item('状态', statusBadge(t.status)),
	    item(word('task_role', 'lead'), t.lead_office || word('task_status', 'unassigned')),
	    item(word('field', 'deadline'), [t.deadline || '—', t.deadline_form && t.deadline_form !== t.deadline ?
		h('span', { class: 'muted' }, `（${t.deadline_form}）`) : null]),
	    item('时间进度', t.time_elapsed === null || t.time_elapsed === undefined ? '—' :
		`${pct(t.time_elapsed)}${t.time_elapsed >= 0.5 && t.status !== 'done' ? '（时间已过半）' : ''}`),
	    item('计划', t.plan_title || t.plan),
	    t.section ? item('所属部分', t.section) : null);
}

function contentPanel(t) {
	const parts = [['工作目标', t.goal], ['工作任务', t.work], ['工作措施', t.measures],
	    ['完成时限', t.deadline_text], ['原文', t.text]].filter(([, v]) => v);
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
	const canEdit = t.may_edit === true;	// the server's word, as on every write
	setTitle(`${t.number} ${t.title}`);
	$('#crumb').textContent = `任务 ${t.number}`;
	$('#page-title').textContent = `${t.number} ${t.title}`;

	const histBox = h('div', {}, historyTable(t));
	let meta = metaList(t);
	const level = 'h3';
	const onSaved = async () => {
		try {
			const fresh = await api(`/api/v1/tasks/${id}`);
			Object.assign(t, { status: fresh.status, history: fresh.history });
			for (const g of fresh.targets) {
				const old = t.targets.find((x) => x.id === g.id);
				if (old)
					Object.assign(old, g);
			}
			clear(histBox).append(historyTable(fresh));
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
		milestoneList(t, { canEdit, level, onSaved, session })),
	    h('section', { class: 'panel', 'aria-labelledby': 'tg-h' },
		h('h2', { id: 'tg-h' }, '指标'),
		h('p', { class: 'hint' }, '进度条为完成比例，黑色竖线为时间进度（从当年1月1日到完成时限已过去的比例），完成比例低于时间进度即为滞后。'),
		targetList(t, { canEdit, level, onSaved })),
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
