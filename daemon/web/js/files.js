// 佐证材料 on the pages: an item's evidence files (a target's or a
// milestone's) with their download links, and, for those who may update
// the item, an upload box.  Used by the card editor and the task page
// (editor.js) and by the 佐证 cell of 表格填报 (batch.js).
//
// The server decides everything: an upload is POST
// /api/v1/{targets,milestones}/{id}/files?name= with the file itself as
// the body (api() with raw); a clerk's file is 待报送 (part of the
// office's unsent report) until the head 报送s it, and may be deleted
// until then (DELETE /api/v1/files/{id}); a submitted one is never
// deleted, only replaced (?supersedes=ID).  A refusal (wrong type, too
// big, ...) is the server's problem+json, shown next to the file.
import { api, h, append, clear, badge, problemText, fmtTime, newId } from './common.js';

// What the file picker offers; the server checks the content itself.
export const ACCEPT = '.pdf,.ofd,.doc,.docx,.wps,.xls,.xlsx,.et,.jpg,.jpeg,.png';

// "3.2 MB", "512 KB", "300 字节": as the server's messages give sizes.
export function fmtSize(n) {
	const trim = (x) => String(Math.round(x * 10) / 10);
	if (n >= 1048576)
		return `${trim(n / 1048576)} MB`;
	if (n >= 1024)
		return `${trim(n / 1024)} KB`;
	return `${n} 字节`;
}

// Told on document when a box's files change: {kind, id, list, from}.
const EVENT = 'duban-files';

const stateWord = (f) => (f.state === 'submitted' ? '已报送' : '待报送');

// What a refusal says: the detail alone when it names the matter (the
// Chinese sentence users read), else title and detail.
function refusal(e) {
	const p = e.problem || {};
	return p.detail || problemText(e);
}

// Sends one file to an item; resolves with the file, rejects with ApiError.
export function upload(kind, id, file, supersedes) {
	const q = new URLSearchParams({ name: file.name });
	if (supersedes)
		q.set('supersedes', supersedes);
	return api(`/api/v1/${kind}s/${id}/files?${q}`, { method: 'POST', raw: file,
	    contentType: file.type || 'application/octet-stream' });
}

// A file's line: its name as a download link, size, state; who and when
// (full); the actions the caller gives.
function fileLine(f, all, { full, actions }) {
	const gone = !!f.superseded_by;
	const by = gone ? all.find((x) => x.id === f.superseded_by) : null;
	const link = h('a', { href: f.url, download: f.name, class: 'file-name' }, f.name);
	return h('li', { class: `file${gone ? ' superseded' : ''}`, 'data-file-id': f.id },
	    gone ? h('del', {}, link) : link,
	    h('span', { class: 'small muted' }, ` ${fmtSize(f.size)}`),
	    ' ', gone ? h('span', { class: 'small muted' },
		`已被${by ? `“${by.name}”` : `编号 ${f.superseded_by} 的文件`}替换`) :
		badge(f.state, stateWord(f)),
	    f.state === 'pending' && f.locked ? h('span', { class: 'small muted' }, '（待处室负责人审核）') : null,
	    full ? h('span', { class: 'small muted file-who' },
		` ${[f.office, f.uploaded_by].filter((x, i, a) => x && a.indexOf(x) === i).join(' ')} ` +
		`${fmtTime(f.uploaded_at)} 上传` +
		(f.state === 'submitted' && f.submitted_at !== f.uploaded_at ? `，${fmtTime(f.submitted_at)} 报送` : '')) : null,
	    actions || null);
}

// An item's files: {kind 'target'|'milestone', id, what (the item's name
// for labels), files (from the server), canEdit, full (who and when,
// superseded ones too: the task page), compact (no hint: the table's
// cell), onChange(files)}.  Returns the
// element; box.files is the list as it now stands.
export function filesBox({ kind, id, what, files, canEdit, full = false, compact = false, onChange }) {
	let list = [...(files || [])];
	const listEl = h('ul', { class: 'files-list plain' });
	const box = h('div', { class: 'files-box', 'data-kind': kind, 'data-id': id, role: 'group',
	    'aria-label': `佐证材料：${what}` });
	const live = h('ul', { class: 'uploads plain', 'aria-live': 'polite' });
	const settle = () => {
		draw();
		box.files = list;
		if (onChange)
			onChange(list);
	};
	// The same item may show twice (the cards and the table on 我的任务):
	// what one box did, the other shows.
	const changed = () => {
		settle();
		document.dispatchEvent(new CustomEvent(EVENT, { detail: { kind, id, list, from: box } }));
	};
	const heard = (ev) => {
		const d = ev.detail;
		if (!box.isConnected && box.dataset.drawn) {
			document.removeEventListener(EVENT, heard);	// drawn anew elsewhere
			return;
		}
		if (d.from === box || d.kind !== kind || d.id !== id)
			return;
		list = [...d.list, ...list.filter((f) => f.superseded_by && !d.list.some((x) => x.id === f.id))];
		settle();
	};
	document.addEventListener(EVENT, heard);

	// One file on its way: its line, updated as it goes.
	const send = async (file, supersedes) => {
		const state = h('span', { class: 'up-state' }, '上传中…');
		const li = h('li', { class: 'upload' }, h('span', { class: 'file-name' }, file.name),
		    h('span', { class: 'small muted' }, ` ${fmtSize(file.size)} `), state);
		live.append(li);
		try {
			const f = await upload(kind, id, file, supersedes);
			state.textContent = supersedes ? '已上传（替换）' : '已上传';
			state.className = 'up-state ok';
			if (f.state === 'submitted' && f.supersedes) {
				const old = list.find((x) => x.id === f.supersedes);
				if (old)
					Object.assign(old, { superseded_by: f.id, superseded_at: f.uploaded_at });
			}
			list.push(f);
			changed();
			// The file is in the list now; its line here goes quietly.
			li.remove();
		} catch (e) {
			state.textContent = `上传失败：${refusal(e)}`;
			state.className = 'up-state field-error';
			li.classList.add('failed');
		}
	};

	const removeFile = async (f, btn, msg) => {
		btn.disabled = true;
		msg.textContent = '正在删除…';
		try {
			await api(`/api/v1/files/${f.id}`, { method: 'DELETE' });
			list = list.filter((x) => x.id !== f.id);
			changed();
			status.textContent = `已删除“${f.name}”。`;
		} catch (e) {
			btn.disabled = false;
			msg.textContent = `未删除：${refusal(e)}`;
		}
	};

	const status = h('p', { class: 'sr-only', role: 'status' });
	const actionsFor = (f) => {
		if (!canEdit || f.superseded_by)
			return null;
		const msg = h('span', { class: 'field-error file-msg' });
		if (f.state === 'pending' && !f.locked) {
			const del = h('button', { type: 'button', class: 'btn small secondary',
			    'aria-label': `删除“${f.name}”` }, '删除');
			del.addEventListener('click', () => removeFile(f, del, msg));
			return [' ', del, msg];
		}
		if (f.state === 'submitted') {
			const pick = h('input', { type: 'file', accept: ACCEPT, hidden: true, class: 'replace-input',
			    'aria-label': `选择替换“${f.name}”的文件` });
			const rep = h('button', { type: 'button', class: 'btn small secondary',
			    'aria-label': `替换“${f.name}”` }, '替换');
			rep.addEventListener('click', () => pick.click());
			pick.addEventListener('change', () => {
				if (pick.files.length)
					send(pick.files[0], f.id);
				pick.value = '';
			});
			return [' ', rep, pick];
		}
		return null;
	};

	function draw() {
		const shown = full ? list : list.filter((f) => !f.superseded_by);
		clear(listEl);
		if (!shown.length)
			listEl.append(h('li', { class: 'muted small' }, '暂无佐证材料'));
		for (const f of shown)
			listEl.append(fileLine(f, list, { full, actions: actionsFor(f) }));
	}

	let picker = null;
	if (canEdit) {
		const inputId = newId('files');
		const input = h('input', { type: 'file', id: inputId, multiple: true, accept: ACCEPT,
		    class: 'file-input', 'aria-describedby': compact ? null : `${inputId}-hint` });
		input.addEventListener('change', async () => {
			const chosen = [...input.files];
			input.value = '';
			for (const f of chosen)
				await send(f);
		});
		picker = h('div', { class: 'file-pick' },
		    h('label', { for: inputId }, '上传佐证材料', h('span', { class: 'sr-only' }, `：${what}`)),
		    input,
		    compact ? null : h('p', { class: 'hint', id: `${inputId}-hint` },
			'PDF、OFD、Word、WPS、Excel 或 JPG、PNG 图片，可多选；报送前可删除，报送后只能替换。'));
	}
	draw();
	box.files = list;
	box.dataset.drawn = '1';
	box.picker = picker;	// the card editor moves it into its form's place
	append(box, [compact ? null : h('p', { class: 'files-h' }, '佐证材料'), listEl, picker, live, status]);
	return box;
}

// A history entry's files (progress_id), for the 进展记录 table.
export function entryFiles(files, entryId) {
	const mine = (files || []).filter((f) => f.progress_id === entryId);
	if (!mine.length)
		return null;
	return h('div', { class: 'entry-files small' }, '佐证材料：',
	    mine.map((f, i) => [i ? '、' : '', h('a', { href: f.url, download: f.name }, f.name),
		` (${fmtSize(f.size)})`, f.superseded_by ? h('span', { class: 'muted' }, '（已被替换）') : '']));
}
