/* maxrss - run a command and print its peak resident set size.
 *
 *   maxrss COMMAND [ARG]...
 *
 * Runs COMMAND with its standard output sent to /dev/null (standard error is
 * left alone), waits for it with wait4() and prints the child's ru_maxrss in
 * KiB (Linux units) on standard output. Exit status: the command's own, 128+N
 * if it was killed by signal N, 127 if it could not be started.
 *
 * Used by bench/run.sh instead of GNU time, which is not always installed.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: maxrss COMMAND [ARG]...\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "maxrss: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			if (fd != STDOUT_FILENO)
				close(fd);
		}
		execvp(argv[1], argv + 1);
		fprintf(stderr, "maxrss: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	int status;
	struct rusage ru;
	pid_t r;
	do
		r = wait4(pid, &status, 0, &ru);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		fprintf(stderr, "maxrss: wait4: %s\n", strerror(errno));
		return 127;
	}
	printf("%ld\n", ru.ru_maxrss);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}
