/*
 * measure: runs commands side by side and reports median wall time and
 * peak resident memory, without GNU time.
 *
 *     measure [-r ROUNDS] [-n RUNS] [-w] [-i IN] [-o OUT] [-e ERR]
 *             CMD [ARG]... [::: CMD [ARG]...]...
 *
 * Commands are separated by ":::".  Each round runs every command RUNS
 * times (default 1) in turn, forwards in even rounds and backwards in odd
 * ones (A B, B A, A B, ...), so that drift in a noisy machine's speed falls
 * on all commands alike.  -w runs each command once first, unrecorded, to
 * warm caches.  Standard input comes from IN, output goes to OUT and errors
 * to ERR (each /dev/null unless given).
 *
 * Each run is timed with CLOCK_MONOTONIC from just before fork() to just
 * after wait4(), and its peak RSS is wait4()'s ru_maxrss.  On Linux that
 * maximum includes this process's own image up to exec, which is why this
 * program allocates nothing big before forking: its resident size (about
 * 1 MiB) stays below any command's.
 *
 * Output, one line per command, in the order given:
 *
 *     cmd=K runs=N wall_med=S wall_q1=S wall_q3=S wall_min=S
 *         rss_med=KIB rss_max=KIB status=CODES
 *
 * (one line; times in seconds, CODES the distinct exit codes, "sigN" for a
 * signal).  Exit status 0 when every run ended by exit() with a code other
 * than 126 or 127, 1 when a command could not be run or died of a signal,
 * 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16

struct command {
	char **argv;
	double *wall;
	long *rss;
	size_t n;
	bool codes[256];
	bool signals[65];
};

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
redirect(int fd, const char *path, int flags)
{
	int f = open(path, flags, 0644);
	if (f < 0) {
		fprintf(stderr, "measure: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (f != fd) {
		dup2(f, fd);
		close(f);
	}
}

/* Runs CMD once; records the sample unless WARMUP. */
static void
run_once(struct command *cmd, const char *in, const char *out, const char *err,
         bool warmup)
{
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "measure: fork: %s\n", strerror(errno));
		exit(1);
	}
	if (pid == 0) {
		redirect(STDIN_FILENO, in, O_RDONLY);
		redirect(STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC);
		redirect(STDERR_FILENO, err, O_WRONLY | O_CREAT | O_TRUNC);
		execvp(cmd->argv[0], cmd->argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	pid_t w;
	while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
		;
	double t1 = now();
	if (w < 0) {
		fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
		exit(1);
	}
	if (WIFEXITED(status))
		cmd->codes[WEXITSTATUS(status) & 255] = true;
	else if (WIFSIGNALED(status))
		cmd->signals[WTERMSIG(status) & 63] = true;
	if (warmup)
		return;
	cmd->wall[cmd->n] = t1 - t0;
	cmd->rss[cmd->n] = ru.ru_maxrss;
	cmd->n++;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

/* The Q-quantile of sorted V by linear interpolation; Q=0.5: the median. */
static double
quantile(const double *v, size_t n, double q)
{
	if (n == 0)
		return 0;
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	double frac = pos - (double)i;
	return i + 1 < n ? v[i] + frac * (v[i + 1] - v[i]) : v[i];
}

static void
usage(void)
{
	fputs("usage: measure [-r ROUNDS] [-n RUNS] [-w] [-i IN] [-o OUT] [-e ERR] "
	      "CMD [ARG]... [::: CMD [ARG]...]...\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	long rounds = 11, runs = 1;
	bool warm = false;
	const char *in = "/dev/null", *out = "/dev/null", *err = "/dev/null";
	int c;
	/* "+": options end at the first command word. */
	while ((c = getopt(argc, argv, "+r:n:wi:o:e:")) != -1) {
		char *end;
		switch (c) {
		case 'r':
			rounds = strtol(optarg, &end, 10);
			if (*end || rounds < 1 || rounds > 100000)
				usage();
			break;
		case 'n':
			runs = strtol(optarg, &end, 10);
			if (*end || runs < 1 || runs > 100000)
				usage();
			break;
		case 'w':
			warm = true;
			break;
		case 'i':
			in = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'e':
			err = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();

	static struct command cmds[MAX_CMDS];
	size_t ncmds = 0;
	for (int i = optind; i < argc;) {
		if (ncmds == MAX_CMDS)
			usage();
		struct command *cmd = &cmds[ncmds++];
		cmd->argv = &argv[i];
		while (i < argc && strcmp(argv[i], ":::") != 0)
			i++;
		if (&argv[i] == cmd->argv)
			usage();
		if (i < argc)
			argv[i++] = NULL;    /* the separator ends this argv */
		size_t max = (size_t)rounds * (size_t)runs;
		cmd->wall = calloc(max, sizeof(*cmd->wall));
		cmd->rss = calloc(max, sizeof(*cmd->rss));
		if (cmd->wall == NULL || cmd->rss == NULL) {
			fputs("measure: out of memory\n", stderr);
			return 1;
		}
	}

	if (warm)
		for (size_t k = 0; k < ncmds; k++)
			run_once(&cmds[k], in, out, err, true);
	for (long r = 0; r < rounds; r++)
		for (size_t j = 0; j < ncmds; j++) {
			struct command *cmd = &cmds[r % 2 == 0 ? j : ncmds - 1 - j];
			for (long k = 0; k < runs; k++)
				run_once(cmd, in, out, err, false);
		}

	int rc = 0;
	for (size_t k = 0; k < ncmds; k++) {
		struct command *cmd = &cmds[k];
		qsort(cmd->wall, cmd->n, sizeof(*cmd->wall), cmp_double);
		qsort(cmd->rss, cmd->n, sizeof(*cmd->rss), cmp_long);
		printf("cmd=%zu runs=%zu wall_med=%.6f wall_q1=%.6f wall_q3=%.6f "
		       "wall_min=%.6f rss_med=%ld rss_max=%ld status=",
		       k + 1, cmd->n, quantile(cmd->wall, cmd->n, 0.5),
		       quantile(cmd->wall, cmd->n, 0.25), quantile(cmd->wall, cmd->n, 0.75),
		       cmd->n ? cmd->wall[0] : 0.0, cmd->n ? cmd->rss[cmd->n / 2] : 0L,
		       cmd->n ? cmd->rss[cmd->n - 1] : 0L);
		const char *sep = "";
		for (int s = 0; s < 256; s++)
			if (cmd->codes[s]) {
				printf("%s%d", sep, s);
				sep = ",";
				if (s == 126 || s == 127)
					rc = 1;
			}
		for (int s = 0; s < 65; s++)
			if (cmd->signals[s]) {
				printf("%ssig%d", sep, s);
				sep = ",";
				rc = 1;
			}
		printf("\n");
		free(cmd->wall);
		free(cmd->rss);
	}
	return fflush(stdout) == 0 ? rc : 1;
}
