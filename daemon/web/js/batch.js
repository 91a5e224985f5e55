// 表格填报 on 我的任务: the office's 填报表 (GET
// /api/v1/offices/{office}/report/rows), one row per target and milestone,
// edited in place like a spreadsheet (Enter moves down, Shift+Enter
// starts a new line in a text), saved as a whole with one PUT
// /api/v1/offices/{office}/report: all rows or none, each problem shown on
// its row and cell.  报送 is the same PUT with submit: true.  The 佐证 cell
// uploads and deletes each file at once (files.js), apart from the table's save.
import { api, h, clear, fmtNum, fmtRequired, word, words, problemText, refreshTodo } from './common.js';
import { filesBox } from './files.js';

const TEXTS = [['note', '完成情况'], ['outcome', '取得成效'], ['problems', '存在问题'],
	['next_steps', '下步措施']];

function enc(s) { return encodeURIComponent(s); }

// What a row shows in a field: the office's draft, else what was reported.
function shown(row, key) {
	if (row.draft && Object.hasOwn(row.draft, key))
		return row.draft[key];
	return row[key];
}

function goalText(row) {
	return row.kind === 'target' ? fmtRequired(row.goal) : `${row.goal.due_on} 前`;
}

function previousText(row) {
	if (row.kind === 'milestone')
		return row.previous ? word('milestone_status', row.previous) : '—';
	return row.previous === null || row.previous === undefined ? '未填报' : `${fmtNum(row.previous)}${row.unit || ''}`;
}

// A text area that grows with its lines.
function grow(t) {
	t.rows = Math.max(2, Math.min(12, t.value.split('\n').length + Math.floor(t.value.length / 30)));
}

export function batchView(session, office, { onChange } = {}) {
	const status = h('p', { class: 'form-msg', role: 'status' });
	const body = h('tbody');
	const save = h('button', { type: 'button', class: 'btn' }, '保存草稿');
	const submit = h('button', { type: 'button', class: 'btn secondary' }, '报送');
	const stateLine = h('p', { class: 'small muted batch-state' });
	const cols = ['任务', '指标', '目标', '上期', '截至本期', ...TEXTS.map((t) => t[1]), '佐证'];
	const tbl = h('table', { class: 'batch' },
	    h('caption', { class: 'sr-only' }, `${office}填报表`),
	    h('thead', {}, h('tr', {}, cols.map((c, i) => h('th', { scope: 'col', class: i === 1 ? 'name' : null }, c)))),
	    body);
	const section = h('section', { class: 'panel batch-view', 'aria-labelledby': 'batch-h' },
	    h('h2', { id: 'batch-h' }, '表格填报'),
	    h('p', { class: 'hint' }, '每个指标、节点一行。Tab 键移到右边一格，Enter 键移到下一行同一列（文本中 Shift+Enter 换行）；' +
		'改动过的行以底色标出。“保存草稿”一次保存整张表，任何一行有误则整张表都不保存。'),
	    stateLine,
	    h('p', { class: 'scroll-hint', 'aria-hidden': 'true' }, '← 左右滑动查看更多列 →'),
	    h('div', { class: 'table-wrap', role: 'region', 'aria-label': `${office}填报表`, tabindex: '0' }, tbl),
	    h('div', { class: 'actions' }, save, submit), status, excel());
	let table = null;
	let lines = [];		// {row, tr, inputs: {key: el}, original: {key: value}}

	const valueOf = (el, key) => {
		if (key === 'current') {
			const s = el.value.trim();
			if (s === '')
				return null;
			const n = Number(s.replace(/,/g, ''));
			return Number.isFinite(n) && /^[0-9.,]+$/.test(s) ? n : s;	// a text goes to the server, which names it
		}
		if (key === 'status')
			return el.value;
		return el.value === '' ? null : el.value;
	};
	const changedFields = (l) => Object.keys(l.inputs).filter((k) => {
		const v = valueOf(l.inputs[k], k);
		return String(v ?? '') !== String(l.original[k] ?? '');
	});
	const mark = (l) => l.tr.classList.toggle('changed', changedFields(l).length > 0);

	const move = (el, down) => {
		const col = el.dataset.col;
		const i = lines.findIndex((l) => l.tr.contains(el));
		for (let j = i + (down ? 1 : -1); j >= 0 && j < lines.length; j += down ? 1 : -1) {
			const next = lines[j].tr.querySelector(`[data-col="${col}"]`) ||
			    lines[j].tr.querySelector(col === 'current' ? '[data-col="status"]' : col === 'status' ? '[data-col="current"]' : null);
			if (next && !next.disabled) {
				next.focus();
				if (next.select)
					next.select();
				return;
			}
		}
	};
	const keys = (e) => {
		if (e.key !== 'Enter' || e.isComposing || e.altKey || e.ctrlKey || e.metaKey)
			return;
		if (e.target.tagName === 'TEXTAREA' && e.shiftKey)
			return;
		e.preventDefault();
		move(e.target, !e.shiftKey);
	};

	const line = (row, locked) => {
		const inputs = {}, original = {};
		const what = `${row.task.number} ${row.name}`;
		let cur;
		if (row.kind === 'target') {
			const v = shown(row, 'current');
			cur = h('input', { type: 'text', inputmode: 'decimal', 'data-col': 'current', class: 'num',
			    value: v === null || v === undefined ? '' : String(v), 'aria-label': `${what} 截至本期（${row.unit || ''}）` });
			inputs.current = cur;
			original.current = v;
		} else {
			cur = h('select', { 'data-col': 'status', 'aria-label': `${what} 截至本期状态` },
			    words('milestone_status').map(([c, w]) => h('option', { value: c }, w)));
			cur.value = shown(row, 'status');
			inputs.status = cur;
			original.status = cur.value;
		}
		const texts = TEXTS.map(([k, label]) => {
			const v = shown(row, k);
			const t = h('textarea', { 'data-col': k, rows: 2, 'aria-label': `${what} ${label}` });
			t.value = v || '';
			grow(t);
			inputs[k] = t;
			original[k] = v;
			return h('td', { 'data-field': k }, t);
		});
		// 佐证材料: uploaded at once, each file on its own (not with 保存草稿).
		const files = filesBox({ kind: row.kind, id: row.id, what, files: row.files || [],
		    canEdit: table.may_edit, compact: true, onChange: (list) => { row.files = list; } });
		const tr = h('tr', { 'data-kind': row.kind, 'data-id': row.id, class: row.draft ? 'drafted' : null },
		    h('td', { class: 'task' }, `${row.task.number} ${row.task.title}`),
		    h('th', { scope: 'row', class: 'name' }, row.name),
		    h('td', { class: 'goal' }, goalText(row)),
		    h('td', { class: 'prev' }, previousText(row)),
		    h('td', { 'data-field': row.kind === 'target' ? 'current' : 'status' }, cur),
		    texts,
		    h('td', { class: 'files' }, files));
		const l = { row, tr, inputs, original };
		for (const el of Object.values(inputs)) {
			el.disabled = locked || !table.may_edit;
			el.addEventListener('keydown', keys);
			el.addEventListener('input', () => {
				if (el.tagName === 'TEXTAREA')
					grow(el);
				clearError(el.closest('td'));
				mark(l);
			});
			el.addEventListener('change', () => mark(l));
		}
		return l;
	};

	const clearError = (td) => {
		if (!td)
			return;
		td.classList.remove('error');
		td.querySelector('.cell-error')?.remove();
		td.querySelector('[aria-invalid]')?.removeAttribute('aria-invalid');
	};

	const render = (t) => {
		table = t;
		const locked = t.rows.some((r) => r.locked);
		lines = [];
		clear(body);
		for (const row of t.rows) {
			const l = line(row, row.locked);
			lines.push(l);
			body.append(l.tr);
		}
		save.disabled = submit.disabled = !t.may_edit || locked;
		stateLine.textContent = [
			t.report ? `本处室报告：${t.report.state_label}` : null,
			locked ? '报告待处室负责人审核，暂不能修改。' : null,
			t.rows.some((r) => r.draft) ? `草稿 ${t.rows.filter((r) => r.draft).length} 项（仅本处室可见，报送后生效）` : null,
		].filter(Boolean).join('；');
		if (!t.rows.length)
			body.append(h('tr', {}, h('td', { colspan: cols.length, class: 'empty' }, `${office}没有需填报的指标或节点。`)));
	};

	const load = async () => {
		try {
			render(await api(`/api/v1/offices/${enc(office)}/report/rows`));
		} catch (e) {
			status.textContent = `无法加载填报表：${problemText(e)}`;
		}
	};

	const showErrors = (p) => {
		let first = null;
		for (const err of p.errors || []) {
			const l = sent[err.row - 1];
			if (!l)
				continue;
			const td = l.tr.querySelector(`td[data-field="${err.field}"]`) || l.tr.querySelector('td[data-field]');
			td.classList.add('error');
			const el = td.querySelector('input, select, textarea');
			el?.setAttribute('aria-invalid', 'true');
			const msg = h('p', { class: 'cell-error', id: `err-${l.row.kind}-${l.row.id}` }, err.detail || err.title);
			td.querySelector('.cell-error')?.remove();
			td.append(msg);
			el?.setAttribute('aria-describedby', msg.id);
			first = first || el || td;
		}
		if (first) {
			first.scrollIntoView({ block: 'center', inline: 'center' });
			first.focus?.();
		}
	};

	let sent = [];
	const put = async (withSubmit) => {
		for (const td of tbl.querySelectorAll('td.error'))
			clearError(td);
		sent = lines.filter((l) => changedFields(l).length > 0);
		const rows = sent.map((l) => {
			const r = { kind: l.row.kind, id: l.row.id, version: l.row.version };
			for (const k of changedFields(l))
				r[k] = valueOf(l.inputs[k], k);
			return r;
		});
		if (!rows.length && !withSubmit) {
			status.textContent = '没有改动。';
			return;
		}
		save.disabled = submit.disabled = true;
		status.textContent = withSubmit ? '正在报送…' : '正在保存…';
		try {
			const ans = await api(`/api/v1/offices/${enc(office)}/report`, {
				method: 'PUT', body: withSubmit ? { rows, submit: true } : { rows } });
			render(ans);
			status.textContent = withSubmit ?
			    `已报送：本处室报告${ans.report ? `“${ans.report.state_label}”` : ''}。` + (ans.report && ans.report.note ? ans.report.note : '') :
			    `已保存草稿 ${ans.saved} 项。`;
			refreshTodo();
			if (onChange)
				onChange();
		} catch (e) {
			save.disabled = submit.disabled = false;
			status.textContent = problemText(e);
			showErrors(e.problem || {});
		}
	};
	// 填报表 in Excel/WPS: download, fill offline, upload (docs/fill-format.md).
	function excel() {
		const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
		const msg = h('p', { class: 'form-msg', role: 'status', 'aria-live': 'polite' });
		const input = h('input', { type: 'file', id: 'fill-upload', accept: '.xlsx,' + xlsx });
		const fieldset = h('fieldset', { class: 'excel-fill' },
		    h('legend', {}, '离线填报（Excel/WPS）'),
		    h('p', { class: 'hint' }, '下载本处室填报表，在 Excel、WPS 或 LibreOffice 中填写后上传；' +
			'填报内容保存为草稿，仍需“报送”。锁定的列不能修改。'),
		    h('p', {}, h('a', { class: 'btn secondary', href: `/api/v1/offices/${enc(office)}/report.xlsx`,
			download: '' }, '下载填报表')),
		    h('label', { for: 'fill-upload' }, '上传填好的填报表：'), input, msg);
		input.addEventListener('change', async () => {
			const file = input.files && input.files[0];
			if (!file)
				return;
			msg.textContent = `正在上传“${file.name}”…`;
			try {
				const ans = await api(`/api/v1/offices/${enc(office)}/report.xlsx`, {
					method: 'POST', raw: file, contentType: xlsx });
				msg.textContent = `已读取“${file.name}”：${ans.changed} 行有改动，已保存为草稿 ${ans.saved} 项。`;
				await load();
				if (onChange)
					onChange();
			} catch (e) {
				const errs = (e.problem && e.problem.errors) || [];
				msg.textContent = problemText(e) + (errs.length ?
				    '：' + errs.slice(0, 10).map((x) => {
					const d = x.detail || x.title || '';
					return x.cell && !d.includes(x.cell) ? `${x.cell}：${d}` : d;
				}).join('；') : '');
			}
			input.value = '';
		});
		return fieldset;
	}
	save.addEventListener('click', () => put(false));
	submit.addEventListener('click', () => put(true));
	section.ready = load();
	return section;
}
