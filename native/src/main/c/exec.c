/* EXEC streams: start (spawn.c does the process), STDIN, SIGNAL, RESET; stdout and stderr
 * streamed under flow control; EXIT once the process has exited and its output is drained. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "spawn.h"

static void send_exit_error(uint32_t id, const char *error)
{
    struct buf b = {0};
    struct tl_builder t;
    tl_begin(&t, &b);
    tl_add(&t, "code=127");
    tl_addf(&t, "error=%s", error);
    tl_end(&t);
    chan_send_buf(T_EXIT, id, &b);
    buf_free(&b);
}

void exec_start(uint32_t id, const uint8_t *p, size_t n)
{
    struct spawned sp;
    char err[512];
    if (spawn_exec(p, n, &sp, err, sizeof err) < 0) {
        send_exit_error(id, err);
        return;
    }
    struct stream *s = stream_new(id, STREAM_EXEC);
    s->pid = sp.pid;
    s->tty = sp.tty;
    s->fd_in = sp.fd_in;
    s->fd_out = sp.fd_out;
    s->fd_err = sp.fd_err;

    struct buf b = {0};
    struct tl_builder t;
    tl_begin(&t, &b);
    tl_addf(&t, "pid=%d", (int)sp.pid);
    tl_end(&t);
    chan_send_buf(T_STARTED, id, &b);
    buf_free(&b);
}

void exec_on_stdin(struct stream *s, const uint8_t *p, size_t n)
{
    if (n == 0) {
        s->in_eof = 1;
    } else if (stream_accept_host_data(s, p, n) < 0) {
        stream_fail(s, "STDIN beyond the flow-control window");
        return;
    }
    exec_write_stdin(s);
}

void exec_write_stdin(struct stream *s)
{
    if (s->fd_in < 0) {
        stream_discard_inq(s); /* stdin=0 or already closed: consume and credit */
        return;
    }
    if (stream_write_inq(s, s->fd_in) < 0) { /* EPIPE: the process closed its stdin */
        close(s->fd_in);
        s->fd_in = -1;
        stream_discard_inq(s);
        return;
    }
    if (s->in_eof && buf_avail(&s->inq) == 0) {
        if (s->tty) { /* a terminal has no half close: end input as a user would, with ^D */
            ssize_t ignored = write(s->fd_in, "\x04", 1);
            (void)ignored;
        }
        close(s->fd_in);
        s->fd_in = -1;
    }
}

void exec_on_signal(struct stream *s, const uint8_t *p, size_t n)
{
    struct strlist l;
    unsigned long sig = 0;
    if (strlist_parse(p, n, &l) < 0) {
        stream_fail(s, "malformed SIGNAL payload");
        return;
    }
    const char *v = tag_get(&l, "signal");
    const char *rows = tag_get(&l, "rows"), *cols = tag_get(&l, "cols");
    unsigned long nr, nc;
    if (rows && cols && s->tty && s->fd_out >= 0 && parse_id(rows, &nr) == 0 && parse_id(cols, &nc) == 0 &&
        nr > 0 && nr < 10000 && nc > 0 && nc < 10000) {
        struct winsize ws = {.ws_row = (unsigned short)nr, .ws_col = (unsigned short)nc};
        ioctl(s->fd_out, TIOCSWINSZ, &ws); /* the kernel sends SIGWINCH to the foreground group */
        if (!v) {
            strlist_free(&l);
            return;
        }
    }
    if (parse_id(v, &sig) < 0 || sig < 1 || sig >= (unsigned long)NSIG) {
        strlist_free(&l);
        stream_fail(s, "SIGNAL needs signal=<1..64>");
        return;
    }
    strlist_free(&l);
    if (!s->exited && kill(-s->pid, (int)sig) < 0)
        kill(s->pid, (int)sig);
}

void exec_kill(struct stream *s)
{
    if (!s->exited) {
        kill(-s->pid, SIGKILL);
        kill(s->pid, SIGKILL);
    }
    s->dead = 1; /* the reaper collects the zombie; sweep closes the pipes */
}

void exec_kill_all(int sig)
{
    for (struct stream *s = A.streams; s; s = s->next)
        if (s->kind == STREAM_EXEC && !s->dead && !s->exited)
            kill(-s->pid, sig);
}

static uint8_t scratch[MAX_PAYLOAD];

void exec_pump(struct stream *s, int fd)
{
    int *slot = fd == s->fd_out ? &s->fd_out : &s->fd_err;
    size_t max = stream_send_limit(s);
    if (max == 0)
        return;
    ssize_t r = read(fd, scratch, max);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (r < 0 && errno == EIO && s->tty) {
        /* Every slave descriptor is closed. Closing the master now would hang up the
         * terminal and SIGHUP a process that is just exiting: keep it until the exit. */
        s->tty_hup = 1;
        return;
    }
    if (r <= 0) {
        close(fd);
        *slot = -1;
        return;
    }
    stream_send_data(s, slot == &s->fd_out ? T_STDOUT : T_STDERR, scratch, (size_t)r);
}

/* After the process exited, what its pipes hold is all it wrote; a pipe still held open by a
 * background child no longer delays EXIT once it is empty. A terminal is different: what the
 * process wrote last may still be on its way through the tty layer when FIONREAD says 0, so
 * the end of a terminal is EIO (no slave left), or quiet for TTY_GRACE_MS after the exit. */
#define TTY_GRACE_MS 250

static int drained(struct stream *s, int *fd)
{
    while (*fd >= 0) {
        int avail = 0;
        if (s->tty_hup || ioctl(*fd, FIONREAD, &avail) < 0) {
            avail = 0;
        } else if (avail == 0 && s->tty) {
            int64_t quiet_until = s->exited_at_ms + TTY_GRACE_MS;
            if (now_ms() < quiet_until) {
                wake_at(quiet_until);
                return 0;
            }
        }
        if (avail == 0) {
            close(*fd);
            *fd = -1;
            return 1;
        }
        if (stream_send_limit(s) == 0)
            return 0; /* wait for CREDIT */
        exec_pump(s, *fd);
    }
    return 1;
}

void exec_finish_if_done(struct stream *s)
{
    if (s->dead || !s->exited)
        return;
    if (!drained(s, &s->fd_out) || !drained(s, &s->fd_err))
        return;
    if (!s->orphan) {
        struct buf b = {0};
        struct tl_builder t;
        tl_begin(&t, &b);
        if (WIFSIGNALED(s->status))
            tl_addf(&t, "signal=%d", WTERMSIG(s->status));
        else
            tl_addf(&t, "code=%d", WEXITSTATUS(s->status));
        tl_end(&t);
        chan_send_buf(T_EXIT, s->id, &b);
        buf_free(&b);
    }
    s->dead = 1;
}

void exec_reap_children(void)
{
    struct signalfd_siginfo si;
    while (read(A.sig_fd, &si, sizeof si) == (ssize_t)sizeof si)
        ;
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (struct stream *s = A.streams; s; s = s->next) {
            if (s->kind == STREAM_EXEC && s->pid == pid && !s->exited) {
                s->exited = 1;
                s->exited_at_ms = now_ms();
                s->status = status;
                break;
            }
        }
    }
}
