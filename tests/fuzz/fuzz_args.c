/*
 * fuzz_args.c - the option and operand parsing of every command, through
 * hln_main as the shell would call it: argv made from the input, run in a
 * small temporary tree (files with several names, a copy, a directory, a
 * symlink, an empty file, a name starting with '-').  The commands that
 * change files get -n first, list gets --root=. (so that no run scans a
 * whole filesystem); an argument holding '/' or ".." is refused, so that
 * every path stays in the tree.  Checked: no crash, no sanitizer report,
 * an exit status of 0, 1, 2 or 130/143, and the tree unchanged after
 * every run (-n changes nothing; count and list never write).
 * Input: the first byte picks the command (or, past the table, the
 * command word is the first argument, if it is not one of the table's);
 * the rest is the arguments, separated by NUL bytes.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "hln.h"

#define MAX_ARGS 24

static const struct {
	const char *name;
	const char *fixed; /* an argument put first, or NULL */
} commands[] = {
	{"create", "-n"}, {"count", NULL},  {"list", "--root=."},
	{"break", "-n"},  {"dedupe", "-n"}, {"help", NULL},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* In a sanitizer's runtime only: where its reports go. */
void __sanitizer_set_report_fd(void *fd) __attribute__((weak));
/* In libFuzzer only (not in the replay). */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max)
	__attribute__((weak));

static char tree[4096];

static void put(const char *name, const char *text)
{
	FILE *fp = fopen(name, "w");
	CHECK(fp);
	fputs(text, fp);
	CHECK(fclose(fp) == 0);
}

/* What the tree holds: a line per entry, appended to *BUF. */
static void describe(const char *dir, char **buf, size_t *len, FILE *fp)
{
	DIR *d = opendir(dir);
	CHECK(d);
	struct dirent *e;
	char *names[64];
	size_t n = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && n < 64)
			names[n++] = strdup(e->d_name);
	closedir(d);
	/* readdir's order is stable for an unchanged directory */
	for (size_t i = 0; i < n; i++) {
		char path[8192];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		CHECK(lstat(path, &st) == 0);
		fprintf(fp, "%s %llu %llu %llu %o %lld.%09ld\n", path,
			(unsigned long long)st.st_ino,
			(unsigned long long)st.st_nlink,
			(unsigned long long)st.st_size, (unsigned)st.st_mode,
			(long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		if (S_ISDIR(st.st_mode))
			describe(path, buf, len, fp);
		free(names[i]);
	}
	(void)buf;
	(void)len;
}

static char *snapshot(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	CHECK(fp);
	describe(tree, &buf, &len, fp);
	CHECK(fclose(fp) == 0);
	return buf;
}

static char *before;

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

static void remove_tree(void)
{
	if (chdir("/") == 0)
		nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(tree, sizeof tree, "%s/hln-fuzz-args.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	CHECK(mkdtemp(tree));
	atexit(remove_tree);
	CHECK(chdir(tree) == 0);
	put("a", "same\n");
	CHECK(link("a", "b") == 0);
	put("c", "same\n");
	put("-x", "dash\n");
	put("z", "");
	CHECK(symlink("a", "s") == 0);
	CHECK(mkdir("d", 0755) == 0);
	put("d/e", "other\n");
	CHECK(link("d/e", "d/f") == 0);
	CHECK(link("a", "d/a") == 0);
	before = snapshot();
	/*
	 * hln's output, messages and progress line go nowhere; failed checks
	 * and sanitizer reports go to the standard error we were given.
	 */
	CHECK(freopen("/dev/null", "r", stdin));
	CHECK(freopen("/dev/null", "w", stdout));
	FILE *null = fopen("/dev/null", "w");
	CHECK(null);
	stderr = null; /* hln's messages */
	/*
	 * Under libFuzzer, -close_fd_mask=3 (tests/fuzz/run.sh) hides what
	 * hln writes to fd 2 itself (the progress line): fd 2 is libFuzzer's
	 * own output, left alone.  In the replay, fd 2 goes to /dev/null too.
	 */
	if (LLVMFuzzerMutate)
		return 0;
	fuzz_report_fd = dup(2);
	CHECK(fuzz_report_fd >= 0);
	if (__sanitizer_set_report_fd)
		__sanitizer_set_report_fd((void *)(intptr_t)fuzz_report_fd);
	CHECK(dup2(fileno(null), 2) == 2);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *argv[MAX_ARGS + 4];
	char *copy = malloc(size);
	CHECK(copy);
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	int argc = 0;
	argv[argc++] = "hln";
	size_t pick = data[0];
	const char *fixed = NULL;
	if (pick < NCOMMANDS) {
		argv[argc++] = (char *)commands[pick].name;
		fixed = commands[pick].fixed;
		if (fixed)
			argv[argc++] = (char *)fixed;
	}
	/* Arguments: the NUL-separated pieces of the rest. */
	if (pick >= NCOMMANDS)
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (strcmp(copy, commands[i].name) == 0) {
				free(copy); /* a command without its -n */
				return -1;
			}
	for (size_t i = 0; i < size - 1 && argc < MAX_ARGS + 3;) {
		char *arg = copy + i;
		size_t len = strlen(arg);
		if (strchr(arg, '/') || strstr(arg, "..")) {
			free(copy);
			return -1; /* not kept in the corpus */
		}
		argv[argc++] = arg;
		i += len + 1;
	}
	argv[argc] = NULL;
	optind = 0; /* getopt starts afresh: a new process, as it were */
	opterr = 1;
	int status = hln_main(argc, argv);
	CHECK(status == 0 || status == 1 || status == 2 || status == 130 ||
	      status == 143);
	char *after = snapshot();
	if (strcmp(before, after) != 0) {
		dprintf(fuzz_report_fd,
			"the tree changed:\n%s\nwas:\n%s\nafter:", after,
			before);
		for (int i = 0; i < argc; i++)
			dprintf(fuzz_report_fd, " '%s'", argv[i]);
		dprintf(fuzz_report_fd, "\n");
		CHECK(!"the tree changed");
	}
	free(after);
	free(copy);
	return 0;
}
