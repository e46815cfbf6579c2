/*
 * summary.c - the tree summary of count -r; see hln/summary.h.
 *
 * A file with one link can be counted on the spot: each worker adds it
 * to tallies of its own, without a lock.  A file with more links may be
 * met again under another name, so it goes into one table by (dev, ino),
 * under a lock, with its link count and the names of it seen; the
 * arithmetic is done once, at the end.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "hln/inotab.h"
#include "hln/summary.h"

/* What one worker adds up. */
struct tally {
	/* a cache line each, so workers do not share one */
	_Alignas(64) uint64_t names, apparent;
	uint64_t single_files, single_size; /* inodes with one link */
};

struct summary {
	pthread_mutex_t lock;
	struct inotab multi; /* inodes with more than one link */
	struct tally tally[WALK_MAX_THREADS];
};

struct summary *summary_new(void)
{
	struct summary *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	inotab_init(&s->multi);
	return s;
}

void summary_free(struct summary *s)
{
	if (!s)
		return;
	inotab_free(&s->multi);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int summary_add(struct summary *s, int worker, const struct hln_stat *st)
{
	if (st->type == HLN_T_DIR)
		return 1;
	struct tally *t =
		&s->tally[worker >= 0 && worker < WALK_MAX_THREADS ? worker
								   : 0];
	t->names++;
	t->apparent += st->size;
	if (st->nlink <= 1) {
		t->single_files++;
		t->single_size += st->size;
		return 0;
	}
	int isnew;
	pthread_mutex_lock(&s->lock);
	struct inotab_entry *e =
		inotab_get(&s->multi, st->dev, st->ino, &isnew);
	if (e) {
		if (isnew) {
			e->nlink = st->nlink > UINT32_MAX ? UINT32_MAX
							  : (uint32_t)st->nlink;
			e->size = st->size;
		}
		e->names++;
	}
	pthread_mutex_unlock(&s->lock);
	if (!e) { /* not counted after all */
		t->names--;
		t->apparent -= st->size;
		return -ENOMEM;
	}
	return 0;
}

struct summing {
	struct summary *s;
	struct walk_progress *progress;
	void (*error)(void *ctx, const char *path, int err);
	void *ctx;
};

static int summing_entry(void *ctx, const struct walk_entry *e)
{
	struct summing *k = ctx;
	if (hln_signal_pending())
		return 1;
	struct hln_stat buf;
	const struct hln_stat *st;
	int rc = walk_entry_stat(e, 0, &buf, &st); /* 1: nothing to count */
	if (rc == 0)
		rc = summary_add(k->s, e->worker, st);
	if (rc == 0 && st->nlink > 1)
		walk_found(k->progress);
	return rc < 0 ? rc : 0;
}

static void summing_error(void *ctx, const char *path, int err)
{
	struct summing *k = ctx;
	if (k->error)
		k->error(k->ctx, path, err);
}

int summary_walk(struct summary *s, const char *root, const struct walk_opts *o,
		 void (*error)(void *ctx, const char *path, int err), void *ctx)
{
	struct summing k = {s, o->progress, error, ctx};
	const struct walk_ops ops = {.entry = summing_entry,
				     .error = summing_error};
	return walk_tree(root, o, &ops, &k);
}

void summary_result(const struct summary *s, struct tree_summary *out)
{
	*out = (struct tree_summary){0};
	uint64_t single_size = 0;
	for (int w = 0; w < WALK_MAX_THREADS; w++) {
		out->names += s->tally[w].names;
		out->apparent += s->tally[w].apparent;
		out->files += s->tally[w].single_files;
		single_size += s->tally[w].single_size;
	}
	out->used = out->freed = single_size;
	size_t pos = 0;
	for (struct inotab_entry *e; (e = inotab_next(&s->multi, &pos));) {
		out->files++;
		out->used += e->size;
		out->linked.inodes++;
		out->linked.names += e->names;
		if (e->nlink > e->names)
			out->outside++;
		else
			out->freed += e->size;
	}
	out->saved = out->apparent - out->used;
}
