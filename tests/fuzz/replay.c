/*
 * replay.c - runs a libFuzzer target's committed corpus once, as a
 * regression test, in every variant's suite (linked with the target
 * instead of libFuzzer, with that variant's compiler).  Every file of the
 * directory FUZZ_CORPUS (compiled in) is given to LLVMFuzzerTestOneInput;
 * a crash or a failed check (abort) fails the test binary.  Prints
 * cmocka's closing lines, which tests/run.sh adds up.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_CORPUS
#error "FUZZ_CORPUS must name the corpus directory"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A target without an initializer gets this one. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : FUZZ_CORPUS;
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		printf("[  FAILED  ] 1 test(s), listed below:\n");
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof *names);
			if (!names)
				abort();
		}
		if (!(names[n++] = strdup(e->d_name)))
			abort();
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	/* The report goes to the stdout we were given: a target may close
	 * or redirect its own. */
	FILE *report = fdopen(dup(1), "w");
	if (!report)
		abort();
	LLVMFuzzerInitialize(&argc, &argv);
	static char buf[1 << 20];
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *fp = fopen(path, "rb");
		if (!fp) {
			perror(path);
			fprintf(report,
				"[  FAILED  ] 1 test(s), listed below:\n");
			return 1;
		}
		size_t len = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		/* A copy of exactly LEN bytes, so ASan sees reads past it. */
		uint8_t *data = malloc(len ? len : 1);
		if (!data)
			abort();
		memcpy(data, buf, len);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		free(names[i]);
	}
	free(names);
	fprintf(report, "[==========] %s: %zu corpus input(s) replayed.\n", dir,
		n);
	fprintf(report, "[  PASSED  ] 1 test(s).\n");
	fclose(report);
	return 0;
}
