/*
 * duband's configuration: one struct, described by one table (name,
 * type, default, limits, whether a change needs a restart), as PgBouncer
 * does.  A reload parses into a new struct and swaps it only when it is
 * valid.  Calls no other module of the daemon's, so it is tested alone.
 * Called by main.c (start), reload.c (SIGHUP, on its thread) and
 * server.c; every module that has limits reads the running struct.
 */
#ifndef DUBAN_CONFIG_H
#define DUBAN_CONFIG_H

#include <stdio.h>

#define CONFIG_DEFAULT_PATH	"/etc/duban/duband.conf"

struct config {
	char	*listen;		/* ADDR:PORT */
	char	*db;			/* libpq conninfo */
	char	*plans;			/* directory of *.yaml, or "" */
	char	*log_level;		/* notice, info, debug */
	char	*smtp_url;		/* smtp://host:25, or "" */
	char	*smtp_from;
	char	*smtp_from_name;
	char	*smtp_user;
	char	*smtp_password;
	char	*smtp_tls;		/* no, try, yes */
	char	*public_url;		/* links in messages */
	char	*web_root;		/* the pages, or "" */
	char	*secure_cookies;	/* auto, yes, no */
	int	 session_ttl;
	int	 reminders;		/* 0: no sweeps, no deliveries */
	int	 sweep_interval;
	int	 delivery_poll_ms;
	int	 delivery_concurrency;
	int	 delivery_lease;
	int	 delivery_timeout;
	int	 retry_base_ms;
	int	 retry_max_ms;
	int	 retry_attempts;
	int	 pool_size;
	int	 pipeline_depth;
	int	 queue_max;
	int	 max_connections;
	int	 max_body;
	int	 upload_max;		/* bytes per evidence file */
	int	 upload_entry_max;	/* bytes per entry's files */
	int	 upload_memory;		/* bytes all uploads may hold */
	int	 upload_timeout;	/* seconds one upload may take */
	int	 max_fill_body;	/* an uploaded 填报表 (api-fill.c) */
	int	 max_plan_body;	/* an uploaded plan file (api-plans.c) */
	int	 max_headers;
	int	 max_per_client;	/* connections from one address */
	int	 header_timeout;	/* seconds for a request's head */
	int	 http_timeout;
	int	 query_timeout;
	int	 token_cache_ttl;
	int	 retry_after;
	int	 shutdown_timeout;
};

/* Where a configuration comes from, beside the defaults. */
struct config_source {
	const char	*path;		/* the file */
	int		 must_exist;	/* it was named on the command line */
	/* The command line's settings, which win over the file; or NULL. */
	const char	*listen, *db, *plans, *web;
};

void	config_defaults(struct config *);
void	config_free(struct config *);
void	config_copy(struct config *dst, const struct config *src);

/*
 * Sets one key from its text.  Returns 0, or -1 with *cause (allocated)
 * naming the key and what is wrong; the struct is unchanged then.
 */
int	config_set(struct config *, const char *key, const char *value,
	    char **cause);

/*
 * Reads "key = value" lines (# comments) from path into *c, which holds
 * defaults or earlier values.  A missing file is an error only when
 * must_exist.  Returns 0, or -1 with *cause as "FILE:LINE: message".
 */
int	config_read(const char *path, int must_exist, struct config *,
	    char **cause);

/*
 * Puts back, in next, running's values of the keys read only at start;
 * returns how many there were, each logged.
 */
int	 config_keep_restart(const struct config *running, struct config *next);
/* log_level as a verbosity: notice 0, info 1, debug 2. */
int	 config_log_level(const struct config *);

/*
 * Reads the configuration as src says: defaults, then the file, then
 * DUBAN_DB from the environment, then the command line's settings.
 * Returns 0, or -1 with *cause (allocated); *c is then empty.
 */
int	 config_load(const struct config_source *src, struct config *c,
	    char **cause);

/* Writes an example configuration with every key documented. */
void	config_write_example(FILE *);

#endif
