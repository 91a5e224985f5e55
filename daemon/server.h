/*
 * duband's lifecycle: server_run() builds every module from the
 * configuration, listens, and runs the loop; it handles the signals as
 * events (SIGHUP reloads through reload.c; SIGTERM or SIGINT stops
 * listening, says STOPPING=1 and waits, at most shutdown_timeout
 * seconds, until each module says it is idle; a second one exits at
 * once), pings the systemd watchdog, and says READY=1 once the database
 * answers (or after a while without it).  It computes the public base
 * address (site.c) whenever a configuration is applied.
 *
 * The top of the daemon: it calls every module and no module calls it,
 * but through the callbacks it registers (a request finished, the
 * outbox finished something, a reload read a configuration, the
 * database went up or down, NOTIFY).  Called by main.c.
 */
#ifndef DUBAN_SERVER_H
#define DUBAN_SERVER_H

struct config;
struct config_source;

/*
 * Serves with cfg (taken: freed here) until stopped; src says where a
 * reload reads the configuration from (kept by the caller), verbose is
 * added to log_level.  Returns 0 after a clean stop, or an exit status
 * from <sysexits.h> (EX_UNAVAILABLE when it cannot listen).
 */
int	server_run(struct config *cfg, const struct config_source *src,
	    int verbose);

#endif
