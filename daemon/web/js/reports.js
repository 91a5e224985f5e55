// 报告: the quarterly inspection report for the chosen plans and quarter,
// shown in a frame, and as files to download.
import {
	api, boot, h, clear, $, query, showFatal, quarterOf, quarterLabel, newId,
} from './common.js';

const FORMATS = [
	['xlsx', null, 'Excel 表格（XLSX）'],
	['csv', 'tasks', 'CSV：任务'],
	['csv', 'targets', 'CSV：指标'],
	['csv', 'offices', 'CSV：处室'],
	['csv', 'supervise', 'CSV：需督办事项'],
	['md', null, 'Markdown'],
	['json', null, 'JSON 数据'],
];

function quarters(firstYear, today) {
	const last = quarterOf(today);
	const out = [];
	for (let y = Number(last.slice(0, 4)); y >= firstYear; y--)
		for (let q = 4; q >= 1; q--)
			if (`${y}Q${q}` <= last)
				out.push(`${y}Q${q}`);
	return out;
}

// The quarter the page opens on: in a quarter's first month the one just
// ended (on 10 October, Q3: its report is the one being written), else
// the current one.
function defaultQuarter(qs, today) {
	const month = Number(today.slice(5, 7));
	if ((month - 1) % 3 === 0 && qs.length > 1)
		return qs[1];
	return qs[0];
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
	if (plans.length === 0) {
		app.append(h('p', { class: 'empty' }, '还没有导入任何计划。'));
		return;
	}
	const url = new URLSearchParams(location.search);
	const keys = plans.map((p) => p.key);
	let chosen = url.getAll('plan').filter((k) => keys.includes(k));
	if (chosen.length === 0)
		chosen = keys;
	const qs = quarters(Math.min(...plans.map((p) => p.year || Number(session.today.slice(0, 4)))), session.today);
	let quarter = url.get('quarter');
	if (!qs.includes(quarter))
		quarter = defaultQuarter(qs, session.today);

	const qId = newId('quarter');
	const planErr = h('p', { class: 'field-error', id: 'plans-err', hidden: true });
	const form = h('form', { class: 'panel', novalidate: true, 'aria-label': '选择报告范围' },
	    h('fieldset', { class: 'field' }, h('legend', {}, '计划'),
		h('div', { class: 'checks' }, plans.map((p) => h('label', {},
		    h('input', { type: 'checkbox', name: 'plan', value: p.key, checked: chosen.includes(p.key) }),
		    `${p.title}（${p.year}）`))), planErr),
	    h('div', { class: 'row' },
		h('div', { class: 'field narrow' }, h('label', { for: qId }, '季度'),
		    h('select', { id: qId, name: 'quarter' }, qs.map((q) => h('option', { value: q },
			`${quarterLabel(q)}${q === quarterOf(session.today) ? '（本季度，截至今天）' : ''}`))))),
	    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, '查看报告')));
	form.elements.quarter.value = quarter;

	const preview = h('section', { class: 'panel', 'aria-labelledby': 'preview-h' });
	app.append(form, preview);

	function show() {
		const base = { plan: chosen, quarter };
		const src = (format, view) => `/api/v1/reports/quarterly${query({ ...base, format, view })}`;
		history.replaceState(null, '', `reports.html${query(base)}`);
		const status = h('p', { class: 'muted small', role: 'status' }, '正在生成报告…');
		const frame = h('iframe', { class: 'report-frame', src: src('html'), title: `${quarterLabel(quarter)}督查报告` });
		frame.addEventListener('load', () => {
			const doc = frame.contentDocument;
			if (doc && doc.contentType && doc.contentType.includes('json')) {
				let p = {};
				try {
					p = JSON.parse(doc.body.textContent);
				} catch {
					// not JSON after all: shown as it is
				}
				status.className = 'form-error';
				status.textContent = `无法生成报告：${p.title || ''}${p.detail ? `：${p.detail}` : ''}`;
				frame.hidden = true;
			} else
				status.textContent = '报告已生成。';
		});
		clear(preview).append(
		    h('div', { class: 'panel-head' },
			h('h2', { id: 'preview-h' }, `${quarterLabel(quarter)}督查报告`),
			h('a', { href: src('html'), target: '_blank', rel: 'noopener' }, '在新窗口打开（便于打印）')),
		    h('h3', { class: 'small', id: 'dl-h' }, '下载'),
		    h('ul', { class: 'downloads', 'aria-labelledby': 'dl-h' }, FORMATS.map(([format, view, label]) =>
			h('li', {}, h('a', { class: 'btn secondary', href: src(format, view), download: '' }, label)))),
		    status, frame);
	}

	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		chosen = [...form.querySelectorAll('input[name="plan"]:checked')].map((x) => x.value);
		quarter = form.elements.quarter.value;
		const boxes = form.querySelectorAll('input[name="plan"]');
		planErr.hidden = chosen.length > 0;
		for (const b of boxes)
			if (chosen.length)
				b.removeAttribute('aria-invalid');
			else {
				b.setAttribute('aria-invalid', 'true');
				b.setAttribute('aria-describedby', 'plans-err');
			}
		if (chosen.length === 0) {
			planErr.textContent = '请至少选择一个计划';
			boxes[0].focus();
			return;
		}
		show();
	});
	$('#page-sub').textContent = '按季度汇总各计划的完成情况、处室排名和需督办事项';
	show();
}

main();
