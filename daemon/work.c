/*
 * Work off the loop: rendering a report (parsing megabytes of JSON,
 * writing an XLSX through temporary files) takes longer than the loop
 * may stop for.  A few worker threads take jobs from a bounded queue;
 * each finished job comes back to the loop through a pipe, where its
 * done callback answers the request.  The threads touch nothing of the
 * loop's: a job owns its input and output until it comes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "work.h"
#include "xmalloc.h"

#define WORK_THREADS_MAX	8

struct job {
	work_fn		 fn;
	work_fn		 done;
	void		*arg;
	struct job	*next;
};

struct work {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct job	*head, *tail;
	int		 queued;	/* waiting or running */
	int		 queue_max;
	int		 quit;
	pthread_t	 threads[WORK_THREADS_MAX];
	int		 nthreads;
	int		 pipe[2];
	struct event	*ev;
};

static void *
worker(void *arg)
{
	struct work	*w = arg;
	struct job	*j;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->head == NULL && !w->quit)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->head == NULL) {
			pthread_mutex_unlock(&w->lock);
			return (NULL);
		}
		j = w->head;
		if ((w->head = j->next) == NULL)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);
		j->fn(j->arg);
		/* A pointer's worth: written whole (PIPE_BUF). */
		while (write(w->pipe[1], &j, sizeof j) == -1 && errno == EINTR)
			;
	}
}

static void
work_back(evutil_socket_t fd, short what, void *arg)
{
	struct work	*w = arg;
	struct job	*j;

	(void)what;
	while (read(fd, &j, sizeof j) == (ssize_t)sizeof j) {
		pthread_mutex_lock(&w->lock);
		w->queued--;
		pthread_mutex_unlock(&w->lock);
		j->done(j->arg);
		free(j);
	}
}

struct work *
work_new(struct event_base *base, int threads, int queue_max)
{
	struct work	*w = xcalloc(1, sizeof *w);
	int		 i;

	if (threads > WORK_THREADS_MAX)
		threads = WORK_THREADS_MAX;
	w->queue_max = queue_max;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		fatal("pipe2");
	w->ev = event_new(base, w->pipe[0], EV_READ | EV_PERSIST, work_back, w);
	event_add(w->ev, NULL);
	for (i = 0; i < threads; i++) {
		if (pthread_create(&w->threads[i], NULL, worker, w) != 0) {
			log_warn("无法启动工作线程");
			break;
		}
		w->nthreads++;
	}
	return (w);
}

int
work_submit(struct work *w, work_fn fn, work_fn done, void *arg)
{
	struct job	*j;

	pthread_mutex_lock(&w->lock);
	if (w->nthreads == 0 || w->queued >= w->queue_max || w->quit) {
		pthread_mutex_unlock(&w->lock);
		return (-1);
	}
	j = xcalloc(1, sizeof *j);
	j->fn = fn;
	j->done = done;
	j->arg = arg;
	if (w->tail != NULL)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	w->queued++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return (0);
}

/*
 * Stops the threads once the queue is empty.  The server stops only
 * when no request is in flight, so no job is left by then; any finished
 * job still in the pipe is answered first.
 */
void
work_free(struct work *w)
{
	int	 i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	work_back(w->pipe[0], EV_READ, w);
	event_free(w->ev);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
