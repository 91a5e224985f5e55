/*
 * SIGHUP: the configuration file and the plans are read and checked on a
 * thread, off the loop (reading files is disk I/O), and the result is
 * handed back through a pipe.  A configuration with an error is logged
 * and the old one kept; plans go through the same all-or-nothing loader
 * as `duban plan load`, as one statement, so a broken file changes
 * nothing in the database.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "diag.h"
#include "duband.h"
#include "load.h"
#include "log.h"
#include "xmalloc.h"

struct reload_job {
	struct server	*s;
	struct config	 cfg;
	int		 cfg_ok;
	char		*cfg_err;
	char		*plans_json;	/* plans to load, or NULL */
	char		*plans_err;	/* why the plans were refused */
	int		 nplans;
	struct web	*web;		/* the pages, read again */
	char		*web_err;
};

int
server_read_config(struct server *s, struct config *c, char **cause)
{
	const char	*env = getenv("DUBAN_DB");
	char		*why;

	config_defaults(c);
	if (config_read(s->config_path, s->config_given, c, cause) != 0)
		goto fail;
	if (env != NULL && *env != '\0' && config_set(c, "db", env, &why) != 0)
		goto bad;
	if (s->flag_db != NULL && config_set(c, "db", s->flag_db, &why) != 0)
		goto bad;
	if (s->flag_listen != NULL &&
	    config_set(c, "listen", s->flag_listen, &why) != 0)
		goto bad;
	if (s->flag_plans != NULL &&
	    config_set(c, "plans", s->flag_plans, &why) != 0)
		goto bad;
	if (s->flag_web != NULL &&
	    config_set(c, "web_root", s->flag_web, &why) != 0)
		goto bad;
	return (0);
bad:
	*cause = why;
fail:
	config_free(c);
	return (-1);
}

static void
job_free(struct reload_job *j)
{
	if (j->cfg_ok)
		config_free(&j->cfg);
	free(j->cfg_err);
	free(j->plans_err);
	free(j->plans_json);
	web_free(j->web);
	free(j->web_err);
	free(j);
}

static void *
reload_thread(void *arg)
{
	struct reload_job	*j = arg;
	struct diags		 d;
	char			**paths, *buf = NULL;
	size_t			 len = 0;
	int			 n;
	json_t			*plans;
	FILE			*f;

	j->cfg_ok = server_read_config(j->s, &j->cfg, &j->cfg_err) == 0;
	if (j->cfg_ok && *j->cfg.web_root != '\0')
		j->web = web_load(j->cfg.web_root, &j->web_err);
	if (j->cfg_ok && *j->cfg.plans != '\0') {
		if (load_list_dir(j->cfg.plans, &paths, &n, &j->plans_err) == 0) {
			diags_init(&d);
			if ((plans = load_read_files(paths, n, &d)) != NULL) {
				j->plans_json = json_dumps(plans, JSON_COMPACT);
				j->nplans = n;
				json_decref(plans);
			} else {
				f = open_memstream(&buf, &len);
				diags_print(&d, f);
				fclose(f);
				j->plans_err = buf;
			}
			diags_free(&d);
			load_free_list(paths, n);
		}
	}
	/* A pointer's worth of bytes: written whole (PIPE_BUF). */
	while (write(j->s->reload_pipe[1], &j, sizeof j) == -1 && errno == EINTR)
		;
	return (NULL);
}

/* The reload is over: tell systemd (and anyone waiting), maybe go again. */
static void
reload_finished(struct server *s)
{
	s->reloading = 0;
	sd_notify(0, "READY=1\nSTATUS=reloaded");
	if (s->reload_again && !s->stopping) {
		s->reload_again = 0;
		reload_start(s);
	}
}

static void
plans_loaded(PGresult *res, const char *err, void *arg)
{
	struct server	*s = arg;
	char		*buf = NULL;
	size_t		 len = 0;
	json_t		*report;
	FILE		*f;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warnx("重新导入计划失败，数据库中的计划保持不变：%s",
		    res ? PQresultErrorMessage(res) : err);
		reload_finished(s);
		return;
	}
	if ((report = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL) {
		reload_finished(s);
		return;
	}
	f = open_memstream(&buf, &len);
	load_print_report(report, f);
	fclose(f);
	/* One log line per plan. */
	for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n"))
		log_notice("重新导入计划：%s", line);
	free(buf);
	json_decref(report);
	reload_finished(s);
}

static void
reload_done(evutil_socket_t fd, short what, void *arg)
{
	struct server		*s = arg;
	struct reload_job	*j;
	const char		*params[2];
	char			*line, *save = NULL;
	int			 queued;

	(void)what;
	if (read(fd, &j, sizeof j) != (ssize_t)sizeof j)
		return;
	pthread_join(s->reload_tid, NULL);
	s->reload_thread = 0;
	if (!j->cfg_ok) {
		log_warnx("重新加载配置失败，继续使用原配置：%s", j->cfg_err);
	} else {
		config_keep_restart(&s->cfg, &j->cfg);
		config_free(&s->cfg);
		s->cfg = j->cfg;
		log_set_verbose(config_log_level(&s->cfg) + s->verbose);
		pool_reconfigure(s->pool, s->cfg.db, s->cfg.queue_max,
		    s->cfg.query_timeout * 1000);
		http_apply_limits(s);
		outbox_apply_config(s->outbox);
		log_notice("已重新加载配置");
		j->cfg_ok = 0;		/* s->cfg owns it now */
		if (j->web_err != NULL)
			log_warnx("网页未重新读入，继续使用原来的：%s", j->web_err);
		else {
			/* Pages being sent have their bytes in evbuffers already. */
			web_free(s->web);
			s->web = j->web;
			j->web = NULL;
			if (*s->cfg.web_root == '\0') {
				web_free(s->web);
				s->web = NULL;
			}
		}
	}
	queued = 0;
	if (j->plans_err != NULL) {
		for (line = strtok_r(j->plans_err, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			log_warnx("计划文件有误，未重新导入，数据库中的计划保持不变：%s", line);
	} else if (j->plans_json != NULL) {
		params[0] = j->plans_json;
		params[1] = "duband（SIGHUP 重新导入）";
		if (pool_query(s->pool, LOAD_SQL, 2, params, plans_loaded, s) == 0)
			queued = 1;
		else
			log_warnx("数据库不可用，本次未重新导入计划");
	}
	job_free(j);
	if (!queued)
		reload_finished(s);
}

/*
 * Stopping: a reload thread still reading files is waited for (it has
 * no blocking I/O but the files), and what it made is dropped.
 */
void
reload_shutdown(struct server *s)
{
	struct reload_job	*j;

	if (!s->reload_thread)
		return;
	pthread_join(s->reload_tid, NULL);
	s->reload_thread = 0;
	if (read(s->reload_pipe[0], &j, sizeof j) == (ssize_t)sizeof j)
		job_free(j);
}

int
reload_init(struct server *s)
{
	if (pipe2(s->reload_pipe, O_CLOEXEC) != 0)
		return (-1);
	s->ev_reload = event_new(s->base, s->reload_pipe[0], EV_READ | EV_PERSIST,
	    reload_done, s);
	return (event_add(s->ev_reload, NULL));
}

void
reload_start(struct server *s)
{
	struct reload_job	*j;

	if (s->reloading) {
		s->reload_again = 1;
		return;
	}
	log_notice("收到 SIGHUP：重新加载配置和计划");
	sd_notify(0, "RELOADING=1");
	j = xcalloc(1, sizeof *j);
	j->s = s;
	s->reloading = 1;
	if (pthread_create(&s->reload_tid, NULL, reload_thread, j) != 0) {
		log_warn("无法启动重新加载线程");
		s->reloading = 0;
		free(j);
		return;
	}
	s->reload_thread = 1;
}
