// 考核: each office's year-end score as of a day (GET /api/v1/assess):
// the table of totals with ranks, each office's lines (which event,
// which rule, how many points), the 考核表 to download, and for the
// general office the 领导评价 form (POST /api/v1/assess/grades).
import {
	api, boot, h, clear, $, query, showFatal, newId, table, td, scrollRegion, fmtNum,
	problemText,
} from './common.js';

function officeId(name) {
	return `office-${encodeURIComponent(name).replace(/%/g, '')}`;
}

function totals(r) {
	const cols = [{ label: '排名' }, { label: '处室' }]
	    .concat(r.columns.map((c) => ({ label: c.label, class: 'num' })), [{ label: '总分', class: 'num' }]);
	const rows = r.offices.map((o) => h('tr', {},
	    td('排名', String(o.rank), 'num'),
	    td('处室', h('a', { href: `#${officeId(o.office)}` }, o.office)),
	    r.columns.map((c) => td(c.label, fmtNum(o.subtotals[c.rule] ?? 0), 'num')),
	    td('总分', h('strong', {}, fmtNum(o.total)), 'num')));
	return h('section', { 'aria-labelledby': 'totals-h' },
	    h('h2', { id: 'totals-h' }, '考核汇总'),
	    scrollRegion('考核汇总表', table(cols, rows, { caption: '各处室得分与排名' })),
	    h('p', { class: 'note' }, '总分为各项之和；排名按总分从高到低，总分相同者名次相同。'));
}

function lines(r) {
	const by = new Map();
	for (const l of r.lines) {
		if (!by.has(l.office))
			by.set(l.office, []);
		by.get(l.office).push(l);
	}
	const cols = [{ label: '规则' }, { label: '任务' }, { label: '事项' }, { label: '日期' },
	    { label: '分值', class: 'num' }, { label: '说明' }];
	const out = [];
	for (const [office, ls] of by) {
		const hid = newId('lines');
		out.push(h('section', { id: officeId(office), 'aria-labelledby': hid, class: 'panel' },
		    h('h3', { id: hid }, `${office}评分明细`),
		    scrollRegion(`${office}评分明细`, table(cols, ls.map((l) => h('tr', {},
			td('规则', l.rule_label),
			td('任务', l.task ? `${l.task} ${l.task_title || ''}` : '—'),
			td('事项', l.item || '—'),
			td('日期', l.on || '—'),
			td('分值', fmtNum(l.points), 'num'),
			td('说明', l.detail || ''))), { caption: `${office}各项得分` }))));
	}
	return h('section', { 'aria-labelledby': 'lines-h' },
	    h('h2', { id: 'lines-h' }, '评分明细'),
	    out.length ? out : h('p', { class: 'empty' }, '没有评分明细。'));
}

function gradeForm(r, reload) {
	const oId = newId('office'), pId = newId('points'), nId = newId('note');
	const msg = h('p', { class: 'field-error', role: 'alert', hidden: true });
	const max = r.rules.rules.leader_evaluation.max;
	const form = h('form', { class: 'panel', novalidate: true, 'aria-labelledby': 'grade-h' },
	    h('h2', { id: 'grade-h' }, '录入领导评价'),
	    h('div', { class: 'row' },
		h('div', { class: 'field' }, h('label', { for: oId }, '处室'),
		    h('select', { id: oId, name: 'office', required: true },
			r.offices.map((o) => h('option', { value: o.office }, o.office)))),
		h('div', { class: 'field narrow' }, h('label', { for: pId }, `分值（0–${max}）`),
		    h('input', { id: pId, name: 'points', type: 'number', min: '0', max, step: '0.01', required: true })),
		h('div', { class: 'field' }, h('label', { for: nId }, '评价说明'),
		    h('input', { id: nId, name: 'note', type: 'text', maxlength: '2000' }))),
	    msg,
	    h('button', { type: 'submit', class: 'btn' }, '录入'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		msg.hidden = true;
		const body = { year: r.year, office: form.office.value, points: Number(form.points.value) };
		if (form.note.value.trim())
			body.note = form.note.value.trim();
		try {
			await api('/api/v1/assess/grades', { method: 'POST', body });
			reload();
		} catch (e) {
			msg.textContent = problemText(e);
			msg.hidden = false;
		}
	});
	return form;
}

async function main() {
	const session = await boot();
	const app = clear($('#app'));
	let plans;
	try {
		plans = await api('/api/v1/plans');
	} catch (e) {
		showFatal(e);
		return;
	}
	const years = [...new Set(plans.map((p) => p.year))].sort((a, b) => b - a);
	if (years.length === 0) {
		app.append(h('p', { class: 'empty' }, '还没有导入任何计划。'));
		return;
	}
	const url = new URLSearchParams(location.search);
	const year = years.includes(Number(url.get('year'))) ? Number(url.get('year')) : years[0];
	const asOf = /^\d{4}-\d{2}-\d{2}$/.test(url.get('as_of') || '') ? url.get('as_of') : '';

	const yId = newId('year'), dId = newId('as-of');
	const form = h('form', { class: 'panel', 'aria-label': '选择考核年度和时点' },
	    h('div', { class: 'row' },
		h('div', { class: 'field narrow' }, h('label', { for: yId }, '考核年度'),
		    h('select', { id: yId, name: 'year' }, years.map((y) =>
			h('option', { value: String(y), selected: y === year }, `${y}年`)))),
		h('div', { class: 'field narrow' }, h('label', { for: dId }, '考核时点（不填为现在）'),
		    h('input', { id: dId, name: 'as_of', type: 'date', value: asOf }))),
	    h('button', { type: 'submit', class: 'btn' }, '查看'));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const q = { year: form.year.value };
		if (form.as_of.value)
			q.as_of = form.as_of.value;
		location.search = query(q);
	});
	const out = h('div', { 'aria-live': 'polite' });
	app.append(form, out);

	const params = { year: String(year) };
	if (asOf)
		params.as_of = asOf;
	let r;
	try {
		r = await api(`/api/v1/assess${query(params)}`);
	} catch (e) {
		out.append(h('p', { class: 'field-error', role: 'alert' }, problemText(e)));
		return;
	}
	$('#page-sub').textContent = `${r.year}年度 · 截至 ${r.as_of} · 规则：${r.rules.title}`;
	out.append(h('p', { class: 'downloads' }, '下载：',
	    h('a', { href: `/api/v1/assess${query({ ...params, format: 'xlsx' })}`, download: '' }, '考核表（XLSX）'),
	    '　',
	    h('a', { href: `/api/v1/assess${query({ ...params, format: 'csv' })}`, download: '' }, '评分明细（CSV）')),
	    totals(r), lines(r));
	if (session.role === 'general')
		out.append(gradeForm(r, () => location.reload()));
}

main();
