#include <sys/stat.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "utf8.h"
#include "xmalloc.h"
#include "ytree.h"

/*
 * The nodes, texts and lists of a parsed tree are cut from large blocks
 * and freed with them: a plan of 5,000 tasks is half a million nodes,
 * and allocating and freeing each one on its own was a third of the time
 * of reading it (bench/import.sh).
 */
#define YARENA_BLOCK	(256u * 1024)

struct yblock {
	struct yblock	*next;
	size_t		 used, size;
	max_align_t	 data[];
};

struct yarena {
	struct yblock	*blocks;
};

/* n bytes at a multiple of align (a power of two: 1 for texts). */
static void *
yarena_alloc(struct yarena *a, size_t n, size_t align)
{
	struct yblock	*b = a->blocks;
	size_t		 size;
	void		*p;

	if (b != NULL)
		b->used = (b->used + align - 1) & ~(align - 1);
	if (b == NULL || b->used > b->size || b->size - b->used < n) {
		size = n > YARENA_BLOCK ? n : YARENA_BLOCK;
		b = xmalloc(sizeof *b + size);
		b->used = 0;
		b->size = size;
		b->next = a->blocks;
		a->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return (p);
}

static void
yarena_free(struct yarena *a)
{
	struct yblock	*b, *next;

	if (a == NULL)
		return;
	for (b = a->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

struct yscratch {
	struct ynode	**v;
	size_t		  cap;		/* slots */
};

struct ybuild {
	struct yarena	 *arena;
	struct yscratch	  scratch[YTREE_MAX_DEPTH + 1];
	const char	 *file;
	const char	 *buf;
	size_t		  len;
	struct diags	 *diags;
	struct ynode	 *stack[YTREE_MAX_DEPTH + 1];
	int		  depth;
	struct ynode	 *root;
	size_t		  nodes;
	int		  ndocs;
};

/* Line and column (both from 1, column in characters) of a byte offset. */
static void
pos_of_offset(const char *buf, size_t len, size_t off, int *line, int *col)
{
	size_t	 i, start = 0;
	int	 l = 1;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++)
		if (buf[i] == '\n') {
			l++;
			start = i + 1;
		}
	*line = l;
	/* Count characters; the prefix may end mid-sequence, that is fine. */
	*col = (int)utf8_chars(buf + start, off - start) + 1;
}

static struct ynode *
node_new(struct ybuild *b, enum ynode_type type, const yaml_mark_t *mark)
{
	struct ynode	*n;

	if (++b->nodes > YTREE_MAX_NODES) {
		diags_add(b->diags, b->file, (int)mark->line + 1,
		    (int)mark->column + 1, "节点过多（上限 %d 个）",
		    YTREE_MAX_NODES);
		return (NULL);
	}
	n = yarena_alloc(b->arena, sizeof *n, _Alignof(struct ynode));
	memset(n, 0, sizeof *n);
	n->type = type;
	n->line = (int)mark->line + 1;
	n->col = (int)mark->column + 1;
	return (n);
}

void
ytree_free(struct ynode *n)
{
	size_t	 i, total;

	if (n == NULL)
		return;
	if (n->arena != NULL) {
		yarena_free(n->arena);
		return;
	}
	total = n->type == YN_MAP ? 2 * n->n : n->n;
	/* A mapping may end with a key whose value never arrived. */
	if (n->type == YN_MAP && total < 2 * n->cap && n->kids[total] != NULL)
		ytree_free(n->kids[total]);
	for (i = 0; i < total; i++)
		ytree_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

/*
 * A list being read lives in its depth's scratch buffer, reused by the
 * lists that come after it at that depth; once it ends it is copied to
 * the arena at its size (doubling in the arena took half as much again).
 * Room for one more item (per: 1 slot an item, 2 a pair), new slots empty.
 */
static void
grow(struct ybuild *b, struct ynode *parent, size_t per)
{
	struct yscratch	*sc = &b->scratch[b->depth - 1];
	size_t		 cap = sc->cap ? sc->cap * 2 : 16;

	sc->v = xreallocarray(sc->v, cap, sizeof *sc->v);
	memset(sc->v + sc->cap, 0, (cap - sc->cap) * sizeof *sc->v);
	sc->cap = cap;
	parent->kids = sc->v;
	parent->cap = cap / per;
}

/* A list read to its end: copied out of the scratch buffer. */
static void
settle(struct ybuild *b, struct ynode *n)
{
	size_t		 total = n->type == YN_MAP ? 2 * n->n : n->n;
	struct ynode	**kids = NULL;

	if (total > 0) {
		kids = yarena_alloc(b->arena, total * sizeof *kids,
		    _Alignof(struct ynode *));
		memcpy(kids, n->kids, total * sizeof *kids);
	}
	n->kids = kids;
	n->cap = n->n;
}

/* Appends child to the node on top of the stack (or makes it the root). */
static int
attach(struct ybuild *b, struct ynode *child)
{
	struct ynode	*parent;
	size_t		 slot;

	if (b->depth == 0) {
		b->root = child;
		return (0);
	}
	parent = b->stack[b->depth - 1];
	if (parent->type == YN_SEQ) {
		if (parent->n == parent->cap)
			grow(b, parent, 1);
		parent->kids[parent->n++] = child;
		return (0);
	}
	/* Mapping: kids holds key, value pairs; a pending key sits at 2n. */
	if (parent->n == parent->cap)
		grow(b, parent, 2);
	slot = 2 * parent->n;
	if (parent->kids[slot] == NULL) {
		if (child->type != YN_SCALAR) {
			diags_add(b->diags, b->file, child->line, child->col,
			    "映射的键必须是简单的字符串");
			return (-1);
		}
		parent->kids[slot] = child;
	} else {
		child->kline = parent->kids[slot]->line;
		child->kcol = parent->kids[slot]->col;
		parent->kids[slot + 1] = child;
		parent->n++;
		/* The next key's slot, maybe left by an earlier list. */
		if (parent->n < parent->cap)
			parent->kids[slot + 2] = NULL;
	}
	return (0);
}

static int
cmp_key(const void *a, const void *b)
{
	const struct ynode *ka = *(struct ynode * const *)a;
	const struct ynode *kb = *(struct ynode * const *)b;
	int		 c;

	if (ka->len != kb->len)
		return (ka->len < kb->len ? -1 : 1);
	if ((c = memcmp(ka->str, kb->str, ka->len)) != 0)
		return (c);
	/* Equal keys: document order, so the second is reported. */
	if (ka->line != kb->line)
		return (ka->line < kb->line ? -1 : 1);
	return (ka->col < kb->col ? -1 : ka->col > kb->col);
}

static int
check_duplicates(struct ybuild *b, struct ynode *map)
{
	struct ynode	**keys;
	size_t		  i;
	int		  bad = 0;

	if (map->n < 2)
		return (0);
	keys = xreallocarray(NULL, map->n, sizeof *keys);
	for (i = 0; i < map->n; i++)
		keys[i] = YMAP_KEY(map, i);
	qsort(keys, map->n, sizeof *keys, cmp_key);
	for (i = 1; i < map->n; i++) {
		if (keys[i]->len == keys[i - 1]->len &&
		    memcmp(keys[i]->str, keys[i - 1]->str, keys[i]->len) == 0) {
			diags_add(b->diags, b->file, keys[i]->line,
			    keys[i]->col, "键“%s”重复（第 %d 行第 %d 列已出现）",
			    keys[i]->str, keys[i - 1]->line, keys[i - 1]->col);
			bad = 1;
		}
	}
	free(keys);
	return (bad ? -1 : 0);
}

/* Anchors, tags: refused wherever they appear. */
static int
check_props(struct ybuild *b, const yaml_mark_t *mark,
    const yaml_char_t *anchor, const yaml_char_t *tag, int implicit)
{
	if (anchor != NULL) {
		diags_add(b->diags, b->file, (int)mark->line + 1,
		    (int)mark->column + 1,
		    "不支持 YAML 锚点（&%s）：计划文件中每处数据都应直接写出", anchor);
		return (-1);
	}
	if (tag != NULL && !implicit) {
		diags_add(b->diags, b->file, (int)mark->line + 1,
		    (int)mark->column + 1, "不支持 YAML 标签（%s）", tag);
		return (-1);
	}
	return (0);
}

static int
on_event(struct ybuild *b, yaml_event_t *ev)
{
	const yaml_mark_t	*mk = &ev->start_mark;
	struct ynode		*n;
	struct yscratch		*sc;

	switch (ev->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_STREAM_END_EVENT:
	case YAML_DOCUMENT_END_EVENT:
	case YAML_NO_EVENT:
		return (0);
	case YAML_DOCUMENT_START_EVENT:
		if (++b->ndocs > 1) {
			diags_add(b->diags, b->file, (int)mk->line + 1,
			    (int)mk->column + 1, "一个计划文件只能有一个 YAML 文档");
			return (-1);
		}
		return (0);
	case YAML_ALIAS_EVENT:
		diags_add(b->diags, b->file, (int)mk->line + 1,
		    (int)mk->column + 1, "不支持 YAML 别名（*%s）：计划文件中每处数据都应直接写出",
		    ev->data.alias.anchor);
		return (-1);
	case YAML_SCALAR_EVENT:
		if (check_props(b, mk, ev->data.scalar.anchor,
		    ev->data.scalar.tag, ev->data.scalar.plain_implicit ||
		    ev->data.scalar.quoted_implicit) != 0)
			return (-1);
		if (ev->data.scalar.length > YTREE_MAX_SCALAR) {
			diags_add(b->diags, b->file, (int)mk->line + 1,
			    (int)mk->column + 1, "文本过长：%zu 字节，上限为 %u 字节",
			    ev->data.scalar.length, YTREE_MAX_SCALAR);
			return (-1);
		}
		if ((n = node_new(b, YN_SCALAR, mk)) == NULL)
			return (-1);
		n->len = ev->data.scalar.length;
		n->str = yarena_alloc(b->arena, n->len + 1, 1);
		memcpy(n->str, ev->data.scalar.value, n->len);
		n->str[n->len] = '\0';
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (memchr(n->str, '\0', n->len) != NULL) {
			diags_add(b->diags, b->file, n->line, n->col,
			    "文本中含有 NUL 字符");
			return (-1);
		}
		return (attach(b, n));
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (ev->type == YAML_SEQUENCE_START_EVENT ?
		    check_props(b, mk, ev->data.sequence_start.anchor,
		    ev->data.sequence_start.tag,
		    ev->data.sequence_start.implicit) :
		    check_props(b, mk, ev->data.mapping_start.anchor,
		    ev->data.mapping_start.tag,
		    ev->data.mapping_start.implicit))
			return (-1);
		if (b->depth >= YTREE_MAX_DEPTH) {
			diags_add(b->diags, b->file, (int)mk->line + 1,
			    (int)mk->column + 1, "嵌套层数超过上限 %d 层",
			    YTREE_MAX_DEPTH);
			return (-1);
		}
		if ((n = node_new(b, ev->type == YAML_SEQUENCE_START_EVENT ?
		    YN_SEQ : YN_MAP, mk)) == NULL)
			return (-1);
		if (attach(b, n) != 0)
			return (-1);
		/* Its items go to the scratch buffer of the next depth. */
		sc = &b->scratch[b->depth];
		n->kids = sc->v;
		n->cap = sc->cap / (n->type == YN_MAP ? 2 : 1);
		if (sc->cap > 0)
			sc->v[0] = NULL;
		b->stack[b->depth++] = n;
		return (0);
	case YAML_SEQUENCE_END_EVENT:
		settle(b, b->stack[--b->depth]);
		return (0);
	case YAML_MAPPING_END_EVENT:
		n = b->stack[--b->depth];
		settle(b, n);
		return (check_duplicates(b, n));
	}
	return (0);
}

/* libyaml's messages, in the language of the people who read ours. */
static const char *
zh(const char *en)
{
	static const struct { const char *en, *zh; } t[] = {
		{ "found unexpected end of stream", "文件意外结束" },
		{ "did not find expected key", "缩进或结构有误：此处应为“键: 值”" },
		{ "mapping values are not allowed in this context",
		  "此处不允许“键: 值”（值中含有“: ”时请给整个值加引号）" },
		{ "found character that cannot start any token",
		  "此处的字符不能开始 YAML 内容（Tab 缩进或 @、` 开头的值须加引号）" },
		{ "did not find expected '-' indicator", "缩进有误：此处应为列表项“- ”" },
		{ "control characters are not allowed", "文件中含有不允许的控制字符" },
		{ "found a tab character that violates indentation", "不能用 Tab 缩进" },
		{ "found a tab character that violate indentation", "不能用 Tab 缩进" },
		{ "could not find expected ':'", "缺少“:”" },
		{ "found unknown escape character", "未知的转义字符" },
		{ "did not find expected node content", "此处应有内容" },
		{ "did not find expected ',' or ']'", "流式列表缺少“,”或“]”" },
		{ "did not find expected ',' or '}'", "流式映射缺少“,”或“}”" },
		{ "block sequence entries are not allowed in this context",
		  "此处不能开始列表项" },
		{ "found incompatible YAML document", "不支持的 YAML 版本" },
		{ "did not find expected <document start>", "此处应为新文档的开始“---”" },
		{ "found unexpected ':'", "多余的“:”" },
		{ "while scanning a quoted scalar", "引号中的文本没有结束" },
		{ "while scanning a simple key", "在键中" },
		{ "while parsing a block mapping", "在映射中" },
		{ "while parsing a block collection", "在列表中" },
		{ "while parsing a flow sequence", "在流式列表 [...] 中" },
		{ "while parsing a flow mapping", "在流式映射 {...} 中" },
		{ "while scanning a block scalar", "在块文本中" },
		{ "while parsing a block node", "在节点中" },
		{ "while parsing a flow node", "在节点中" },
		{ "while scanning an anchor", "在锚点中" },
		{ "while scanning an alias", "在别名中" },
		{ "while scanning a tag", "在标签中" },
		{ "while scanning a plain scalar", "在文本中" },
		{ "while scanning a directive", "在指令中" },
	};
	size_t	 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(en, t[i].en) == 0)
			return (t[i].zh);
	return (en);
}

struct ynode *
ytree_parse(const char *file, const char *buf, size_t len, struct diags *diags)
{
	struct ybuild	 b;
	yaml_parser_t	 parser;
	yaml_event_t	 ev;
	size_t		 bad;
	int		 i, line, col, done = 0, failed = 0;

	memset(&b, 0, sizeof b);
	b.file = file;
	b.buf = buf;
	b.len = len;
	b.diags = diags;

	if (len > YTREE_MAX_FILE) {
		diags_add(diags, file, 1, 1, "文件过大：%zu 字节，上限为 %u 字节（%u MiB）",
		    len, YTREE_MAX_FILE, YTREE_MAX_FILE >> 20);
		return (NULL);
	}
	if (!utf8_valid(buf, len, &bad)) {
		pos_of_offset(buf, len, bad, &line, &col);
		diags_add(diags, file, line, col,
		    "不是有效的 UTF-8 编码（第 %zu 字节为 0x%02X）：计划文件须以 UTF-8 保存",
		    bad + 1, (unsigned char)buf[bad]);
		return (NULL);
	}

	b.arena = xcalloc(1, sizeof *b.arena);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			const char *problem = zh(parser.problem ?
			    parser.problem : "未知问题");

			if (parser.error == YAML_READER_ERROR) {
				pos_of_offset(buf, len, parser.problem_offset,
				    &line, &col);
			} else if (parser.error == YAML_SCANNER_ERROR &&
			    parser.context != NULL) {
				/*
				 * A token that never ended (an unclosed quote)
				 * is found where the scanner gave up; people
				 * look for it where it started.
				 */
				line = (int)parser.context_mark.line + 1;
				col = (int)parser.context_mark.column + 1;
			} else {
				line = (int)parser.problem_mark.line + 1;
				col = (int)parser.problem_mark.column + 1;
			}
			if (parser.context != NULL)
				diags_add(diags, file, line, col,
				    "YAML 语法错误：%s（%s，始于第 %d 行第 %d 列；问题在第 %d 行第 %d 列）",
				    problem, zh(parser.context),
				    (int)parser.context_mark.line + 1,
				    (int)parser.context_mark.column + 1,
				    (int)parser.problem_mark.line + 1,
				    (int)parser.problem_mark.column + 1);
			else
				diags_add(diags, file, line, col,
				    "YAML 语法错误：%s", problem);
			failed = 1;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		if (on_event(&b, &ev) != 0) {
			yaml_event_delete(&ev);
			failed = 1;
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	for (i = 0; i <= YTREE_MAX_DEPTH; i++)
		free(b.scratch[i].v);
	if (failed) {
		yarena_free(b.arena);
		return (NULL);
	}
	if (b.root == NULL || ytree_is_null(b.root)) {
		diags_add(diags, file, 1, 1, "文件为空：没有计划内容");
		yarena_free(b.arena);
		return (NULL);
	}
	b.root->arena = b.arena;
	return (b.root);
}

struct ynode *
ytree_get(const struct ynode *map, const char *key)
{
	size_t	 i;

	if (map == NULL || map->type != YN_MAP)
		return (NULL);
	for (i = 0; i < map->n; i++)
		if (strcmp(YMAP_KEY(map, i)->str, key) == 0)
			return (YMAP_VAL(map, i));
	return (NULL);
}

int
ytree_is_null(const struct ynode *n)
{
	if (n == NULL)
		return (1);
	if (n->type != YN_SCALAR || !n->plain)
		return (0);
	return (n->len == 0 || strcmp(n->str, "~") == 0 ||
	    strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	    strcmp(n->str, "NULL") == 0);
}

char *
ytree_read_file(const char *path, size_t *lenp, struct diags *d)
{
	struct stat	 st;
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		diags_add(d, path, 0, 0, "无法打开：%s", strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		diags_add(d, path, 0, 0, "不是普通文件");
		close(fd);
		return (NULL);
	}
	if (st.st_size > (off_t)YTREE_MAX_FILE) {
		diags_add(d, path, 1, 1, "文件过大：%lld 字节，上限为 %u 字节（%u MiB）",
		    (long long)st.st_size, YTREE_MAX_FILE, YTREE_MAX_FILE >> 20);
		close(fd);
		return (NULL);
	}
	/* Read at most one byte past the limit, whatever fstat said. */
	buf = xmalloc(YTREE_MAX_FILE + 2);
	while (len <= YTREE_MAX_FILE) {
		n = read(fd, buf + len, YTREE_MAX_FILE + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			diags_add(d, path, 0, 0, "读取失败：%s", strerror(errno));
			close(fd);
			free(buf);
			return (NULL);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return (buf);
}
