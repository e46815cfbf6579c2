/*
 * hln/failpoint.h - failure injection for tests (DESIGN.md #12).
 *
 * In a build with -DHLN_FAILPOINTS, every platform operation starts with
 * HLN_FAILPOINT("name").  The environment variable HLN_FAILPOINTS, a comma
 * separated list of NAME=N:ERRNO (N counts the calls of NAME from 1, or is
 * '*' for every call; ERRNO is a name such as ENOSPC or a number), makes
 * the Nth call of NAME fail with that errno.  HLN_FAILPOINT_TRACE=FILE
 * appends the name of every operation reached, one per line, so a test can
 * learn which failpoints a command passes and fail each in turn.
 * In a release build the macro is empty and nothing below is compiled in.
 */
#ifndef HLN_FAILPOINT_H
#define HLN_FAILPOINT_H

#ifdef HLN_FAILPOINTS
/*
 * Count a call of the operation NAME.  Returns 0 to go on, or the negative
 * errno the operation must fail with.
 */
int failpoint_hit(const char *name);

/*
 * (Re)read HLN_FAILPOINTS and HLN_FAILPOINT_TRACE and reset the counters.
 * Returns 0, or -EINVAL if the variable is malformed.
 */
int failpoint_init(void);

#define HLN_FAILPOINT(name)                                                    \
	do {                                                                   \
		int hln_fp_rc_ = failpoint_hit(name);                          \
		if (hln_fp_rc_ < 0)                                            \
			return hln_fp_rc_;                                     \
	} while (0)

/*
 * A test hook: when the environment variable HLN_TEST_HOOK is NAME:COMMAND,
 * run COMMAND with /bin/sh (and wait for it) each time the hook NAME is
 * reached, so a test can act at a precise moment (change the file being
 * copied, replace a name before the swap, send a signal).
 */
void failpoint_hook(const char *name);

#define HLN_HOOK(name) failpoint_hook(name)

/*
 * Run the shell command CMD (/bin/sh -c CMD) and wait for it: the test
 * hooks' one OS call, implemented by the platform layer in the failpoint
 * build only (the release binary runs no shell).  Returns 0 once it has
 * run (whatever its exit status), -ENOSYS where there is no POSIX shell
 * (Windows), or -errno.
 */
int hln_run_shell(const char *cmd);

/* Whether the failpoint NAME fires now: for faults that are not errors. */
#define HLN_FAILPOINT_FIRES(name) (failpoint_hit(name) < 0)

/*
 * The failure of NAME as a value, for an operation that must finish its
 * work (close the descriptor) before it fails: 0, or the negative errno.
 */
#define HLN_FAILPOINT_RC(name) failpoint_hit(name)
#else
#define HLN_FAILPOINT(name)                                                    \
	do {                                                                   \
	} while (0)
static inline int failpoint_init(void) { return 0; }
#define HLN_HOOK(name)                                                         \
	do {                                                                   \
	} while (0)
#define HLN_FAILPOINT_FIRES(name) 0
#define HLN_FAILPOINT_RC(name) 0
#endif

#endif
