// 我的任务: the tasks an office leads or is responsible for, each milestone
// and target editable in place.  The general office (and an inspector,
// read-only) picks the office.
import {
	api, boot, h, append, clear, $, query, statusBadge, badge, showFatal, dayNum, addDays, newId, word,
	problemText, refreshTodo,
} from './common.js';
import { targetList, milestoneList } from './editor.js';
import { reportPanel } from './report.js';
import { batchView } from './batch.js';

// The view this browser last chose: cards (卡片) or the table (表格填报).
const VIEW_KEY = 'duban.mine.view';

function viewToggle(cards, office, session) {
	let tableView = null;
	const btn = (view, text) => h('button', { type: 'button', class: 'btn small secondary', 'data-view': view }, text);
	const bCards = btn('cards', '卡片填报'), bTable = btn('table', '表格填报');
	const holder = h('div', { class: 'batch-holder' });
	const show = (view) => {
		try {
			localStorage.setItem(VIEW_KEY, view);
		} catch {
			// A browser that keeps nothing shows the cards next time.
		}
		bCards.setAttribute('aria-pressed', String(view === 'cards'));
		bTable.setAttribute('aria-pressed', String(view === 'table'));
		cards.hidden = view === 'table';
		holder.hidden = view !== 'table';
		if (view === 'table' && !tableView) {
			tableView = batchView(session, office);
			holder.append(tableView);
		}
	};
	bCards.addEventListener('click', () => show('cards'));
	bTable.addEventListener('click', () => show('table'));
	let saved = 'cards';
	try {
		saved = localStorage.getItem(VIEW_KEY) === 'table' ? 'table' : 'cards';
	} catch {
		// as above
	}
	show(saved);
	return [h('div', { class: 'view-toggle', role: 'group', 'aria-label': '填报方式' }, bCards, bTable), holder];
}

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

// The office's 待办: rounds to report in, tasks to 签收, 批示 to read; each
// done in place.
function todoPanel(todo, today) {
	const status = h('p', { class: 'form-msg', role: 'status' });
	const act = async (btn, path, done) => {
		btn.disabled = true;
		status.textContent = '正在提交…';
		try {
			await api(path, { method: 'POST' });
			done();
			status.textContent = '已办理。';
			refreshTodo();
		} catch (e) {
			status.textContent = problemText(e);
			btn.disabled = false;
		}
	};
	const item = (it) => {
		if (it.kind === 'dispatch') {
			const late = dayNum(it.due_on) < dayNum(today);
			return h('li', {}, h('div', { class: 'sv-head' },
			    h('span', { class: 'ms-date' }, it.due_on),
			    h('a', { href: '#report' }, it.state === 'returned' ?
				`进展调度“${it.title}”的报告被退回，请修改后重新提交` :
				`进展调度“${it.title}”：请于 ${it.due_on} 前填报本处室牵头任务的进展并报送`),
			    late ? h('span', { class: 'od' }, '逾期未报') :
				h('span', { class: 'small muted' }, it.state_label)),
			    it.reason ? h('p', { class: 'alert' }, `退回理由：${it.reason}`) : null);
		}
		if (it.kind === 'review' || it.kind === 'report_returned' || it.kind === 'drafts') {
			const text = it.kind === 'review' ? `${it.title}：经办人已提交，待您审核报送` :
			    it.kind === 'drafts' ? it.title : `${it.title}的报告被退回，请修改后重新提交`;
			return h('li', {}, h('div', { class: 'sv-head' },
			    it.due_on ? h('span', { class: 'ms-date' }, it.due_on) : null,
			    h('a', { href: '#report' }, text)),
			    it.reason ? h('p', { class: 'alert' }, `退回理由：${it.reason}`) : null);
		}
		if (it.kind === 'acknowledge') {
			const btn = h('button', { type: 'button', class: 'btn small' }, '签收');
			const li = h('li', {}, h('div', { class: 'sv-head' },
			    h('a', { href: `task.html?id=${it.task_id}` }, `${it.number} ${it.title}`),
			    h('span', { class: 'small muted' }, `${it.plan} · 交办于 ${it.assigned_at.slice(0, 10)}`),
			    btn));
			btn.setAttribute('aria-label', `签收 ${it.number} ${it.title}`);
			btn.addEventListener('click', () => act(btn, `/api/v1/tasks/${it.task_id}/acknowledge`,
			    () => li.replaceChildren(h('span', {}, `已签收：${it.number} ${it.title}`))));
			return li;
		}
		if (it.kind === 'decide')
			return h('li', {}, h('div', { class: 'sv-head' },
			    it.due_on ? h('span', { class: 'ms-date' }, it.due_on) : null,
			    it.dispatch_id ? h('a', { href: `dispatch.html?id=${it.dispatch_id}` },
				`${it.office}在“${it.title}”中的报告已报送，待采纳或退回`) :
				h('span', {}, `${it.office}的日常报送已报送，待采纳或退回`)));
		if (it.kind === 'unacknowledged')
			return h('li', {}, h('div', { class: 'sv-head' },
			    h('a', { href: `mine.html?office=${encodeURIComponent(it.office)}` }, it.office),
			    h('span', { class: 'small muted' }, `${it.tasks} 项任务逾期未签收（最早交办于 ${String(it.since).slice(0, 10)}）`)));
		if (it.kind === 'extension_decide' || it.kind === 'extension') {
			const what = `${it.number} ${it.title} · ${it.milestone}：${it.due_on} → ${it.new_due_on}`;
			const state = it.kind === 'extension_decide' ? `${it.office || it.requested_by}申请延期，待您审批` :
			    it.state === 'approved' ? `延期已批准${it.reason ? `：${it.reason}` : ''}` :
			    it.state === 'rejected' ? `延期未获批准${it.reason ? `：${it.reason}` : ''}` : '延期申请待审批';
			return h('li', {}, h('div', { class: 'sv-head' },
			    h('a', { href: `task.html?id=${it.task_id}` }, what),
			    h('span', { class: 'small muted' }, state)));
		}
		if (it.kind.startsWith('completion_')) {
			// 办结审核: done on the task's page (a 办结说明 or a decision to write).
			const what = it.kind === 'completion_ready' ? '节点已全部完成，可申请办结' :
			    it.kind === 'completion_returned' ? `办结申请已退回：${it.reason || ''}` :
			    `${it.office || ''} ${it.by || ''} 申请办结，待审核`;
			return h('li', {}, h('div', { class: 'sv-head' },
			    h('a', { href: `task.html?id=${it.task_id}#completion` }, `${it.number} ${it.title}`),
			    h('span', { class: 'small muted' }, `${it.plan} · ${what}`)));
		}
		if (it.kind === 'notice')
			// 督办单: signed for on the 督办单 page, in its row.
			return h('li', {}, h('div', { class: 'sv-head' },
			    it.due_on ? h('span', { class: 'ms-date' }, it.due_on) : null,
			    h('a', { href: `notice.html#notice-${it.notice_id}` }, it.title)));
		if (it.kind === 'county_round' || it.kind === 'county_decide')
			// 上级督办下级: on the 调度 page (the county's list, or the round's page).
			return h('li', {}, h('div', { class: 'sv-head' },
			    h('span', { class: 'ms-date' }, it.due_on),
			    h('a', { href: it.kind === 'county_round' ? 'dispatch.html' :
				`dispatch.html?id=${it.dispatch_id}` },
				it.kind === 'county_round' ?
				    (it.state === 'returned' ? `上级调度“${it.title}”的报告被退回，请修改后重新报送` :
					`上级调度“${it.title}”：请于 ${it.due_on} 前报送本单位承办任务的进展`) :
				    `${it.org}在“${it.title}”中的报告已报送，待采纳或退回`),
			    h('span', { class: 'small muted' }, it.state_label),
			    it.chases && it.chases.label ? h('span', { class: 'od' }, `上级${it.chases.label}`) : null),
			    it.reason ? h('p', { class: 'alert' }, `退回理由：${it.reason}`) : null);
		if (it.kind === 'county_fill')
			// 上级督办下级: a county's office fills in the copies it undertakes;
			// its 局办公室 报送s.
			return h('li', {}, h('div', { class: 'sv-head' },
			    h('span', { class: 'ms-date' }, it.due_on),
			    h('a', { href: '#report' }, `上级调度“${it.title}”：请于 ${it.due_on} 前填报本科室承办的 ${it.tasks} 项任务的进展，由局办公室汇总报送`),
			    dayNum(it.due_on) < dayNum(today) ? h('span', { class: 'od' }, '逾期未报') :
				h('span', { class: 'small muted' }, it.state_label),
			    it.chases && it.chases.label ? h('span', { class: 'od' }, `上级${it.chases.label}`) : null),
			    it.reason ? h('p', { class: 'alert' }, `退回理由：${it.reason}`) : null);
		if (it.kind !== 'instruction')
			return h('li', {}, it.title || it.kind);
		const btn = h('button', { type: 'button', class: 'btn small secondary' }, '已阅');
		const li = h('li', {}, h('div', { class: 'sv-head' },
		    h('span', { class: 'ms-date' }, it.at.slice(0, 10)),
		    h('a', { href: `task.html?id=${it.task_id}#instructions` }, `${it.number} ${it.title}`),
		    btn),
		    h('blockquote', { class: 'instruction' }, `${it.author}批示：${it.text}`));
		btn.setAttribute('aria-label', `已阅 ${it.author}对 ${it.number} 的批示`);
		btn.addEventListener('click', () => act(btn, `/api/v1/instructions/${it.instruction_id}/read`,
		    () => btn.replaceWith(h('span', { class: 'small muted' }, '已阅'))));
		return li;
	};
	return h('section', { class: 'panel', id: 'todo', 'aria-labelledby': 'todo-h', tabindex: '-1' },
	    h('h2', { id: 'todo-h' }, `待办（${todo.count}）`),
	    todo.count === 0 ? h('p', { class: 'empty' }, '没有待办事项。') :
		h('ul', { class: 'sv-list' }, todo.items.map(item)),
	    status);
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
		// The general office's and a leader's 待办 (报告 to accept, 延期 and
		// 办结 to decide, offices late to 签收) head the page.
		const todo = await api('/api/v1/todo').catch(() => null);
		if (todo && (todo.count > 0 || session.role === 'general'))
			app.append(todoPanel(todo, session.today));
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
		details = await Promise.all(list.map(async (t) => {
			const [d, f] = await Promise.all([api(`/api/v1/tasks/${t.id}`),
			    api(`/api/v1/tasks/${t.id}/files`).catch(() => null)]);
			d.files = f ? f.files : undefined;	// 佐证材料: shown when they could be read
			return d;
		}));
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
	let todo = null, report = null;
	if (session.role === 'office') {
		todo = await api('/api/v1/todo').catch(() => null);
		report = await reportPanel(session, office);
	}
	append(box, [todo ? todoPanel(todo, session.today) : null, report,
	h('p', { class: 'hint' }, `共 ${details.length} 项任务。点击“更新节点”或“更新进展”填写，` +
	    (session.person_role ? '保存后存为本处室草稿，报送后生效；' : '保存后即记入进展记录；'),
	    '完成情况写做了什么，取得成效写带来的变化。'),
	upcoming(details, session.today)]);
	const cards = h('div', { class: 'task-cards' }, details.map((t) => taskCard(t, office)));
	append(box, [viewToggle(cards, office, session), cards]);
	if (location.hash) {
		const el = document.getElementById(location.hash.slice(1));
		if (el)
			el.scrollIntoView();
	}
}

main();
