#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "xmalloc.h"

enum config_type {
	CT_STRING,
	CT_INT
};

#define CF_RESTART	0x1	/* takes effect only at start */

static const struct config_entry {
	const char	*name;
	enum config_type type;
	size_t		 offset;
	int		 flags;
	const char	*dflt;
	long		 min, max;
	const char	*doc;
} config_table[] = {
	{ "listen", CT_STRING, offsetof(struct config, listen), CF_RESTART,
	  "127.0.0.1:8080", 0, 0, "HTTP 监听地址 ADDR:PORT" },
	{ "db", CT_STRING, offsetof(struct config, db), 0,
	  "", 0, 0, "PostgreSQL 连接串（libpq conninfo）；环境变量 DUBAN_DB 和 --db 优先" },
	{ "plans", CT_STRING, offsetof(struct config, plans), 0,
	  "", 0, 0, "计划文件目录（其中的 *.yaml 在启动和 SIGHUP 时导入）；空则不导入" },
	{ "web_root", CT_STRING, offsetof(struct config, web_root), 0,
	  DUBAN_WEB_DIR, 0, 0, "网页文件目录（启动和 SIGHUP 时读入内存）；空则不提供网页；--web 优先" },
	{ "session_ttl", CT_INT, offsetof(struct config, session_ttl), 0,
	  "28800", 300, 604800, "网页登录的有效期（秒）；令牌吊销或退出登录即时失效" },
	{ "secure_cookies", CT_STRING, offsetof(struct config, secure_cookies), 0,
	  "auto", 0, 0, "登录 Cookie 是否加 Secure：auto 经 HTTPS 反向代理（X-Forwarded-Proto: https）"
	  "时加、yes 总加、no 不加" },
	{ "log_level", CT_STRING, offsetof(struct config, log_level), 0,
	  "info", 0, 0, "日志级别：notice、info 或 debug" },
	{ "reminders", CT_INT, offsetof(struct config, reminders), 0,
	  "1", 0, 1, "1：定时生成并发送提醒；0：不发送（多实例时可只让部分实例发送）" },
	{ "sweep_interval", CT_INT, offsetof(struct config, sweep_interval), 0,
	  "600", 10, 86400, "多久生成一次应发的提醒（秒）；按工作日历，同一提醒只生成一次" },
	{ "delivery_poll_ms", CT_INT, offsetof(struct config, delivery_poll_ms), 0,
	  "5000", 50, 600000, "多久查看一次待发送和待重试的提醒（毫秒）" },
	{ "delivery_concurrency", CT_INT, offsetof(struct config, delivery_concurrency), 0,
	  "8", 1, 256, "同时进行的发送数" },
	{ "delivery_lease", CT_INT, offsetof(struct config, delivery_lease), 0,
	  "120", 2, 86400, "一次发送占用的时限（秒），须大于 delivery_timeout；进程意外退出后，"
	  "过时的发送由其他实例重发" },
	{ "delivery_timeout", CT_INT, offsetof(struct config, delivery_timeout), 0,
	  "30", 1, 600, "单次发送（SMTP 或 webhook）的超时（秒）" },
	{ "retry_base_ms", CT_INT, offsetof(struct config, retry_base_ms), 0,
	  "60000", 10, 86400000, "发送失败后第一次重试的等待（毫秒），之后每次加倍" },
	{ "retry_max_ms", CT_INT, offsetof(struct config, retry_max_ms), 0,
	  "3600000", 10, 86400000, "重试等待的上限（毫秒）" },
	{ "retry_attempts", CT_INT, offsetof(struct config, retry_attempts), 0,
	  "10", 1, 100, "最多尝试次数；之后记为失败，可用 duban reminder retry 重发" },
	{ "smtp_url", CT_STRING, offsetof(struct config, smtp_url), 0,
	  "", 0, 0, "发邮件用的 SMTP 服务器，如 smtp://mail.example.gov.cn:25；空则不能发邮件" },
	{ "smtp_from", CT_STRING, offsetof(struct config, smtp_from), 0,
	  "duban@localhost", 0, 0, "发件地址" },
	{ "smtp_from_name", CT_STRING, offsetof(struct config, smtp_from_name), 0,
	  "督办系统", 0, 0, "发件人名称" },
	{ "smtp_user", CT_STRING, offsetof(struct config, smtp_user), 0,
	  "", 0, 0, "SMTP 用户名（需要认证时）" },
	{ "smtp_password", CT_STRING, offsetof(struct config, smtp_password), 0,
	  "", 0, 0, "SMTP 密码" },
	{ "smtp_tls", CT_STRING, offsetof(struct config, smtp_tls), 0,
	  "try", 0, 0, "STARTTLS：no 不用、try 服务器支持就用、yes 必须用" },
	{ "public_url", CT_STRING, offsetof(struct config, public_url), 0,
	  "", 0, 0, "本系统对外的地址，用于消息中的链接；空则用 http://监听地址" },
	{ "pool_size", CT_INT, offsetof(struct config, pool_size), CF_RESTART,
	  "4", 1, 64, "数据库连接池大小" },
	{ "pipeline_depth", CT_INT, offsetof(struct config, pipeline_depth), CF_RESTART,
	  "4", 1, 64, "每个数据库连接上同时进行的查询数（libpq 流水线模式）；1 为不用流水线" },
	{ "queue_max", CT_INT, offsetof(struct config, queue_max), 0,
	  "1024", 1, 100000, "等待数据库连接的查询上限；超出则答 503" },
	{ "max_connections", CT_INT, offsetof(struct config, max_connections), 0,
	  "512", 1, 100000, "同时打开的 HTTP 连接上限；达到后暂停接受新连接" },
	{ "max_body", CT_INT, offsetof(struct config, max_body), 0,
	  "65536", 1024, 16777216, "请求体上限（字节）；超出答 413" },
	{ "upload_max", CT_INT, offsetof(struct config, upload_max), 0,
	  "20971520", 1024, 1073741824, "每个佐证材料文件的上限（字节）；超出答 413" },
	{ "upload_entry_max", CT_INT, offsetof(struct config, upload_entry_max), 0,
	  "104857600", 1024, 2000000000, "每条填报所附佐证材料合计的上限（字节）" },
	{ "upload_memory", CT_INT, offsetof(struct config, upload_memory), 0,
	  "67108864", 1048576, 1073741824,
	  "所有正在上传的文件在内存中合计占用的上限（字节）；超出则答 503 并请稍后重试" },
	{ "upload_timeout", CT_INT, offsetof(struct config, upload_timeout), 0,
	  "600", 10, 86400, "一次上传最长用时（秒）；超时则中断并丢弃" },
	{ "max_fill_body", CT_INT, offsetof(struct config, max_fill_body), 0,
	  "4194304", 65536, 33554432, "上传的填报表（XLSX）大小上限（字节）；超出答 413" },
	{ "max_plan_body", CT_INT, offsetof(struct config, max_plan_body), 0,
	  "4194304", 65536, 33554432, "上传的计划文件（YAML、任务分解表 XLSX）及起草用的文件大小上限（字节）；超出答 413" },
	{ "max_per_client", CT_INT, offsetof(struct config, max_per_client), 0,
	  "64", 1, 100000, "同一地址可同时打开的 HTTP 连接数上限；超出的连接立即关闭（经 NAT 共用一个地址的单位应调大）" },
	{ "header_timeout", CT_INT, offsetof(struct config, header_timeout), 0,
	  "10", 1, 3600, "请求头须在多少秒内收全（自其第一个字节，或自连接建立）；超时答 408 并关闭，未发送任何内容的连接直接关闭" },
	{ "max_headers", CT_INT, offsetof(struct config, max_headers), 0,
	  "16384", 1024, 1048576, "请求头总长上限（字节）" },
	{ "http_timeout", CT_INT, offsetof(struct config, http_timeout), 0,
	  "30", 1, 3600, "HTTP 读写超时（秒）" },
	{ "query_timeout", CT_INT, offsetof(struct config, query_timeout), 0,
	  "10", 1, 600, "单个数据库查询的超时（秒）" },
	{ "token_cache_ttl", CT_INT, offsetof(struct config, token_cache_ttl), 0,
	  "60", 0, 3600, "读请求的令牌缓存时间（秒）；吊销令牌即时生效" },
	{ "retry_after", CT_INT, offsetof(struct config, retry_after), 0,
	  "5", 1, 3600, "数据库不可用时 503 应答的 Retry-After（秒）" },
	{ "shutdown_timeout", CT_INT, offsetof(struct config, shutdown_timeout), 0,
	  "8", 1, 60, "收到 SIGTERM 后等待进行中请求完成的最长时间（秒）" },
};
#define NENTRIES (sizeof config_table / sizeof config_table[0])

static const struct config_entry *
find(const char *name)
{
	size_t	 i;

	for (i = 0; i < NENTRIES; i++)
		if (strcmp(config_table[i].name, name) == 0)
			return (&config_table[i]);
	return (NULL);
}

void
config_defaults(struct config *c)
{
	size_t	 i;
	char	*cause;

	memset(c, 0, sizeof *c);
	for (i = 0; i < NENTRIES; i++)
		if (config_set(c, config_table[i].name, config_table[i].dflt,
		    &cause) != 0)
			abort();	/* the table is wrong */
}

void
config_free(struct config *c)
{
	size_t	 i;

	for (i = 0; i < NENTRIES; i++)
		if (config_table[i].type == CT_STRING) {
			char **p = (char **)((char *)c + config_table[i].offset);

			free(*p);
			*p = NULL;
		}
}

void
config_copy(struct config *dst, const struct config *src)
{
	size_t	 i;

	memcpy(dst, src, sizeof *dst);
	for (i = 0; i < NENTRIES; i++)
		if (config_table[i].type == CT_STRING) {
			char **p = (char **)((char *)dst + config_table[i].offset);

			*p = xstrdup(*p ? *p : "");
		}
}

int
config_set(struct config *c, const char *key, const char *value, char **cause)
{
	const struct config_entry	*e = find(key);
	char				*end;
	long				 v;

	if (e == NULL) {
		xasprintf(cause, "未知的配置项“%s”", key);
		return (-1);
	}
	if (e->type == CT_STRING) {
		char **p = (char **)((char *)c + e->offset);

		if (strcmp(key, "log_level") == 0 && strcmp(value, "notice") != 0 &&
		    strcmp(value, "info") != 0 && strcmp(value, "debug") != 0) {
			xasprintf(cause, "配置项 log_level 的值“%s”无效（notice、info 或 debug）",
			    value);
			return (-1);
		}
		if (strcmp(key, "smtp_tls") == 0 && strcmp(value, "no") != 0 &&
		    strcmp(value, "try") != 0 && strcmp(value, "yes") != 0) {
			xasprintf(cause, "配置项 smtp_tls 的值“%s”无效（no、try 或 yes）", value);
			return (-1);
		}
		if (strcmp(key, "secure_cookies") == 0 && strcmp(value, "auto") != 0 &&
		    strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
			xasprintf(cause, "配置项 secure_cookies 的值“%s”无效（auto、yes 或 no）",
			    value);
			return (-1);
		}
		if (strcmp(key, "listen") == 0 && strrchr(value, ':') == NULL) {
			xasprintf(cause, "配置项 listen 的值“%s”无效（应为 地址:端口）", value);
			return (-1);
		}
		free(*p);
		*p = xstrdup(value);
		return (0);
	}
	errno = 0;
	v = strtol(value, &end, 10);
	if (*value == '\0' || *end != '\0' || errno != 0 || v < e->min ||
	    v > e->max) {
		xasprintf(cause, "配置项 %s 的值“%s”无效（应为 %ld 到 %ld 之间的整数）",
		    key, value, e->min, e->max);
		return (-1);
	}
	*(int *)((char *)c + e->offset) = (int)v;
	return (0);
}

static char *
strip(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

int
config_read(const char *path, int must_exist, struct config *c, char **cause)
{
	struct config	 tmp;
	FILE		*f;
	char		 line[4096], *p, *eq, *why;
	int		 n = 0;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return (0);
		xasprintf(cause, "%s: 无法打开配置文件：%s", path, strerror(errno));
		return (-1);
	}
	config_copy(&tmp, c);
	while (fgets(line, sizeof line, f) != NULL) {
		n++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			xasprintf(cause, "%s:%d: 行过长", path, n);
			goto fail;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = strip(line);
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			xasprintf(cause, "%s:%d: 应为“键 = 值”", path, n);
			goto fail;
		}
		*eq = '\0';
		if (config_set(&tmp, strip(p), strip(eq + 1), &why) != 0) {
			xasprintf(cause, "%s:%d: %s", path, n, why);
			free(why);
			goto fail;
		}
	}
	fclose(f);
	config_free(c);
	*c = tmp;
	return (0);
fail:
	fclose(f);
	config_free(&tmp);
	return (-1);
}

int
config_load(const struct config_source *src, struct config *c, char **cause)
{
	const char	*env = getenv("DUBAN_DB");
	char		*why;

	config_defaults(c);
	if (config_read(src->path, src->must_exist, c, cause) != 0)
		goto fail;
	if (env != NULL && *env != '\0' && config_set(c, "db", env, &why) != 0)
		goto bad;
	if (src->db != NULL && config_set(c, "db", src->db, &why) != 0)
		goto bad;
	if (src->listen != NULL && config_set(c, "listen", src->listen, &why) != 0)
		goto bad;
	if (src->plans != NULL && config_set(c, "plans", src->plans, &why) != 0)
		goto bad;
	if (src->web != NULL && config_set(c, "web_root", src->web, &why) != 0)
		goto bad;
	/* A claim that can run out mid-transfer sends the reminder twice. */
	if (c->delivery_lease <= c->delivery_timeout) {
		why = xprintf("delivery_lease（%d 秒）须大于 delivery_timeout（%d 秒）："
		    "否则一次发送尚未结束租约就已到期，其他实例会再发一次",
		    c->delivery_lease, c->delivery_timeout);
		goto bad;
	}
	return (0);
bad:
	*cause = why;
fail:
	config_free(c);
	return (-1);
}

int
config_keep_restart(const struct config *running, struct config *next)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < NENTRIES; i++) {
		const struct config_entry *e = &config_table[i];
		const char *pa = (const char *)running + e->offset;
		char *pb = (char *)next + e->offset;

		if (!(e->flags & CF_RESTART))
			continue;
		if (e->type == CT_STRING) {
			char **sb = (char **)(void *)pb;

			if (strcmp(*(char *const *)pa, *sb) == 0)
				continue;
			free(*sb);
			*sb = xstrdup(*(char *const *)pa);
		} else {
			if (*(const int *)pa == *(int *)(void *)pb)
				continue;
			*(int *)(void *)pb = *(const int *)pa;
		}
		log_warnx("配置项 %s 的修改须重启 duband 才能生效，暂用原值", e->name);
		n++;
	}
	return (n);
}

int
config_log_level(const struct config *c)
{
	return (strcmp(c->log_level, "debug") == 0 ? 2 :
	    strcmp(c->log_level, "info") == 0 ? 1 : 0);
}

void
config_write_example(FILE *f)
{
	size_t	 i;

	fprintf(f, "# duband 配置文件（%s）。每行“键 = 值”，# 之后为注释。\n"
	    "# 标有 [重启] 的项改动后须重启 duband；其余项 SIGHUP（systemctl reload duband）即生效。\n\n",
	    CONFIG_DEFAULT_PATH);
	for (i = 0; i < NENTRIES; i++)
		fprintf(f, "# %s%s\n#%s = %s\n\n", config_table[i].doc,
		    config_table[i].flags & CF_RESTART ? " [重启]" : "",
		    config_table[i].name, config_table[i].dflt);
}
