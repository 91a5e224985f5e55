// A task's targets and milestones, shown with their progress and, for
// those who may edit the task, an editor in place.  Shared by 任务详情 and
// 我的任务.  A save is a PATCH with If-Match; a stale one (409) shows the
// newer value and who changed it, and keeps what the clerk typed so that
// the edit can be applied again on top of it.  存在问题, 下步措施 and
// 需协调事项 sit in a collapsed 问题与协调 below 完成情况 and 取得成效 (open
// when they hold something, or when the milestone is 受阻, which needs
// 需协调事项).  A value the server asks about (422 naming current,
// confirmable) shows its message and a 确认填报值无误 box; ticked, the
// next save sends {"confirm": true}.
import {
	api, h, clear, td, table, badge, problemText, word, words, fmtNum, pct, fmtTime,
	fmtRequired, withUnit, progressBar, dayNum, lightBadge,
} from './common.js';
import { extensionBox } from './extension.js';
import { filesBox, entryFiles } from './files.js';

const text = (v) => (v === null || v === undefined || String(v).trim() === '' ? null : String(v));
const orNull = (v) => (v === undefined ? null : v);

// ---------------------------------------------------------------- display

// The texts beside 完成情况 and 取得成效, in the order they are shown.
const MORE = ['problems', 'next_steps', 'coordination'];

function texts(obj) {
	const rows = ['note', 'outcome', ...MORE].map((k) => [word('field', k), obj[k]])
	    .filter(([, v]) => text(v));
	if (obj.evidence_url)
		rows.push([word('field', 'evidence_url'), h('a', { href: obj.evidence_url, rel: 'noopener noreferrer', target: '_blank' },
		    obj.evidence_url)]);
	return rows.length ? h('dl', { class: 'texts' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, `${k}：`),
	    h('dd', {}, v)))) : null;
}

// A target as the server judges it on the task's day: its completion,
// the share of its time gone (time_elapsed) and its state against it.
// One with no value reported is 未填报: no completion, no bar, never 滞后.
function targetDisplay(g, level) {
	const share = g.time_elapsed === undefined ? null : g.time_elapsed;
	const state = g.state || 'unmeasured';
	const measured = state !== 'unmeasured' && state !== 'unreported';
	const done = measured ? Number(g.completion) : null;
	return [
		h('div', { class: 't-head' },
		    h(level, {}, g.name),
		    // Its light and 临期 where the server judged them (the task page).
		    h('span', { class: 't-light' }, targetLight(g)),
		    h('span', { class: 't-req' }, `${g.kind === 'rate' ? '标准' : '目标'}：${fmtRequired(g)}`,
			g.baseline !== null && g.baseline !== undefined ? `（基数 ${fmtNum(g.baseline)}${g.unit || ''}）` : '',
			g.deadline ? ` · 期限 ${g.deadline}` : '')),
		h('div', { class: 't-now' },
		    h('span', {}, '当前：', h('strong', {}, withUnit(g.current, g.unit))),
		    measured ? h('span', {}, `完成 ${pct(done)}`) : null,
		    measured && share !== null ? h('span', { class: 'muted' }, `时间进度 ${pct(share)}`) : null,
		    measured || state === 'unreported' ? badge(state, word('target_state', state)) :
			h('span', { class: 'muted small' }, `${g.kind === 'rate' ? '标准类指标，' : ''}${word('target_state', state)}`)),
		measured ? progressBar(done, share, state) : null,
		texts(g),
		g.current_at ? h('p', { class: 'meta-line' }, `完成值更新于 ${fmtTime(g.current_at)}`) : null,
	];
}

export function targetLight(g) {
	return [g.light ? lightBadge(g.light) : null, g.due_soon ? badge('due_soon', '临期') : null];
}

function overdueDays(m, today) {
	if (m.status === 'done' || !m.due_on || m.due_on >= today)
		return 0;
	return dayNum(today) - dayNum(m.due_on);
}

function milestoneDisplay(m, task, level) {
	const od = overdueDays(m, task.today);
	return [
		h('div', { class: 'ms-head' },
		    h('span', { class: 'ms-date' }, m.due_on || '—'),
		    h(level, {}, m.title),
		    badge(m.status, word('milestone_status', m.status)),
		    od > 0 ? h('span', { class: 'od' }, `已逾期 ${od} 天`) : null),
		h('p', { class: 'ms-form' },
		    m.due_form ? `期限：${m.due_form}` : '',
		    m.completed_on ? `${m.due_form ? ' · ' : ''}完成于 ${m.completed_on}` : ''),
		texts(m),
	];
}

// ---------------------------------------------------------------- editors

// A labelled control with room for its error message.
function control(prefix, key, label, input, hint) {
	const id = `${prefix}-${key}`;
	input.id = id;
	input.name = key;
	const err = h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
	const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
	if (hintEl)
		input.setAttribute('aria-describedby', hintEl.id);
	return { key, input, err, hintEl,
	    el: h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, input.wrap || input, err) };
}

function showValue(key, v, unit) {
	if (v === null || v === undefined || v === '')
		return key === 'current' ? word('target_state', 'unreported') : '（空）';
	if (key === 'status')
		return word('milestone_status', v);
	if (key === 'current')
		return `${fmtNum(v)}${unit || ''}`;
	return String(v);
}

// One editor form.  kind 'milestone' or 'target'; obj the item as last
// read; onSaved(newObj) after a successful write.
function editorForm(kind, obj, task, onSaved) {
	const prefix = `${kind[0]}${obj.id}`;
	const today = task.today;
	// The office's unsent draft of this item, if any: the form shows it,
	// and a save adds to it.
	const withDraft = (o, d) => (d ? { ...o, ...d.fields, version: o.version } : o);
	let draft = (task.drafts || []).find((x) =>
	    (kind === 'target' ? x.target_id : x.milestone_id) === obj.id) || null;
	let base = withDraft(obj, draft);
	const ctl = {};

	if (kind === 'milestone') {
		const status = h('select', {}, words('milestone_status').map(([v, t]) => h('option', { value: v }, t)));
		const date = h('input', { type: 'date', max: today });
		ctl.status = control(prefix, 'status', word('field', 'status'), status);
		ctl.completed_on = control(prefix, 'completed_on', word('field', 'completed_on'), date,
		    `状态为“${word('milestone_status', 'done')}”时必填，不能晚于今天`);
		ctl.note = control(prefix, 'note', word('field', 'note'), h('textarea', { rows: 3 }));
		ctl.outcome = control(prefix, 'outcome', word('field', 'outcome'), h('textarea', { rows: 3 }));
		ctl.evidence_url = control(prefix, 'evidence_url', `${word('field', 'evidence_url')}链接（可选）`,
		    h('input', { type: 'url', inputmode: 'url', placeholder: 'https://' }));
		status.addEventListener('change', () => {
			syncDate(true);
			syncBlocked();
		});
	} else {
		const num = h('input', { type: 'number', min: 0, step: 'any', inputmode: 'decimal' });
		num.wrap = h('div', { class: 'unit-input' }, num, obj.unit ? h('span', { 'aria-hidden': 'true' }, obj.unit) : null);
		ctl.current = control(prefix, 'current', `当前${word('field', 'current')}${obj.unit ? `（${obj.unit}）` : ''}`, num,
		    `${obj.kind === 'rate' ? '标准' : '目标'}：${fmtRequired(obj)}；留空表示尚未填报`);
		ctl.note = control(prefix, 'note', word('field', 'note'), h('textarea', { rows: 3 }));
		ctl.outcome = control(prefix, 'outcome', word('field', 'outcome'), h('textarea', { rows: 3 }));
	}
	for (const k of MORE)
		ctl[k] = control(prefix, k, word('field', k), h('textarea', { rows: 2 }),
		    k === 'coordination' && kind === 'milestone' ?
			`状态为“${word('milestone_status', 'blocked')}”时必填，将列入需督办事项` : null);
	const more = h('details', { class: 'more-texts' },
	    h('summary', {}, '问题与协调', h('span', { class: 'muted small' },
		`（${MORE.map((k) => word('field', k)).join('、')}）`)),
	    h('div', { class: 'pair' }, ctl.problems.el, ctl.next_steps.el), ctl.coordination.el);
	const keys = Object.keys(ctl);
	const needed = h('span', { class: 'req', hidden: true }, '（必填）');
	ctl.coordination.el.querySelector('label').append(needed);

	// 受阻 needs 需协调事项: marked required, and the group opened.
	function syncBlocked() {
		if (!ctl.status)
			return;
		const blocked = ctl.status.input.value === 'blocked';
		ctl.coordination.input.required = blocked;
		needed.hidden = !blocked;
		if (blocked)
			more.open = true;
	}

	// A value the server asked about: its message and a box to confirm.
	const confirmBox = h('input', { type: 'checkbox', id: `${prefix}-confirm`, name: 'confirm' });
	const confirmMsg = h('p', { id: `${prefix}-confirm-msg` });
	const confirmEl = h('div', { class: 'confirm', role: 'alert', hidden: true }, confirmMsg,
	    h('div', { class: 'checks' }, h('label', {}, confirmBox, '确认填报值无误')));
	confirmBox.setAttribute('aria-describedby', confirmMsg.id);
	const unconfirm = () => {
		confirmEl.hidden = true;
		confirmBox.checked = false;
	};

	// Completed-on belongs to 已完成 only: today by default, else empty.
	function syncDate(fromUser) {
		if (!ctl.completed_on)
			return;
		const d = ctl.completed_on.input;
		if (ctl.status.input.value === 'done') {
			d.disabled = false;
			d.required = true;
			if (fromUser && !d.value)
				d.value = today;
		} else {
			d.value = '';
			d.disabled = true;
			d.required = false;
		}
	}

	function get(key) {
		const el = ctl[key].input;
		if (key === 'current')
			return el.value === '' ? null : Number(el.value);
		if (key === 'status')
			return el.value;
		if (key === 'completed_on')
			return el.disabled || el.value === '' ? null : el.value;
		return text(el.value);
	}
	function set(key, v) {
		ctl[key].input.value = v === null || v === undefined ? '' : String(v);
	}
	const same = (key, a, b) => (key === 'current' ? (a === null ? b === null || b === undefined :
	    b !== null && b !== undefined && Number(a) === Number(b)) : orNull(a) === orNull(b));
	const edited = () => keys.filter((k) => !same(k, get(k), base[k]));

	const msg = h('span', { class: 'form-msg', role: 'status' });
	const formErr = h('p', { class: 'form-error', role: 'alert', hidden: true });
	const conflictBox = h('div', { class: 'conflict', role: 'alert', hidden: true });
	const save = h('button', { type: 'submit', class: 'btn' }, '保存');
	const draftNote = h('p', { class: 'draft-note' });
	const showDraft = () => {
		draftNote.hidden = !draft;
		draftNote.textContent = draft ? `草稿（${draft.saved_by}保存于 ${fmtTime(draft.saved_at)}）：` +
		    (draft.locked ? '已提交处室负责人审核，暂不能修改。' : '仅本处室可见，报送后生效。') : '';
	};
	showDraft();
	const form = h('form', { class: 'edit-form', novalidate: true, 'data-kind': kind, 'data-id': obj.id },
	    draftNote, conflictBox,
	    kind === 'milestone' ? [h('div', { class: 'row' }, ctl.status.el, ctl.completed_on.el),
		h('div', { class: 'pair' }, ctl.note.el, ctl.outcome.el), more, ctl.evidence_url.el] :
		[ctl.current.el, confirmEl, h('div', { class: 'pair' }, ctl.note.el, ctl.outcome.el), more],
	    h('div', { class: 'actions' }, save, msg),
	    formErr);

	function fill(o) {
		for (const k of keys)
			set(k, o[k]);
		syncDate(false);
		if (MORE.some((k) => text(o[k])))
			more.open = true;
		syncBlocked();
	}

	function clearErrors() {
		for (const k of keys) {
			const c = ctl[k];
			c.input.removeAttribute('aria-invalid');
			c.err.hidden = true;
			c.err.textContent = '';
			if (c.hintEl)
				c.input.setAttribute('aria-describedby', c.hintEl.id);
			else
				c.input.removeAttribute('aria-describedby');
		}
		formErr.hidden = true;
		formErr.textContent = '';
	}

	function fieldError(key, message) {
		const c = ctl[key];
		c.err.textContent = message;
		c.err.hidden = false;
		c.input.setAttribute('aria-invalid', 'true');
		c.input.setAttribute('aria-describedby', [c.err.id, c.hintEl && c.hintEl.id].filter(Boolean).join(' '));
		msg.textContent = '';
		msg.className = 'form-msg';
		if (MORE.includes(key))
			more.open = true;
		c.input.focus();
	}

	function body() {
		const b = {};
		for (const k of edited())
			b[k] = get(k);
		if (kind === 'milestone' && get('status') !== 'done')
			delete b.completed_on;
		if (kind === 'milestone' && get('status') === 'done' && 'status' in b && !('completed_on' in b))
			b.completed_on = get('completed_on');
		if (Object.keys(b).length && !confirmEl.hidden && confirmBox.checked)
			b.confirm = true;
		return b;
	}

	async function submit() {
		clearErrors();
		// What only the page can know: a number that is not one, a date missing.
		if (ctl.current && ctl.current.input.validity.badInput)
			return fieldError('current', '请填写数字，例如 8000 或 95.5');
		if (ctl.completed_on && get('status') === 'done' && !get('completed_on'))
			return fieldError('completed_on', `状态为“${word('milestone_status', 'done')}”时请填写完成日期`);
		const b = body();
		if (ctl.status && get('status') === 'blocked' && !get('coordination') &&
		    ('status' in b || 'coordination' in b))
			return fieldError('coordination', `节点标为${word('milestone_status', 'blocked')}时，请填写需协调事项`);
		if (!confirmEl.hidden && !confirmBox.checked && 'current' in b) {
			confirmBox.focus();
			return;
		}
		if (Object.keys(b).length === 0) {
			msg.className = 'form-msg';
			msg.textContent = '没有需要保存的修改';
			return;
		}
		save.disabled = true;
		form.setAttribute('aria-busy', 'true');
		msg.className = 'form-msg';
		msg.textContent = '正在保存…';
		try {
			const saved = await api(`/api/v1/${kind}s/${base.id}`, { method: 'PATCH', body: b,
			    ifMatch: base.version, allow401: true });
			const what = Object.keys(b).filter((k) => k !== 'confirm').map((k) => word('field', k)).join('、');
			unconfirm();
			draft = 'draft' in saved ? saved.draft : null;
			base = withDraft(saved, draft);
			fill(base);
			showDraft();
			conflictBox.hidden = true;
			clear(conflictBox);
			msg.className = 'form-msg ok';
			msg.textContent = 'draft' in saved ? (draft ? `已保存为草稿：${what}；待本处室报送后生效` :
			    '已保存：与已报送的内容相同，草稿已撤销') : `已保存：${what}已记入进展记录`;
			onSaved(saved);
		} catch (e) {
			msg.textContent = '';
			const p = e.problem || {};
			if (e.status === 409 && p.current && p.field === 'version')
				await conflict(p.current);
			else if (e.status === 422 && p.field === 'current' && p.confirmable) {
				confirmMsg.textContent = p.detail || problemText(e);
				confirmBox.checked = false;
				confirmEl.hidden = false;
				confirmBox.focus();
			} else if ((e.status === 400 || e.status === 422) && p.field && ctl[p.field])
				fieldError(p.field, problemText(e));
			else if (e.status === 401) {
				// Signed out meanwhile: keep what was typed, sign in elsewhere.
				clear(formErr).append('未保存：登录已过期。请',
				    h('a', { href: 'login.html', target: '_blank', rel: 'noopener' }, '在新窗口重新登录'),
				    '，然后回到这里再次点击“保存”，已填写的内容不会丢失。');
				formErr.hidden = false;
			} else {
				formErr.textContent = `未保存：${problemText(e)}`;
				formErr.hidden = false;
			}
		} finally {
			save.disabled = false;
			form.removeAttribute('aria-busy');
		}
	}

	// Someone saved first.  What the clerk changed stays in the form; the
	// rest takes the newer values; the newer object becomes the base, so
	// that saving again applies the clerk's edit on top of it.
	async function conflict(current) {
		const newer = {};
		for (const k of [...keys, 'id', 'version', 'task_id', 'unit'])
			newer[k] = orNull(current[k]);
		const mine = edited();
		for (const k of keys)
			if (!mine.includes(k))
				set(k, newer[k]);
		base = { ...base, ...current, ...newer };
		syncDate(false);
		onSaved(base, { quiet: true });

		let who = null;
		try {
			const t = await api(`/api/v1/tasks/${base.task_id || task.id}`);
			const hist = (t.history || []).filter((x) => x[`${kind}_id`] === base.id);
			who = hist[hist.length - 1] || null;
		} catch {
			// Who it was is a courtesy; the values are what matter.
		}
		const unit = base.unit;
		clear(conflictBox);
		const head = h('h5', { tabindex: '-1' }, '这一项已被他人修改，您的修改尚未保存');
		conflictBox.append(head,
		    h('p', {}, who ? `${who.office || who.actor} 于 ${fmtTime(who.at)} 保存了新的内容` +
			(who.field && keys.includes(who.field) ? `：${word('field', who.field)} ${showValue(who.field, who.old, unit)} → ${showValue(who.field, who.new, unit)}` : '') + '。' :
			'有人在您打开编辑后保存了新的内容。'),
		    h('p', {}, '您改动过的项目保留了您填写的内容，其余项目已换成最新内容：'),
		    mine.length === 0 ? h('p', {}, '您的填写与最新内容相同，无需重新提交。') :
			table([{ label: '项目' }, { label: '最新内容' }, { label: '您填写的' }],
			    mine.map((k) => h('tr', {}, h('th', { scope: 'row' }, word('field', k)),
				h('td', {}, showValue(k, newer[k], unit)), h('td', {}, showValue(k, get(k), unit)))),
			    { caption: '最新内容与您的修改' }),
		    h('div', { class: 'actions' },
			mine.length ? h('button', { type: 'button', class: 'btn', onclick: () => submit() },
			    '在最新内容上重新提交我的修改') : null,
			h('button', { type: 'button', class: 'btn secondary', onclick: () => {
				fill(base);
				conflictBox.hidden = true;
				clear(conflictBox);
				msg.className = 'form-msg';
				msg.textContent = '已放弃您的修改，显示的是最新内容';
				save.focus();
			} }, '放弃我的修改，采用最新内容')));
		conflictBox.hidden = false;
		head.focus();
	}

	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		submit();
	});
	// A new value is a new question.
	if (ctl.current)
		ctl.current.input.addEventListener('input', unconfirm);
	for (const k of keys)
		ctl[k].input.addEventListener('input', () => {
			if (ctl[k].input.hasAttribute('aria-invalid')) {
				ctl[k].input.removeAttribute('aria-invalid');
				ctl[k].err.hidden = true;
			}
		});
	fill(base);
	return form;
}

// ---------------------------------------------------------------- lists

// The office's unsent draft of an item, under its reported values.
function draftLine(d, unit) {
	if (!d)
		return null;
	const parts = Object.entries(d.fields).filter(([k]) => k !== 'confirm')
	    .map(([k, v]) => `${word('field', k)}：${showValue(k, v, unit)}`);
	return h('p', { class: 'draft-line' }, badge('draft', '本处室草稿'),
	    ` ${parts.join('；')}（${d.saved_by}，${d.locked ? '待处室负责人审核' : '尚未报送'}）`);
}
const draftFor = (task, key, id) => (task.drafts || []).find((x) => x[key] === id) || null;
const draftAfter = (saved, before) => ('draft' in saved ? saved.draft : before);

// An item's 佐证材料, when the page loaded the task's files (task.files,
// GET /api/v1/tasks/{id}/files): all of them on the task page (opts.full),
// those in force on 我的任务; an upload box for those who may edit.
function itemFiles(task, kind, item, what, opts) {
	if (!task.files)
		return null;
	return filesBox({ kind, id: item.id, what,
	    files: task.files.filter((f) => f[`${kind}_id`] === item.id),
	    canEdit: opts.canEdit && !task.withdrawn, full: !!opts.fullFiles,
	    onChange: (list) => {
		task.files = [...task.files.filter((f) => f[`${kind}_id`] !== item.id), ...list];
	    } });
}

// The targets of a task: display, and an editor for those who may.
// opts: {canEdit, level ('h3'|'h4'), onSaved(), fullFiles}
export function targetList(task, opts) {
	if (!task.targets || task.targets.length === 0)
		return h('p', { class: 'empty' }, '这项任务没有量化指标。');
	return h('ul', { class: 'targets' }, task.targets.map((g) => {
		const li = h('li', { class: 'target', id: `target-${g.id}`, 'data-target-id': g.id });
		let draft = draftFor(task, 'target_id', g.id);
		const view = h('div', {}, targetDisplay(g, opts.level), draftLine(draft, g.unit));
		li.append(view);
		const files = itemFiles(task, 'target', g, g.name, opts);
		if (files)
			li.append(files);
		if (opts.canEdit) {
			const form = editorForm('target', g, task, (saved, how) => {
				draft = draftAfter(saved, draft);
				clear(view).append(...targetDisplay(saved, opts.level).filter(Boolean),
				    ...[draftLine(draft, g.unit)].filter(Boolean));
				if (!how || !how.quiet)
					opts.onSaved && opts.onSaved('target', saved);
			});
			li.append(h('details', { class: 'edit' },
			    h('summary', {}, '更新进展', h('span', { class: 'sr-only' }, `：${g.name}`)), form,
			    files && files.picker));
		}
		return li;
	}));
}

// The milestones of a task, by due date, as a timeline.
export function milestoneList(task, opts) {
	if (!task.milestones || task.milestones.length === 0)
		return h('p', { class: 'empty' }, '这项任务没有节点。');
	const ms = [...task.milestones].sort((a, b) => (a.due_on || '9999').localeCompare(b.due_on || '9999'));
	return h('ol', { class: 'timeline' }, ms.map((m) => {
		const cls = () => `ms st-${m.status}${overdueDays(m, task.today) > 0 ? ' is-overdue' : ''}`;
		const li = h('li', { class: cls(), id: `milestone-${m.id}`, 'data-milestone-id': m.id });
		let draft = draftFor(task, 'milestone_id', m.id);
		const view = h('div', {}, milestoneDisplay(m, task, opts.level), draftLine(draft));
		li.append(view);
		const files = itemFiles(task, 'milestone', m, m.title, opts);
		if (files)
			li.append(files);
		const ext = opts.session && extensionBox(m, { canEdit: opts.canEdit,
		    session: opts.session, today: task.today, onChanged: () => location.reload() });
		if (ext)
			li.append(ext);
		if (opts.canEdit) {
			const form = editorForm('milestone', m, task, (saved, how) => {
				Object.assign(m, saved);
				li.className = cls();
				draft = draftAfter(saved, draft);
				clear(view).append(...milestoneDisplay(saved, task, opts.level).filter(Boolean),
				    ...[draftLine(draft)].filter(Boolean));
				if (!how || !how.quiet)
					opts.onSaved && opts.onSaved('milestone', saved);
			});
			li.append(h('details', { class: 'edit' },
			    h('summary', {}, '更新节点', h('span', { class: 'sr-only' }, `：${m.title}`)), form,
			    files && files.picker));
		}
		return li;
	}));
}

// ---------------------------------------------------------------- history

function histValue(x, v, task) {
	if (v === null || v === undefined || v === '')
		return x.field === 'current' ? word('target_state', 'unreported') : '（空）';
	if (x.field === 'status')
		return word('milestone_status', v);
	if (x.field === 'current' || x.field === 'value') {
		const g = (task.targets || []).find((t) => t.id === x.target_id);
		return `${fmtNum(v)}${g && g.unit ? g.unit : ''}`;
	}
	if (x.field === 'withdrawn')
		return v === 'true' ? '已撤销' : '有效';
	return v;
}

function histWhat(x, task) {
	let item = '任务';
	if (x.target_id) {
		const g = (task.targets || []).find((t) => t.id === x.target_id);
		item = g ? `指标“${g.name}”` : `指标 #${x.target_id}`;
	} else if (x.milestone_id) {
		const m = (task.milestones || []).find((t) => t.id === x.milestone_id);
		item = m ? `节点“${m.title}”` : `节点 #${x.milestone_id}`;
	}
	const field = word('field', x.field);
	if (x.field === 'acknowledged')
		return h('span', { class: 'chg' }, `${x.new}${field}`);
	// 批示, 督办单 issued or 签收ed, 督查通报 naming the task: the server's words.
	if (['instruction', 'notice', 'notice_acknowledged', 'bulletin'].includes(x.field))
		return h('span', { class: 'chg' }, `${field}：${x.new}`);
	// 办结审核: the step; its 办结说明 or reason is the row's note.
	if (x.source === 'completion')
		return h('span', { class: 'chg' }, `${item}：${field}`);
	if (x.field === 'note' && x.source !== 'load')
		return h('span', { class: 'chg' }, `${item}：更新进展情况`);
	if (x.field === 'created')
		return h('span', { class: 'chg' }, `${item}：计划文件${field}`);
	return h('span', { class: 'chg' }, `${item}：${field} `,
	    h('del', {}, histValue(x, x.old, task)), h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
	    h('span', { class: 'sr-only' }, '改为'),
	    h('ins', {}, histValue(x, x.new, task)));
}

// The full history, newest first.
export function historyTable(task) {
	const hist = [...(task.history || [])].reverse();
	if (hist.length === 0)
		return h('p', { class: 'empty' }, '还没有进展记录。');
	const note = word('field', 'note'), outcome = word('field', 'outcome');
	const cols = ['时间', '谁', '改了什么', note, outcome, '问题与协调'].map((label) => ({ label }));
	const more = (x) => {
		const rows = MORE.filter((k) => text(x[k]));
		return rows.length ? h('dl', { class: 'texts' }, rows.map((k) => h('div', {},
		    h('dt', {}, `${word('field', k)}：`), h('dd', {}, x[k])))) : '';
	};
	return table(cols, hist.map((x) => h('tr', {},
	    td('时间', fmtTime(x.at), 'nowrap'),
	    td('谁', [x.office || x.actor || '—', x.source === 'load' ? h('div', { class: 'small muted' }, '计划文件导入') :
		x.office && x.actor && x.actor !== x.office ? h('div', { class: 'small muted' }, x.actor) : null]),
	    td('改了什么', [histWhat(x, task), entryFiles(task.files, x.id)], 'what'),
	    td(note, x.source === 'workflow' ? '' : text(x.note) || ''),
	    td(outcome, text(x.outcome) || ''),
	    td('问题与协调', x.source === 'workflow' ? '' : more(x)))),
	    { className: 'stack hist', caption: '进展记录，最新的在前' });
}
