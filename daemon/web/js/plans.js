// 计划导入: the general office uploads a plan file (YAML, or the
// 任务分解表 in XLSX) and sees what loading it would change before
// anything changes: new, changed and withdrawn tasks, targets and
// milestones with what has been reported against them, and the offices
// that would appear.  确认导入 sends the same file with the preview's
// digest (duband loads it only if the changes are still those shown);
// 取消 sends nothing.  A document (DOCX or text) can be drafted into a
// plan first: the draft is edited here, then previewed and loaded the
// same way.  Problems are listed at their FILE:LINE:COLUMN or cell.
import {
	api, boot, h, clear, $, td, table, badge, showFatal, newId, problemText, fmtNum,
} from './common.js';

const OPS = { new: '新增', withdrawn: '撤销', restored: '恢复', changed: '修改' };
const WHATS = { plan: '计划', task: '任务', target: '指标', milestone: '节点' };

let pending = null;	// { file, name, preview } awaiting 确认导入 or 取消

function value(v) {
	if (v === null || v === undefined || v === '')
		return h('span', { class: 'muted' }, '（空）');
	return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

// What has been reported against an item, in words.
function reported(r) {
	if (!r)
		return '—';
	if (r.current !== undefined)
		return `已报 ${fmtNum(r.current)} ${r.unit || ''}`.trim();
	if (r.entries !== undefined)
		return `已有进度 ${r.entries} 条`;
	if (r.status !== undefined)
		return '节点已填报';
	return '—';
}

// A new item's gist: a task's deadline, a target's value.
function gist(x) {
	const f = x.new || {};
	if (x.what === 'task')
		return f.deadline ? `完成时限 ${f.deadline}` : '';
	if (x.what === 'target')
		return `${f.value ?? ''} ${f.unit ?? ''}`.trim();
	if (x.what === 'milestone')
		return f.due_on ? `完成时限 ${f.due_on}` : '';
	return '';
}

function errorsPanel(e, name) {
	const p = e.problem || {};
	const list = Array.isArray(p.errors) ? p.errors : [];
	return h('section', { class: 'panel alert', role: 'alert', 'aria-labelledby': 'err-h', id: 'plan-errors' },
	    h('h2', { id: 'err-h' }, `${name}：${p.title || '无法预览'}`),
	    list.length === 0 ? h('p', {}, problemText(e)) :
		h('ul', { class: 'errors' }, list.map((x) => h('li', {},
		    h('code', {}, x.where), '：', x.message))),
	    h('p', { class: 'small' }, '计划未导入，数据库未作任何修改。请修改文件后重新上传。'));
}

function summary(pv) {
	const c = pv.counts;
	const parts = [`新增任务 ${c.new} 项`, `撤销 ${c.withdrawn} 项`];
	if (c.restored)
		parts.push(`恢复 ${c.restored} 项`);
	parts.push(`修改 ${c.changed} 处`, `新建处室 ${c.offices} 个`);
	return parts.join('，');
}

function previewPanel(pv, name) {
	const plans = pv.plans.map((p) => `${p.title}（${p.key}${p.created ? '，新计划' : ''}）`).join('；');
	const cols = ['变化', '任务', '对象', '项目', '原值', '新值', '已报进度'].map((label) => ({ label }));
	const rows = pv.items.map((x) => h('tr', { class: `op-${x.op}` },
	    td('变化', badge(x.op === 'withdrawn' ? 'overdue' : x.op === 'new' ? 'done' : 'pending',
		`${OPS[x.op] || x.op}${WHATS[x.what] || x.what}`), 'nowrap'),
	    td('任务', x.label || '—', 'nowrap'),
	    td('对象', x.title || '—'),
	    td('项目', x.op === 'changed' ? x.field_label : '—'),
	    td('原值', x.op === 'changed' ? value(x.old) : '—'),
	    td('新值', x.op === 'changed' ? value(x.new) : x.op === 'new' ? gist(x) || '—' : '—'),
	    td('已报进度', reported(x.reported))));
	const none = pv.items.length === 0 && pv.offices.length === 0 && !pv.plans.some((p) => p.created);
	const msg = h('p', { class: 'form-msg', role: 'status', id: 'apply-msg' });
	return h('section', { class: 'panel', 'aria-labelledby': 'pv-h', id: 'preview' },
	    h('h2', { id: 'pv-h', tabindex: '-1' }, `导入预览：${name}`),
	    h('p', {}, plans),
	    none ? h('p', { class: 'empty' }, '与已导入的计划完全相同，导入不会有任何变化。') :
		h('p', { id: 'pv-summary' }, `导入后：${summary(pv)}。以下变化尚未写入，确认后一并导入；取消则不作任何修改。`),
	    pv.warnings && pv.warnings.length ? h('div', { id: 'pv-warnings' },
		h('h3', {}, '请注意'),
		h('p', { class: 'hint' }, '以下提示不妨碍导入，但可能是文件写错了，请核对。'),
		h('ul', { class: 'errors' }, pv.warnings.map((w) => h('li', {}, h('code', {}, w.where), '：', w.message)))) : null,
	    pv.items.length ? table(cols, rows, { className: 'stack preview', caption: '导入将发生的变化' }) : null,
	    pv.offices.length ? h('div', {},
		h('h3', {}, '将新建的处室'),
		h('p', { class: 'hint' }, '计划文件中出现、系统中尚无的处室。若是错别字或两个处室写在了一起，请修改文件后重新上传。'),
		h('ul', { id: 'pv-offices' }, pv.offices.map((o) => h('li', {}, `${o.name}（${o.org}）`)))) : null,
	    h('div', { class: 'actions' },
		none ? null : h('button', { type: 'button', class: 'btn', id: 'apply' }, '确认导入'),
		h('button', { type: 'button', class: 'btn secondary', id: 'cancel' }, none ? '关闭' : '取消')),
	    msg);
}

function show(el) {
	const out = $('#outcome');
	clear(out);
	if (el)
		out.append(el);
}

async function preview(file, name) {
	const btn = $('#preview-btn');
	btn.disabled = true;
	show(h('p', { class: 'loading', role: 'status' }, `正在检查 ${name}…`));
	try {
		const pv = await api(`/api/v1/plans/preview?name=${encodeURIComponent(name)}`, { method: 'POST', raw: file });
		pending = { file, name, preview: pv };
		show(previewPanel(pv, name));
		$('#cancel').addEventListener('click', cancel);
		const apply = $('#apply');
		if (apply)
			apply.addEventListener('click', confirm);
		$('#pv-h').focus?.();
	} catch (e) {
		pending = null;
		show(errorsPanel(e, name));
	} finally {
		btn.disabled = false;
	}
}

function cancel() {
	pending = null;
	show(h('p', { class: 'form-msg', role: 'status' }, '已取消，未作任何修改。'));
	$('#plan-file').focus();
}

async function confirm() {
	const p = pending;
	const btn = $('#apply');
	const msg = $('#apply-msg');
	btn.disabled = true;
	msg.textContent = '正在导入…';
	try {
		const done = await api(`/api/v1/plans/load?name=${encodeURIComponent(p.name)}&digest=${encodeURIComponent(p.preview.digest)}`,
		    { method: 'POST', raw: p.file });
		pending = null;
		show(h('div', { class: 'panel', role: 'status', id: 'applied' },
		    h('h2', {}, `已导入：${p.name}`),
		    h('p', {}, `${summary(done)}。各项变化已记入进度历史。`),
		    h('p', {}, h('a', { href: 'index.html' }, '到总览查看'))));
	} catch (e) {
		btn.disabled = false;
		msg.textContent = e.status === 409 ?
		    '预览之后计划已有变化（他人刚导入或修改），请重新预览后再确认。' : problemText(e);
		msg.setAttribute('role', 'alert');
	}
}

function uploadPanel() {
	const fid = 'plan-file';
	const hint = newId('hint');
	const form = h('form', { class: 'upload', id: 'upload-form' },
	    h('div', { class: 'field' },
		h('label', { for: fid }, '计划文件'),
		h('p', { class: 'hint', id: hint }, 'YAML 计划文件，或按模板填写的任务分解表（XLSX）。上传后先显示将发生的变化，确认后才导入。'),
		h('input', { type: 'file', id: fid, name: 'file', accept: '.yaml,.yml,.xlsx', 'aria-describedby': hint, required: true })),
	    h('div', { class: 'actions' },
		h('button', { type: 'submit', class: 'btn', id: 'preview-btn' }, '预览'),
		h('a', { class: 'btn secondary', href: '/api/v1/plans/template.xlsx', download: '任务分解表模板.xlsx' }, '下载任务分解表模板')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const f = $(`#${fid}`).files[0];
		if (f)
			preview(f, f.name);
	});
	return h('section', { class: 'panel', 'aria-labelledby': 'up-h' }, h('h2', { id: 'up-h' }, '导入计划文件'), form);
}

// ---------------------------------------------------------------- draft

function draftPanel() {
	const fid = 'doc-file';
	const hint = newId('hint');
	const out = h('div', { id: 'draft-out' });
	const form = h('form', { class: 'upload', id: 'draft-form' },
	    h('div', { class: 'field' },
		h('label', { for: fid }, '印发的文件'),
		h('p', { class: 'hint', id: hint }, '工作方案、工作要点等文件（DOCX 或纯文本）。系统据其编号、工作目标、指标、完成时限和责任处室起草计划，拿不准之处标“待核对”。'),
		h('input', { type: 'file', id: fid, name: 'doc', accept: '.docx,.txt', 'aria-describedby': hint, required: true })),
	    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn secondary', id: 'draft-btn' }, '起草')));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const f = $(`#${fid}`).files[0];
		if (!f)
			return;
		const btn = $('#draft-btn');
		btn.disabled = true;
		clear(out);
		out.append(h('p', { class: 'loading', role: 'status' }, `正在起草 ${f.name}…`));
		try {
			const d = await api(`/api/v1/plans/draft?name=${encodeURIComponent(f.name)}`, { method: 'POST', raw: f });
			clear(out);
			out.append(draftEditor(d, f.name));
		} catch (e) {
			clear(out);
			out.append(h('p', { class: 'form-error', role: 'alert' }, problemText(e)));
		} finally {
			btn.disabled = false;
		}
	});
	return h('section', { class: 'panel', 'aria-labelledby': 'dr-h' },
	    h('h2', { id: 'dr-h' }, '从文件起草'), form, out);
}

function draftEditor(d, docName) {
	const name = docName.replace(/\.[^.]*$/, '') + '.yaml';
	const ta = h('textarea', { id: 'draft-yaml', class: 'code', rows: 24, spellcheck: 'false', wrap: 'off' });
	ta.value = d.yaml;
	const dl = h('button', { type: 'button', class: 'btn secondary' }, '下载草稿');
	dl.addEventListener('click', () => {
		const a = h('a', { href: URL.createObjectURL(new Blob([ta.value], { type: 'application/yaml' })), download: name });
		document.body.append(a);
		a.click();
		a.remove();
	});
	const pv = h('button', { type: 'button', class: 'btn', id: 'draft-preview' }, '预览这份草稿');
	pv.addEventListener('click', () => preview(new Blob([ta.value], { type: 'application/yaml' }), name));
	return h('div', { class: 'field' },
	    h('label', { for: 'draft-yaml' }, `计划草稿：${name}`),
	    h('p', { class: 'hint' }, d.checks ?
		`有 ${d.checks} 处标有“# 待核对：”，请逐一核对修改后再预览。` : '请核对草稿后再预览。'),
	    ta, h('div', { class: 'actions' }, pv, dl));
}

async function main() {
	const session = await boot();
	const app = $('#app');
	clear(app);
	if (session.role !== 'general') {
		showFatal({ status: 403, problem: { detail: '计划由局办公室导入。' } });
		return;
	}
	app.append(uploadPanel(), h('div', { id: 'outcome', 'aria-live': 'polite' }), draftPanel());
}

main().catch(showFatal);
