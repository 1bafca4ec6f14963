/* Starting the process of an EXEC stream. */
#ifndef SBX_SPAWN_H
#define SBX_SPAWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct spawned {
    pid_t pid;
    int tty;
    int fd_in, fd_out, fd_err; /* ours, non-blocking; -1 where there is none */
};

/* Starts what an EXEC payload describes. Returns 0, or -1 with the reason (for EXIT's
 * error=) in err. */
int spawn_exec(const uint8_t *payload, size_t n, struct spawned *out, char *err, size_t errn);

/* A decimal id 0..2^32-2; returns 0, or -1 when s is not one. */
int parse_id(const char *s, unsigned long *out);

#endif
