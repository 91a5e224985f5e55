// 总览: the current quarter over the chosen plans — the tasks' 红黄绿灯
// (with their words: never colour alone), counts by status per plan, the
// items needing 督办, the tasks (filtered by office, status and due
// window, all in the URL) and the lead offices' ranking, those with
// nothing due listed apart, and for a city's plans with county copies the
// 县（市）区 ranking the same way; first, when the working-day calendar
// lacks a year, how to load its notice.
import {
	api, boot, h, svg, clear, $, query, td, table, scrollRegion, badge, statusBadge, word, words,
	fmtNum, pct, fmtTime, addDays, progressBar, showFatal, quarterOf, newId,
} from './common.js';

const DUE = {
	'': '全部期限', month: '本月到期', '30d': '30天内到期', quarter: '本季度到期', overdue: '已逾期',
};

const state = { plan: '', office: '', status: '', due: '' };
let session, overview, planList = [];

// The task statuses, in the server's order (done, on_track, ... unassigned).
const statuses = () => words('task_status').map(([code]) => code);

function readUrl() {
	const q = new URLSearchParams(location.search);
	for (const k of Object.keys(state))
		state[k] = q.get(k) || '';
	if (state.status && !statuses().includes(state.status))
		state.status = '';
	if (!(state.due in DUE))
		state.due = '';
}

function writeUrl() {
	history.replaceState(null, '', `index.html${query(state)}`);
}

function selectField(label, name, options, value, onchange) {
	const id = newId(`f-${name}`);
	const sel = h('select', { id, name, onchange },
	    options.map(([v, text]) => h('option', { value: v }, text)));
	sel.value = value;
	if (sel.value !== value) {		// a value from a link that is no longer an option
		sel.append(h('option', { value }, value));
		sel.value = value;
	}
	return h('div', { class: 'field' }, h('label', { for: id }, label), sel);
}

// ---------------------------------------------------------------- pieces

const LIGHTS = ['green', 'yellow', 'red', 'grey'];
const LIGHT_NOTES = { green: '按期推进', yellow: '滞后预警', red: '严重滞后或逾期', grey: '应报未报' };

// A task's light with its word, then 临期 and 未明确牵头处室 (a flag, not a
// status that hides the light).
function lightBadges(t) {
	return [t.light ? h('span', { class: `light ${t.light}` }, word('light', t.light)) : null,
	    t.due_soon ? badge('due_soon', '临期') : null,
	    t.unassigned ? badge('flag', word('task_status', 'unassigned')) : null];
}

// The lights, 临期, the tasks without a lead office, and how many are done
// out of how many (not a bare "完成率 0%").
function tiles(sum, rule) {
	const tile = (cls, n, label) => h('div', { class: `tile ${cls}` },
	    h('div', { class: 'n' }, n), h('div', { class: 'l' }, label));
	const lights = sum.lights || {};
	return h('section', { 'aria-labelledby': 'sum-h' },
	    h('h2', { id: 'sum-h', class: 'sr-only' }, '汇总'),
	    h('div', { class: 'tiles' },
		tile('', fmtNum(sum.tasks), '任务'),
		LIGHTS.map((l) => tile(`light-${l}`, fmtNum(lights[l] || 0), `${word('light', l)}（${LIGHT_NOTES[l]}）`)),
		tile('due_soon', fmtNum(sum.due_soon || 0), '临期'),
		tile('unassigned', fmtNum(sum.without_lead || 0), word('task_status', 'unassigned')),
		tile('done', `${fmtNum(sum.done)}/${fmtNum(sum.tasks)}`, '已完成')),
	    rule ? h('p', { class: 'muted small lights-rule' }, `灯号：${rule}`) : null);
}

function countByPlan(ov) {
	const by = new Map(ov.plans.map((p) => [p.key, { plan: p, tasks: 0,
	    ...Object.fromEntries(statuses().map((s) => [s, 0])) }]));
	for (const t of ov.tasks) {
		const c = by.get(t.plan);
		if (c) {
			c.tasks++;
			c[t.status] = (c[t.status] || 0) + 1;
		}
	}
	return [...by.values()];
}

function stackBar(c) {
	let x = 0;
	const total = Math.max(1, c.tasks);
	const label = statuses().map((s) => `${word('task_status', s)} ${c[s]}`).join('，');
	return svg('svg', { class: 'stack-bar', viewBox: `0 0 ${total} 1`, preserveAspectRatio: 'none',
	    role: 'img', 'aria-label': label, focusable: 'false' },
	    svg('rect', { class: 'f-bg', x: 0, y: 0, width: total, height: 1 }),
	    statuses().map((s) => {
		    const r = svg('rect', { class: `f-${s}`, x, y: 0, width: c[s], height: 1 });
		    x += c[s];
		    return c[s] ? r : null;
	    }));
}

function plansPanel(ov) {
	const counts = countByPlan(ov);
	const cols = [{ label: '计划' }, { label: '任务', class: 'num' },
	    ...statuses().map((s) => ({ label: word('task_status', s), class: 'num' })), { label: '状态分布' }];
	const rows = counts.map((c) => h('tr', {},
	    td('计划', [h('div', { class: 'task-title' }, c.plan.title),
		h('div', { class: 'small muted' }, [c.plan.document_number, `${c.plan.year}年`].filter(Boolean).join(' · '))],
	    'card-title'),
	    td('任务', fmtNum(c.tasks), 'num'),
	    statuses().map((s) => td(word('task_status', s), fmtNum(c[s]), 'num')),
	    td('状态分布', stackBar(c))));
	return h('section', { class: 'panel', 'aria-labelledby': 'plans-h' },
	    h('h2', { id: 'plans-h' }, '各计划进展'),
	    table(cols, rows, { className: 'stack', caption: '各计划按状态统计的任务数' }),
	    h('ul', { class: 'legend', 'aria-hidden': 'true' },
		statuses().map((s) => h('li', {}, h('span', { class: `sw ${s}` }), word('task_status', s)))));
}

// "指标滞后：a、b、c、d、e" → "指标滞后：a、b、c 等 5 项" (the task page has them all).
function shorten(reason) {
	const i = reason.indexOf('：');
	if (i < 0)
		return reason;
	const parts = reason.slice(i + 1).split('、');
	return parts.length <= 3 ? reason : `${reason.slice(0, i + 1)}${parts.slice(0, 3).join('、')} 等 ${parts.length} 项`;
}

const SV_FIRST = 8;

function supervisePanel(ov) {
	const items = ov.supervise || [];
	const planOf = new Map(ov.tasks.map((t) => [t.id, t.plan]));
	const titles = new Map(ov.plans.map((p) => [p.key, p.title]));
	const list = h('ul', { class: 'sv-list', id: 'sv-list' }, items.map((x, i) => h('li', { hidden: i >= SV_FIRST },
	    h('div', { class: 'sv-head' },
		h('a', { href: `task.html?id=${x.id}`, class: 'task-title' }, `${x.label} ${x.title}`),
		statusBadge(x.status),
		h('span', { class: 'small muted' }, x.lead_office ? `牵头：${x.lead_office}` : word('task_status', 'unassigned')),
		ov.plans.length > 1 ? h('span', { class: 'small muted' }, titles.get(planOf.get(x.id)) || '') : null),
	    h('ul', {}, (x.reasons || []).map((r) => h('li', {}, shorten(r)))))));
	const more = items.length > SV_FIRST ? h('button', { type: 'button', class: 'btn secondary',
	    'aria-expanded': 'false', 'aria-controls': 'sv-list', onclick: (ev) => {
		const open = ev.currentTarget.getAttribute('aria-expanded') !== 'true';
		ev.currentTarget.setAttribute('aria-expanded', String(open));
		ev.currentTarget.textContent = open ? '只显示前 8 项' : `显示全部 ${items.length} 项`;
		[...list.children].forEach((li, i) => { li.hidden = !open && i >= SV_FIRST; });
	} }, `显示全部 ${items.length} 项`) : null;
	return h('section', { class: 'panel', 'aria-labelledby': 'sv-h' },
	    h('div', { class: 'panel-head' },
		h('h2', { id: 'sv-h' }, '需督办'),
		h('p', { class: 'muted small' }, `${items.length} 项：${word('task_status', 'overdue')}、` +
		    `${word('task_status', 'behind')}、${word('target_state', 'late')}或` +
		    `${word('task_status', 'unassigned')}`)),
	    items.length === 0 ? h('p', { class: 'empty' }, '暂无需督办的事项。') : list,
	    more ? h('div', { class: 'actions' }, more) : null);
}

// A ranking panel: the lead offices' (处室排名), or the county bureaus' on
// their copies of the city's tasks (县（市）区排名); ranked on what was
// due, those with nothing due apart, not last; the rule under it.
function rankingPanel(rows, rule, o) {
	const cols = [{ label: '排名', class: 'num' }, { label: o.unit }, { label: o.tasks, class: 'num' },
	    { label: '已完成', class: 'num' }, { label: '逾期任务', class: 'num' }, { label: '滞后任务', class: 'num' },
	    { label: '到期节点', class: 'num' }, { label: '完成率', class: 'num' }, { label: '逾期节点', class: 'num' },
	    { label: '按时完成率', class: 'num' }, { label: '指标平均完成', class: 'num' }];
	const ranked = rows.filter((x) => x.ranked !== false);
	const apart = rows.filter((x) => x.ranked === false);
	const trs = ranked.map((x) => h('tr', {},
	    h('td', { class: 'num' }, fmtNum(x.rank)),
	    h('td', { class: 'nowrap' }, o.name(x)),
	    h('td', { class: 'num' }, fmtNum(x.tasks)),
	    h('td', { class: 'num' }, fmtNum(x.done)),
	    h('td', { class: 'num' }, fmtNum(x.overdue_tasks)),
	    h('td', { class: 'num' }, fmtNum(x.behind_tasks)),
	    h('td', { class: 'num' }, fmtNum(x.milestones_due)),
	    h('td', { class: 'num' }, x.completion_rate === null || x.completion_rate === undefined ? '—' : pct(x.completion_rate)),
	    h('td', { class: 'num' }, fmtNum(x.milestones_overdue)),
	    h('td', { class: 'num' }, x.on_time_rate === null ? '无到期节点' : pct(x.on_time_rate)),
	    h('td', { class: 'num' }, average(x.avg_completion, x.targets_reported, x.targets_measured))));
	return h('section', { class: 'panel', 'aria-labelledby': o.id },
	    h('div', { class: 'panel-head' },
		h('h2', { id: o.id }, o.title),
		h('p', { class: 'muted small' }, o.sub)),
	    ranked.length ? scrollRegion(`${o.title}表（可横向滚动）`, table(cols, trs, { caption: o.caption })) :
		h('p', { class: 'empty' }, `本期各${o.unit}均无到期节点，暂不排名。`),
	    apart.length ? h('p', { class: 'apart' }, h('strong', {}, '本期无到期事项（不参加排名）：'),
		apart.map((x, i) => [i ? '、' : '', o.name(x), `（${o.tasks} ${fmtNum(x.tasks)} 项）`])) : null,
	    rule ? h('p', { class: 'muted small rule' }, `排名规则：${rule}`) : null);
}

function officesPanel(ov) {
	const officeA = (o) => h('a', { href: `index.html${query({ plan: state.plan, office: o.name })}#tasks-h`,
	    'data-office': o.name, onclick: officeLink }, o.name);
	return rankingPanel(ov.offices || [], ov.ranking_rule, {
		id: 'off-h', title: '处室排名', unit: '处室', tasks: '牵头任务', name: officeA,
		sub: '按到期节点的完成率、按时完成率排序，并列者名次相同', caption: '各牵头处室的任务与节点',
	});
}

// 县（市）区排名: only when the chosen plans have county copies (上级督办下级).
function countiesPanel(ov) {
	if (!Array.isArray(ov.counties))
		return null;
	return rankingPanel(ov.counties, ov.county_ranking_rule, {
		id: 'cty-h', title: '县（市）区排名', unit: '县（市）区', tasks: '承担任务', name: (c) => c.name,
		sub: '各县（市）区承担的上级任务，按到期节点的完成率、按时完成率排序，并列者名次相同',
		caption: '各县（市）区承担的上级任务与节点',
	});
}

// An average with what it is over: "80%（已填报 4/18）"; "—" with nothing to
// average.  Unreported targets count in neither the average nor 滞后.
function average(avg, reported, of) {
	if (of === undefined || of === null)
		return pct(avg);
	if (!of)
		return '—';
	return `${avg === null || avg === undefined ? '—' : pct(avg)}（已填报 ${fmtNum(reported)}/${fmtNum(of)}）`;
}

function officeLink(ev) {
	ev.preventDefault();
	state.office = ev.currentTarget.dataset.office;
	const sel = $('#tasks-panel select[name="office"]');
	if (sel) {
		sel.value = state.office;
		if (sel.value !== state.office) {
			sel.append(h('option', { value: state.office }, state.office));
			sel.value = state.office;
		}
	}
	applyFilters();
	$('#tasks-h').scrollIntoView();
	$('#tasks-h').focus();
}

// ---------------------------------------------------------------- tasks

function inWindow(t, today) {
	if (!state.due)
		return true;
	if (state.due === 'overdue')
		return t.status === 'overdue' || (t.milestones && t.milestones.overdue > 0);
	if (t.status === 'done' || !t.deadline)
		return false;
	const d = t.deadline;
	if (state.due === 'month')
		return d.slice(0, 7) === today.slice(0, 7) && d >= today;
	if (state.due === '30d')
		return d >= today && d <= addDays(today, 30);
	if (state.due === 'quarter')
		return quarterOf(d) === quarterOf(today) && d >= today;
	return true;
}

function matches(t, today) {
	if (state.office && t.lead_office !== state.office && !(t.responsible || []).includes(state.office))
		return false;
	if (state.status && t.status !== state.status)
		return false;
	return inWindow(t, today);
}

// A task's row; its pace (avg_completion against time_elapsed, and the
// bar's completion_state) is the server's, over the targets it has
// reported (已填报 targets_reported/targets_measured).
function pace(t) {
	const avg = t.avg_completion === undefined ? null : t.avg_completion;
	const share = t.time_elapsed === undefined ? null : t.time_elapsed;
	const reported = h('span', { class: 'tg-filled' }, `已填报 ${fmtNum(t.targets_reported)}/${fmtNum(t.targets_measured)}`);
	if (!t.targets_measured)
		return h('span', { class: 'muted' }, '无量化指标');
	if (avg === null)
		return [badge('unreported', word('target_state', 'unreported')), reported];
	return [h('div', { class: 'mini-bar' }, progressBar(avg, share, t.completion_state, ''), h('span', {}, pct(avg, 0))),
	    reported];
}

function taskRow(t, ov) {
	const ms = t.milestones || {};
	const lu = t.last_update;
	const plan = ov.plans.length > 1 ? ov.plans.find((p) => p.key === t.plan) : null;
	return h('tr', { class: t.depth > 0 ? 'sub-task' : null },
	    td('任务', [
		h('a', { href: `task.html?id=${t.id}`, class: 'task-title' }, `${t.label} ${t.title}`),
		plan ? h('div', { class: 'small muted' }, plan.title) : null], 'card-title'),
	    td('牵头处室', t.lead_office || h('span', { class: 'muted' }, word('task_status', 'unassigned'))),
	    td('完成时限', t.deadline || '—', 'nowrap'),
	    td('状态', [h('div', { class: 'lights' }, lightBadges(t)),
		statusBadge(t.unassigned ? t.progress_status : t.status)]),
	    td('指标进度', pace(t)),
	    td('节点', [`完成 ${fmtNum(ms.done)}/${fmtNum(ms.total)}`,
		ms.overdue > 0 ? h('div', { class: 'od' }, `逾期 ${ms.overdue} 个`) : null]),
	    td('最近更新', lu ? [h('div', {}, `${lu.on || fmtTime(lu.at).slice(0, 10)} ${lu.by || ''}`),
		lu.note ? h('div', { class: 'cell-note' }, lu.note) : null] :
		h('span', { class: 'muted' }, '本期尚无更新')));
}

function renderTasks() {
	const ov = overview;
	const today = session.today;
	const shown = ov.tasks.filter((t) => matches(t, today));
	const body = $('#tasks-body');
	clear(body);
	if (shown.length === 0)
		body.append(h('tr', {}, h('td', { colspan: 7, class: 'empty' }, '没有符合条件的任务。')));
	else
		body.append(...shown.map((t) => taskRow(t, ov)));
	$('#tasks-count').textContent = shown.length === ov.tasks.length ?
	    `共 ${ov.tasks.length} 项任务` : `共 ${ov.tasks.length} 项任务，符合条件 ${shown.length} 项`;
	$('#tasks-reset').hidden = !(state.office || state.status || state.due);
}

function applyFilters() {
	writeUrl();
	renderTasks();
}

function tasksPanel(ov) {
	const offices = new Set();
	for (const t of ov.tasks) {
		if (t.lead_office)
			offices.add(t.lead_office);
		for (const r of t.responsible || [])
			offices.add(r);
	}
	const officeNames = [...offices].sort((a, b) => a.localeCompare(b, 'zh-CN'));
	const onchange = (ev) => {
		state[ev.target.name] = ev.target.value;
		applyFilters();
	};
	const cols = ['任务', '牵头处室', '完成时限', '状态', '指标进度', '节点', '最近更新'].map((label) => ({ label }));
	return h('section', { class: 'panel', id: 'tasks-panel', 'aria-labelledby': 'tasks-h' },
	    h('div', { class: 'panel-head' },
		h('h2', { id: 'tasks-h', tabindex: '-1' }, '任务'),
		h('p', { id: 'tasks-count', class: 'result-count', role: 'status' })),
	    h('form', { class: 'filters', role: 'search', 'aria-label': '筛选任务', onsubmit: (e) => e.preventDefault() },
		selectField('处室（牵头或负责）', 'office', [['', '全部处室'], ...officeNames.map((n) => [n, n])],
		    state.office, onchange),
		selectField('状态', 'status', [['', '全部状态'], ...words('task_status')],
		    state.status, onchange),
		selectField('期限', 'due', Object.entries(DUE), state.due, onchange),
		h('div', { class: 'actions' },
		    h('button', { type: 'button', class: 'btn secondary', id: 'tasks-reset', onclick: () => {
			    state.office = state.status = state.due = '';
			    for (const s of document.querySelectorAll('#tasks-panel select'))
				    s.value = '';
			    applyFilters();
			    $('#tasks-panel select').focus();
		    } }, '清除筛选'))),
	    table(cols, h('tbody', { id: 'tasks-body' }), { className: 'stack tasks', caption: '任务列表' }));
}

// The years the working-day calendar lacks (today's, from 1 December
// next year's, the shown plans'): their reminders count weekends only.
function calendarPanel(ov) {
	const missing = ov.calendar_missing || [];
	if (missing.length === 0)
		return null;
	return h('section', { class: 'alert', id: 'calendar-missing', 'aria-labelledby': 'cal-h' },
	    h('h2', { id: 'cal-h' }, '工作日历缺少节假日安排'),
	    missing.map((m) => h('p', {}, m.warning)));
}

// ---------------------------------------------------------------- page

async function load() {
	const body = $('#ov-body');
	body.setAttribute('aria-busy', 'true');
	try {
		overview = await api(`/api/v1/overview${query({ plan: state.plan })}`);
	} catch (e) {
		clear(body).append(h('div', { class: 'alert', role: 'alert' }, `无法加载总览：${e.message}`));
		return;
	} finally {
		body.removeAttribute('aria-busy');
	}
	overview.plans = overview.plans || [];
	overview.tasks = overview.tasks || [];
	$('#page-sub').textContent = overview.quarter_label ?
	    `${overview.quarter_label} · 数据截至 ${overview.as_of}` : `数据截至 ${overview.as_of || session.today}`;
	clear(body);
	const calendar = calendarPanel(overview);
	if (calendar)
		body.append(calendar);
	if (overview.tasks.length === 0 && overview.plans.length === 0) {
		body.append(h('p', { class: 'empty' }, '还没有导入任何计划。'));
		return;
	}
	body.append(tiles(overview.summary || {}, overview.lights_rule), plansPanel(overview), supervisePanel(overview),
	    tasksPanel(overview), officesPanel(overview));
	const counties = countiesPanel(overview);
	if (counties)
		body.append(counties);
	renderTasks();
}

async function main() {
	session = await boot();
	readUrl();
	try {
		planList = await api('/api/v1/plans');
	} catch (e) {
		showFatal(e);
		return;
	}
	const app = clear($('#app'));
	const planSel = selectField('计划', 'plan', [['', `全部计划（${planList.length}）`],
	    ...planList.map((p) => [p.key, `${p.title}${p.year ? `（${p.year}）` : ''}`])], state.plan, async (ev) => {
		state.plan = ev.target.value;
		writeUrl();
		await load();
	});
	planSel.classList.add('plan-pick');
	app.append(h('form', { class: 'panel filters-top', role: 'search', 'aria-label': '选择计划',
	    onsubmit: (e) => e.preventDefault() }, planSel,
	    h('p', { class: 'hint' }, '选择计划后，汇总、需督办、任务和处室排名都只统计该计划；统计口径为本季度。')),
	    h('div', { id: 'ov-body' }));
	await load();
}

main();
