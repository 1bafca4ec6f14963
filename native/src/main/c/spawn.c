/* Turns an EXEC payload into a running process: argv, environment, cwd, uid/gid, and its
 * stdio as pipes or a pseudo-terminal. Failures before exec come back as text for EXIT. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "spawn.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

extern char **environ;

/* What the host asked for, decoded from the EXEC tagged list. */
struct exec_req {
    char **argv;
    size_t argc;
    char **envp;
    size_t nenv;
    const char *cwd;
    uid_t uid;
    gid_t gid;
    int want_stdin;
    int tty;            /* tty=1: a pseudo-terminal for stdin/stdout/stderr */
    unsigned short rows, cols;
};

int parse_id(const char *s, unsigned long *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > 0xFFFFFFFEul || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

/* Adds or replaces K=V (keys compared up to '='). */
static void env_set(struct exec_req *r, const char *kv, int replace)
{
    const char *eq = strchr(kv, '=');
    size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
    for (size_t i = 0; i < r->nenv; i++) {
        if (strncmp(r->envp[i], kv, klen) == 0 && r->envp[i][klen] == '=') {
            if (replace) {
                free(r->envp[i]);
                r->envp[i] = strdup(kv);
            }
            return;
        }
    }
    r->envp = realloc(r->envp, (r->nenv + 2) * sizeof *r->envp);
    if (!r->envp)
        abort();
    r->envp[r->nenv++] = strdup(kv);
    r->envp[r->nenv] = NULL;
}

static void req_free(struct exec_req *r)
{
    free(r->argv);
    for (size_t i = 0; i < r->nenv; i++)
        free(r->envp[i]);
    free(r->envp);
}

/* The passwd entry of a numeric uid, parsed by hand (no NSS in a static binary). */
struct pw_entry {
    int found;
    char name[64];
    char home[512];
    gid_t gid;
};

static void lookup_uid(uid_t uid, struct pw_entry *pw)
{
    char path[512];
    memset(pw, 0, sizeof *pw);
    snprintf(pw->home, sizeof pw->home, "%s", uid == 0 ? "/root" : "/");
    char *passwd = read_small_file(sysroot_path("/etc/passwd", path, sizeof path), NULL);
    if (!passwd)
        return;
    /* name:pw:uid:gid:gecos:home:shell */
    char *save = NULL;
    for (char *line = strtok_r(passwd, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[7] = {0};
        int k = 0;
        char *p = line;
        f[k++] = p;
        while (k < 7 && (p = strchr(p, ':'))) {
            *p++ = 0;
            f[k++] = p;
        }
        unsigned long u, g;
        if (k >= 6 && parse_id(f[2], &u) == 0 && u == uid && parse_id(f[3], &g) == 0) {
            pw->found = 1;
            pw->gid = (gid_t)g;
            snprintf(pw->name, sizeof pw->name, "%s", f[0]);
            snprintf(pw->home, sizeof pw->home, "%s", f[5]);
            break;
        }
    }
    free(passwd);
}

static const char *req_parse(struct exec_req *r, const struct strlist *l, char *home, size_t homen)
{
    memset(r, 0, sizeof *r);
    r->argv = calloc(l->n + 1, sizeof *r->argv);
    if (!r->argv)
        abort();
    size_t pos = 0;
    const char *v;
    while ((v = tag_next(l, "arg", &pos)))
        r->argv[r->argc++] = (char *)v;
    if (r->argc == 0)
        return "EXEC needs at least one arg=";

    /* Default ids are the agent's own: 0 in a VM (PROTOCOL.md), the caller's in test mode.
     * A uid= without gid= runs with that user's primary group from /etc/passwd. */
    unsigned long id = getuid();
    const char *uid_tag = tag_get(l, "uid");
    if (uid_tag && parse_id(uid_tag, &id) < 0)
        return "uid= must be a number";
    r->uid = (uid_t)id;
    struct pw_entry pw;
    lookup_uid(r->uid, &pw);
    id = uid_tag && pw.found ? pw.gid : getgid();
    if ((v = tag_get(l, "gid")) && parse_id(v, &id) < 0)
        return "gid= must be a number";
    r->gid = (gid_t)id;
    v = tag_get(l, "stdin");
    r->want_stdin = v && strcmp(v, "1") == 0;
    v = tag_get(l, "tty");
    r->tty = v && strcmp(v, "1") == 0;
    unsigned long dim;
    r->rows = (v = tag_get(l, "rows")) && parse_id(v, &dim) == 0 && dim > 0 && dim < 10000 ? (unsigned short)dim : 24;
    r->cols = (v = tag_get(l, "cols")) && parse_id(v, &dim) == 0 && dim > 0 && dim < 10000 ? (unsigned short)dim : 80;
    snprintf(home, homen, "%s", pw.home);
    r->cwd = tag_get(l, "cwd");

    /* configured environment, then the exec's own, then defaults for what is still missing */
    for (size_t i = 0; i < A.nenv; i++)
        env_set(r, A.env[i], 1);
    pos = 0;
    while ((v = tag_next(l, "env", &pos)))
        if (strchr(v, '='))
            env_set(r, v, 1);
    env_set(r, "PATH=" DEFAULT_PATH, 0);
    char kv[600];
    snprintf(kv, sizeof kv, "HOME=%s", home);
    env_set(r, kv, 0);
    if (pw.found) {
        snprintf(kv, sizeof kv, "USER=%s", pw.name);
        env_set(r, kv, 0);
        snprintf(kv, sizeof kv, "LOGNAME=%s", pw.name);
        env_set(r, kv, 0);
    }
    return NULL;
}

/* Runs in the child: never returns. Failures before exec go to errfd as text. */
static void child(const struct exec_req *r, const char *home, int in, int out, int err, int errfd)
    __attribute__((noreturn));
static void child(const struct exec_req *r, const char *home, int in, int out, int err, int errfd)
{
    const char *stage = "dup2";
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL); /* the agent ignores SIGPIPE; its children must not inherit that */
    setsid();
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        goto fail;
    stage = "controlling terminal";
    if (r->tty && ioctl(0, TIOCSCTTY, 0) < 0)
        goto fail;
    if (getuid() != r->uid || getgid() != r->gid || geteuid() == 0) {
        stage = "setgroups";
        if (setgroups(0, NULL) < 0 && (errno != EPERM || geteuid() == 0))
            goto fail;
        stage = "setgid";
        if (setgid(r->gid) < 0)
            goto fail;
        stage = "setuid";
        if (setuid(r->uid) < 0)
            goto fail;
    }
    if (r->cwd) {
        stage = "chdir";
        if (chdir(r->cwd) < 0)
            goto fail;
    } else if (chdir(home) < 0 && chdir("/") < 0) {
        stage = "chdir /";
        goto fail;
    }
    environ = r->envp;
    stage = "exec";
    execvp(r->argv[0], r->argv);
fail:;
    char msg[512];
    int e = errno;
    int n = snprintf(msg, sizeof msg, "%s %s: %s", stage,
                     strcmp(stage, "exec") == 0 ? r->argv[0] : (strcmp(stage, "chdir") == 0 ? r->cwd : ""),
                     strerror(e));
    if (n > 0) {
        ssize_t ignored = write(errfd, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
        (void)ignored;
    }
    _exit(127);
}

/* The child's ends (dup'ed onto 0, 1, 2) and ours (-1 where there is none). */
struct child_io {
    int child_in, child_out, child_err;
    int fd_in, fd_out, fd_err;
};

static void close_if(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void io_close_child(struct child_io *io)
{
    /* with a tty the three are one descriptor */
    if (io->child_err == io->child_out)
        io->child_err = -1;
    if (io->child_in == io->child_out)
        io->child_in = -1;
    close_if(&io->child_in);
    close_if(&io->child_out);
    close_if(&io->child_err);
}

static void io_close_parent(struct child_io *io)
{
    close_if(&io->fd_in);
    close_if(&io->fd_out);
    close_if(&io->fd_err);
}

/* stdout and stderr pipes; stdin a pipe (stdin=1) or /dev/null. */
static const char *open_pipes(const struct exec_req *r, struct child_io *io)
{
    int out[2], err[2], in[2] = {-1, -1};
    memset(io, -1, sizeof *io);
    if (pipe2(out, O_CLOEXEC) < 0)
        return strerror(errno);
    if (pipe2(err, O_CLOEXEC) < 0) {
        close(out[0]);
        close(out[1]);
        return strerror(errno);
    }
    if (r->want_stdin) {
        if (pipe2(in, O_CLOEXEC) < 0)
            in[0] = in[1] = -1;
    } else {
        in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    if (in[0] < 0 && pipe2(in, O_CLOEXEC) == 0) { /* no /dev/null: a pipe nobody writes to */
        close(in[1]);
        in[1] = -1;
    }
    *io = (struct child_io){in[0], out[1], err[1], in[1], out[0], err[0]};
    return NULL;
}

/* A pseudo-terminal: the child gets the slave as 0, 1 and 2 (and as its controlling
 * terminal); we read output from the master and write STDIN to a second descriptor of it. */
static const char *open_tty(const struct exec_req *r, struct child_io *io)
{
    memset(io, -1, sizeof *io);
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return "no pseudo-terminal: posix_openpt failed (is devpts mounted?)";
    char name[128];
    int slave = -1;
    struct winsize ws = {.ws_row = r->rows, .ws_col = r->cols};
    if (grantpt(master) < 0 || unlockpt(master) < 0 || ptsname_r(master, name, sizeof name) != 0 ||
        (slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 || ioctl(master, TIOCSWINSZ, &ws) < 0) {
        close(master);
        if (slave >= 0)
            close(slave);
        return "pseudo-terminal setup failed";
    }
    int writer = fcntl(master, F_DUPFD_CLOEXEC, 3);
    *io = (struct child_io){slave, slave, slave, writer, master, -1};
    return NULL;
}

int spawn_exec(const uint8_t *p, size_t n, struct spawned *out, char *err, size_t errn)
{
    struct strlist l;
    if (strlist_parse(p, n, &l) < 0) {
        snprintf(err, errn, "malformed EXEC payload");
        return -1;
    }
    int rc = -1;
    struct exec_req r;
    char home[512];
    const char *bad = req_parse(&r, &l, home, sizeof home);
    if (bad) {
        snprintf(err, errn, "%s", bad);
        goto done;
    }

    struct child_io io;
    int ep[2];
    const char *io_error = r.tty ? open_tty(&r, &io) : open_pipes(&r, &io);
    if (io_error) {
        snprintf(err, errn, "%s", io_error);
        goto done;
    }
    if (pipe2(ep, O_CLOEXEC) < 0) {
        snprintf(err, errn, "%s", strerror(errno));
        io_close_child(&io);
        io_close_parent(&io);
        goto done;
    }

    pid_t pid = fork();
    if (pid == 0)
        child(&r, home, io.child_in, io.child_out, io.child_err, ep[1]);
    int fork_errno = errno;
    io_close_child(&io);
    close(ep[1]);

    ssize_t got = 0;
    if (pid > 0) {
        /* The error pipe closes on exec (CLOEXEC) or carries why the child gave up. */
        for (;;) {
            ssize_t k = read(ep[0], err + got, errn - 1 - (size_t)got);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0 || (got += k) >= (ssize_t)errn - 1)
                break;
        }
    }
    close(ep[0]);
    if (pid < 0 || got > 0) {
        if (pid > 0) {
            err[got] = 0;
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        } else {
            snprintf(err, errn, "fork: %s", strerror(fork_errno));
        }
        io_close_parent(&io);
        goto done;
    }

    *out = (struct spawned){.pid = pid, .tty = r.tty, .fd_in = io.fd_in, .fd_out = io.fd_out, .fd_err = io.fd_err};
    int fds[3] = {io.fd_out, io.fd_err, io.fd_in};
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0)
            fcntl(fds[i], F_SETFL, O_NONBLOCK);
    rc = 0;
done:
    req_free(&r);
    strlist_free(&l);
    return rc;
}
