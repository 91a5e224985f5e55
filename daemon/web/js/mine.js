// 我的任务: the tasks an office leads or is responsible for, each milestone
// and target editable in place.  The general office (and an inspector,
// read-only) picks the office.
import {
	api, boot, h, append, clear, $, query, statusBadge, badge, showFatal, dayNum, addDays, newId, word,
} from './common.js';
import { targetList, milestoneList } from './editor.js';

function roleOf(t, office) {
	const part = t.lead_office !== office &&
	    (t.roles || []).some((r) => r.role === 'responsible' && r.office === office) ? 'responsible' : 'lead';
	return word('task_role_short', part);
}

function chooser(offices, current) {
	const id = newId('office');
	const orgs = [...new Set(offices.map((o) => o.organisation))];
	const option = (o) => h('option', { value: o.name },
	    `${o.name}（牵头 ${o.tasks_led} 项${o.tasks_responsible ? `，负责 ${o.tasks_responsible} 项` : ''}）`);
	const sel = h('select', { id, name: 'office' }, h('option', { value: '' }, '请选择处室'),
	    orgs.length > 1 ? orgs.map((g) => h('optgroup', { label: g || '其他' },
		offices.filter((o) => o.organisation === g).map(option))) : offices.map(option));
	sel.value = current;
	return h('form', { class: 'panel chooser', method: 'get', action: 'mine.html', 'aria-label': '选择处室' },
	    h('div', { class: 'field' }, h('label', { for: id }, '处室'), sel),
	    h('button', { type: 'submit', class: 'btn' }, '查看'));
}

function upcoming(details, today) {
	const soon = addDays(today, 30);
	const items = [];
	for (const t of details)
		for (const m of t.milestones || [])
			if (m.status !== 'done' && m.due_on && m.due_on <= soon)
				items.push({ t, m });
	items.sort((a, b) => a.m.due_on.localeCompare(b.m.due_on));
	return h('section', { class: 'panel', 'aria-labelledby': 'soon-h' },
	    h('h2', { id: 'soon-h' }, '逾期和30天内到期的节点'),
	    items.length === 0 ? h('p', { class: 'empty' }, '没有逾期或30天内到期的节点。') :
		h('ul', { class: 'sv-list' }, items.map(({ t, m }) => {
			const d = dayNum(m.due_on) - dayNum(today);
			return h('li', {}, h('div', { class: 'sv-head' },
			    h('span', { class: 'ms-date' }, m.due_on),
			    h('a', { href: `#milestone-${m.id}` }, `${t.number} ${t.title} · ${m.title}`),
			    d < 0 ? h('span', { class: 'od' }, `已逾期 ${-d} 天`) :
				h('span', { class: 'small muted' }, d === 0 ? '今天到期' : `还有 ${d} 天`)));
		})));
}

function taskCard(t, office) {
	const canEdit = t.may_edit === true;	// the server's word, as on every write
	const headId = newId('task');
	let status = statusBadge(t.status);
	const onSaved = async () => {
		try {
			const fresh = await api(`/api/v1/tasks/${t.id}`);
			const b = statusBadge(fresh.status);
			status.replaceWith(b);
			status = b;
		} catch {
			// The badge catches up on the next load.
		}
	};
	return h('article', { class: 'task-card', 'aria-labelledby': headId, 'data-task-id': t.id },
	    h('header', {},
		h('h2', { id: headId }, h('a', { href: `task.html?id=${t.id}` }, `${t.number} ${t.title}`)),
		status,
		badge('role', roleOf(t, office)),
		h('span', { class: 'small muted' }, `完成时限 ${t.deadline || '—'}`)),
	    h('div', { class: 'body' },
		canEdit ? null : h('p', { class: 'muted small' }, '只能查看：您没有更新这项任务的权限。'),
		h('h3', {}, '节点'),
		milestoneList(t, { canEdit, level: 'h4', onSaved }),
		h('h3', {}, '指标'),
		targetList(t, { canEdit, level: 'h4', onSaved })));
}

async function main() {
	const session = await boot();
	const app = clear($('#app'));
	let office = session.role === 'office' ? session.office :
	    new URLSearchParams(location.search).get('office') || '';
	if (session.role !== 'office') {
		let offices = [];
		try {
			offices = (await api('/api/v1/offices')).filter((o) => o.tasks_led + o.tasks_responsible > 0);
		} catch (e) {
			showFatal(e);
			return;
		}
		offices.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
		app.append(chooser(offices, office));
		if (!office) {
			$('#page-sub').textContent = session.role === 'general' ?
			    '局办公室可以替任何处室更新进展：请先选择处室。' : '请选择处室查看其任务（督查人员只能查看）。';
			return;
		}
	}
	$('#page-sub').textContent = `${office}牵头或负责的任务 · 今天是 ${session.today}`;
	const box = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, '正在加载任务…'));
	app.append(box);
	let details;
	try {
		const list = await api(`/api/v1/tasks${query({ office })}`);
		details = await Promise.all(list.map((t) => api(`/api/v1/tasks/${t.id}`)));
	} catch (e) {
		clear(box).append(h('p', { class: 'alert', role: 'alert' }, `无法加载任务：${e.message}`));
		return;
	}
	box.removeAttribute('aria-busy');
	clear(box);
	if (details.length === 0) {
		box.append(h('p', { class: 'empty panel' }, `${office}没有牵头或负责的任务。`));
		return;
	}
	append(box, [h('p', { class: 'hint' }, `共 ${details.length} 项任务。点击“更新节点”或“更新进展”填写，保存后即记入进展记录；`,
	    '完成情况写做了什么，取得成效写带来的变化。'),
	upcoming(details, session.today),
	details.map((t) => taskCard(t, office))]);
	if (location.hash) {
		const el = document.getElementById(location.hash.slice(1));
		if (el)
			el.scrollIntoView();
	}
}

main();
