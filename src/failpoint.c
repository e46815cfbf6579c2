/*
 * failpoint.c - failure injection for tests; see hln/failpoint.h.
 * Compiled to nothing unless HLN_FAILPOINTS is defined.
 */
#include "hln/failpoint.h"

#ifdef HLN_FAILPOINTS
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln/platform.h"

#define MAX_RULES 32

struct rule {
	char name[32];
	long nth; /* 0: every call */
	int err;
	atomic_long calls;
};

static struct rule rules[MAX_RULES];
static int nrules;
static FILE *trace;
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int ready;

static const struct {
	const char *name;
	int value;
} errnames[] = {
	{"EPERM", EPERM},     {"ENOENT", ENOENT},
	{"EIO", EIO},         {"EACCES", EACCES},
	{"EEXIST", EEXIST},   {"EXDEV", EXDEV},
	{"ENOTDIR", ENOTDIR}, {"EISDIR", EISDIR},
	{"EINVAL", EINVAL},   {"EMFILE", EMFILE},
	{"ENOSPC", ENOSPC},   {"EROFS", EROFS},
	{"EMLINK", EMLINK},   {"ENAMETOOLONG", ENAMETOOLONG},
	{"ELOOP", ELOOP},     {"ENOMEM", ENOMEM},
	{"EINTR", EINTR},     {"EBUSY", EBUSY},
	{"ENOSYS", ENOSYS},   {"EDQUOT", EDQUOT},
};

static int parse_errno(const char *s)
{
	for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
		if (strcmp(s, errnames[i].name) == 0)
			return errnames[i].value;
	char *end;
	long v = strtol(s, &end, 10);
	return (*s && !*end && v > 0 && v < 4096) ? (int)v : 0;
}

/* One rule: NAME=N:ERRNO. */
static int parse_rule(char *s, struct rule *r)
{
	char *eq = strchr(s, '=');
	char *colon = eq ? strchr(eq, ':') : NULL;
	if (!eq || !colon || eq == s || (size_t)(eq - s) >= sizeof r->name)
		return -EINVAL;
	*eq = *colon = '\0';
	strcpy(r->name, s);
	if (strcmp(eq + 1, "*") == 0) {
		r->nth = 0;
	} else {
		char *end;
		r->nth = strtol(eq + 1, &end, 10);
		if (*end || r->nth < 1)
			return -EINVAL;
	}
	r->err = parse_errno(colon + 1);
	if (!r->err)
		return -EINVAL;
	atomic_store(&r->calls, 0);
	return 0;
}

int failpoint_init(void)
{
	int rc = 0;
	nrules = 0;
	const char *spec = getenv("HLN_FAILPOINTS");
	if (spec && *spec) {
		char *copy = strdup(spec);
		if (!copy)
			return -ENOMEM;
		for (char *tok = strtok(copy, ","); tok && nrules < MAX_RULES;
		     tok = strtok(NULL, ",")) {
			if (parse_rule(tok, &rules[nrules]) < 0) {
				rc = -EINVAL;
				break;
			}
			nrules++;
		}
		free(copy);
	}
	if (trace) {
		fclose(trace);
		trace = NULL;
	}
	const char *tpath = getenv("HLN_FAILPOINT_TRACE");
	if (tpath && *tpath)
		trace = fopen(tpath, "a");
	atomic_store(&ready, 1);
	return rc;
}

int failpoint_hit(const char *name)
{
	if (!atomic_load(&ready))
		failpoint_init();
	if (trace) {
		pthread_mutex_lock(&trace_lock);
		fprintf(trace, "%s\n", name);
		fflush(trace);
		pthread_mutex_unlock(&trace_lock);
	}
	/* Every rule for NAME counts the call; the first that fires wins. */
	int rc = 0;
	for (int i = 0; i < nrules; i++) {
		struct rule *r = &rules[i];
		if (strcmp(r->name, name) != 0)
			continue;
		long n = atomic_fetch_add(&r->calls, 1) + 1;
		if (!rc && (r->nth == 0 || r->nth == n))
			rc = -r->err;
	}
	return rc;
}

void failpoint_hook(const char *name)
{
	const char *spec = getenv("HLN_TEST_HOOK");
	size_t len = strlen(name);
	if (!spec || strncmp(spec, name, len) != 0 || spec[len] != ':')
		return;
	fflush(NULL);
	int rc = hln_run_shell(spec + len + 1);
	if (rc < 0)
		fprintf(stderr, "hln: test hook: %s\n", strerror(-rc));
}
#else
/* ISO C forbids an empty translation unit. */
typedef int failpoint_unused;
#endif
