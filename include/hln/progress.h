/*
 * hln/progress.h - the progress line of a long walk, on stderr: the
 * counters of a struct walk_progress (hln/walk.h), redrawn at most ten
 * times a second.  walk_tree starts and stops it; output.c draws it.
 */
#ifndef HLN_PROGRESS_H
#define HLN_PROGRESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "hln/walk.h"

/* A progress line being shown. */
struct progress {
	const struct walk_progress *n; /* the counters shown */
	const char *what; /* the word for "found": "links", "groups", ... */
	uint64_t start_ns;
	atomic_int stop;
	pthread_t thread;
	int running;
};

/* Whether to show progress: FORCE > 0 yes, < 0 no, 0 if stderr is a tty. */
int progress_wanted(int force);

/*
 * Start showing the counters N (when ENABLED) on stderr, at most 10 times
 * a second, until progress_end.  WHAT names the "found" counter, or NULL
 * to omit it.  The time shown counts from N->start_ns, set to now if it is
 * 0.  Returns 1 if the line is shown, 0 if not (not ENABLED, or no thread
 * to draw it).
 */
int progress_begin(struct progress *p, struct walk_progress *n, int enabled,
		   const char *what);

/* Stop the display and erase the line (nothing if it was not shown). */
void progress_end(struct progress *p);

#endif
