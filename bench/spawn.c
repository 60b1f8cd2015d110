/* spawn.c - a process per message, as an MTA's pipe delivery runs them.
 *
 *   build/bench/spawn -p P DIR N -- COMMAND [ARG...]
 *   build/bench/spawn --noop
 *
 * Runs COMMAND N times, at most P at once, each with DIR/<i>.eml on its
 * standard input (i = 0..N-1) and its output thrown away, and prints
 *
 *   spawned N in S s: R/s, F failed (exit status not 0)
 *
 * posix_spawn (a vfork underneath) keeps the spawner's own cost near the
 * floor, so the figure is what the command costs, not what Python's
 * subprocess costs. --noop exits at once: linked statically, it is the
 * cheapest process this machine can start, and its rate the ceiling of any
 * process-per-message delivery here (bench/mail prints it next to
 * `opora mail-in`). Built static by the Makefile; libc only. */
#include "base/common.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void usage(void)
{
    fprintf(stderr, "usage: spawn -p P DIR N -- COMMAND [ARG...] | spawn --noop\n");
    exit(2);
}

static long number(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 1 || v > 10000000) usage();
    return v;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Starts cmd with DIR/<i>.eml as stdin and /dev/null as stdout/stderr. */
static pid_t start(char **cmd, const char *dir, long i)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%ld.eml", dir, i) >= (int)sizeof path) usage();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, path, O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int e = posix_spawn(&pid, cmd[0], &fa, NULL, cmd, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e) {
        fprintf(stderr, "spawn: %s: %s\n", cmd[0], strerror(e));
        exit(1);
    }
    return pid;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--noop") == 0) return 0;
    if (argc < 7 || strcmp(argv[1], "-p") != 0 || strcmp(argv[5], "--") != 0) usage();
    long p = number(argv[2]), n = number(argv[4]);
    const char *dir = argv[3];
    char **cmd = argv + 6;

    long next = 0, running = 0, failed = 0;
    double t0 = now();
    while (next < n || running > 0) {
        while (running < p && next < n) {
            start(cmd, dir, next++);
            running++;
        }
        int st;
        if (wait(&st) < 0) {
            perror("spawn: wait");
            return 1;
        }
        running--;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) failed++;
    }
    double dt = now() - t0;
    printf("spawned %ld in %.2f s: %.1f/s, %ld failed (exit status not 0)\n", n, dt,
           (double)n / dt, failed);
    return 0;
}
