/* sbx-agent: the sbx guest agent. PID 1 in a microVM (or, with --no-init, an ordinary
 * process serving a unix socket for tests). One single-threaded poll() loop serves the host
 * channel, child processes, proxy tunnels and port streams. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define DEFAULT_CHANNEL_NAME "dev.sbx.agent"

struct agent A = {.chan_fd = -1, .proxy_fd = -1, .sig_fd = -1, .next_even = 2};

static int64_t next_wake_ms = INT64_MAX;

void wake_at(int64_t ms)
{
    if (ms < next_wake_ms)
        next_wake_ms = ms;
}

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: sbx-agent [--channel PATH] [--no-init] [--sysroot DIR] [--port-name NAME]\n"
            "  PID 1 in a VM by default: mounts, modules, then serves /dev/virtio-ports/%s.\n"
            "  --channel PATH   connect to the unix socket PATH (the host listens) instead\n"
            "  --no-init        skip PID 1 duties (test mode; implied when not PID 1)\n"
            "  --sysroot DIR    write CONFIGURE's files (passwd, CA, ...) under DIR\n"
            "  --port-name NAME virtio-serial port name (default: /etc/sbx/channel or %s)\n"
            "  --version        print the version\n",
            DEFAULT_CHANNEL_NAME, DEFAULT_CHANNEL_NAME);
}

static void parse_args(int argc, char **argv)
{
    int no_init = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--no-init") == 0) {
            no_init = 1;
        } else if (strcmp(a, "--channel") == 0 && next) {
            A.channel_path = next;
            i++;
        } else if (strcmp(a, "--sysroot") == 0 && next) {
            snprintf(A.sysroot, sizeof A.sysroot, "%s", strcmp(next, "/") == 0 ? "" : next);
            i++;
        } else if (strcmp(a, "--port-name") == 0 && next) {
            snprintf(A.channel_name, sizeof A.channel_name, "%s", next);
            i++;
        } else if (strcmp(a, "--version") == 0) {
            printf("sbx-agent/%s protocol %s\n", SBX_AGENT_VERSION, PROTO_VERSION);
            exit(0);
        } else if (strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (getpid() != 1) { /* the kernel may pass PID 1 arguments we do not know */
            usage(stderr);
            exit(2);
        }
    }
    A.init_mode = getpid() == 1 && !no_init;
}

/* The kernel's boot id in a VM; in test mode a fresh id per agent process, so a host can tell
 * a restarted agent from a reconnected one. */
static void read_boot_id(void)
{
    const char *src = A.init_mode ? "/proc/sys/kernel/random/boot_id" : "/proc/sys/kernel/random/uuid";
    char *id = read_small_file(src, NULL);
    if (!id)
        id = read_small_file("/proc/sys/kernel/random/boot_id", NULL);
    snprintf(A.boot_id, sizeof A.boot_id, "%s", id ? id : "unknown");
    A.boot_id[strcspn(A.boot_id, "\r\n")] = 0;
    free(id);
}

static void setup_signals(void)
{
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    A.sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (A.sig_fd < 0) {
        perror("sbx-agent: signalfd");
        if (!A.init_mode)
            exit(1);
    }
}

/* What each pollfd entry stands for. */
enum slot_kind { SLOT_SIGNAL, SLOT_CHANNEL, SLOT_LISTENER, SLOT_OUT, SLOT_ERR, SLOT_IN, SLOT_SOCK };
struct slot {
    enum slot_kind kind;
    struct stream *stream; /* valid through handle(): streams are freed only by the sweep */
};

static struct pollfd *pfds;
static struct slot *slots;
static size_t nslots, capslots;

static void add(int fd, short events, enum slot_kind kind, struct stream *stream)
{
    if (fd < 0 || events == 0)
        return;
    if (nslots == capslots) {
        capslots = capslots ? capslots * 2 : 32;
        pfds = realloc(pfds, capslots * sizeof *pfds);
        slots = realloc(slots, capslots * sizeof *slots);
        if (!pfds || !slots)
            abort();
    }
    pfds[nslots] = (struct pollfd){.fd = fd, .events = events};
    slots[nslots] = (struct slot){.kind = kind, .stream = stream};
    nslots++;
}

/* The host must read what we write; if it stops, stop reading it (and our sources) too. */
#define OUT_HIGH_WATER (8u << 20)

static void build_pollset(void)
{
    nslots = 0;
    int out_full = buf_avail(&A.out) > OUT_HIGH_WATER;
    add(A.sig_fd, POLLIN, SLOT_SIGNAL, NULL);
    if (A.chan_fd >= 0)
        add(A.chan_fd, (short)((out_full ? 0 : POLLIN) | (buf_avail(&A.out) ? POLLOUT : 0)), SLOT_CHANNEL, NULL);
    if (A.proxy_fd >= 0 && A.session && !out_full)
        add(A.proxy_fd, POLLIN, SLOT_LISTENER, NULL);
    for (struct stream *s = A.streams; s; s = s->next) {
        if (s->dead)
            continue;
        int readable = stream_may_send(s) && !out_full;
        if (s->kind == STREAM_EXEC) {
            add(s->fd_out, readable && !s->tty_hup ? POLLIN : 0, SLOT_OUT, s);
            add(s->fd_err, readable ? POLLIN : 0, SLOT_ERR, s);
            add(s->fd_in, buf_avail(&s->inq) ? POLLOUT : 0, SLOT_IN, s);
        } else if (s->connecting) {
            add(s->sock, POLLOUT, SLOT_SOCK, s); /* writable = the connect finished, either way */
        } else {
            short ev = (short)((readable && s->opened && !s->local_eof ? POLLIN : 0) |
                               (buf_avail(&s->inq) ? POLLOUT : 0));
            add(s->sock, ev, SLOT_SOCK, s);
        }
    }
}

static void handle(size_t i)
{
    short re = pfds[i].revents;
    if (!re)
        return;
    struct slot sl = slots[i];
    if (sl.kind == SLOT_SIGNAL) {
        exec_reap_children();
        return;
    }
    if (sl.kind == SLOT_CHANNEL) {
        if (pfds[i].fd != A.chan_fd)
            return;
        if (re & POLLIN)
            chan_on_readable();
        else if (re & (POLLHUP | POLLERR)) /* virtio-serial: no host connected */
            chan_drop(NULL);
        if (A.chan_fd == pfds[i].fd && (re & POLLOUT))
            chan_on_writable();
        return;
    }
    if (sl.kind == SLOT_LISTENER) {
        if (A.proxy_fd == pfds[i].fd)
            tunnel_accept();
        return;
    }
    struct stream *s = sl.stream;
    if (s->dead)
        return;
    switch (sl.kind) {
    case SLOT_OUT:
        if (s->fd_out == pfds[i].fd)
            exec_pump(s, s->fd_out);
        break;
    case SLOT_ERR:
        if (s->fd_err == pfds[i].fd)
            exec_pump(s, s->fd_err);
        break;
    case SLOT_IN:
        if (s->fd_in == pfds[i].fd)
            exec_write_stdin(s);
        break;
    case SLOT_SOCK:
        if (s->sock != pfds[i].fd)
            break;
        if (s->connecting) {
            port_on_connected(s);
            break;
        }
        if (re & POLLOUT || ((re & (POLLHUP | POLLERR)) && buf_avail(&s->inq)))
            tunnel_write(s);
        if (!s->dead && (re & (POLLIN | POLLHUP | POLLERR)))
            tunnel_pump(s);
        break;
    default:
        break;
    }
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    if (!A.channel_name[0])
        snprintf(A.channel_name, sizeof A.channel_name, "%s", DEFAULT_CHANNEL_NAME);
    if (A.init_mode)
        init_early();
    init_ensure_stdio();
    if (!A.init_mode && !A.channel_path) {
        fprintf(stderr, "sbx-agent: not PID 1: pass --channel PATH (test mode)\n");
        return 2;
    }
    read_boot_id();
    setup_signals();

    for (;;) {
        if (A.chan_fd < 0 && now_ms() >= A.reopen_at_ms)
            chan_try_open();
        next_wake_ms = INT64_MAX;
        if (A.chan_fd < 0)
            wake_at(A.reopen_at_ms);
        for (struct stream *s = A.streams; s; s = s->next)
            if (s->kind == STREAM_EXEC)
                exec_finish_if_done(s);
        stream_sweep();
        if (A.chan_fd >= 0 && buf_avail(&A.out))
            chan_on_writable(); /* most writes complete at once: saves a poll round */

        build_pollset();
        int timeout = -1;
        if (next_wake_ms != INT64_MAX) {
            int64_t left = next_wake_ms - now_ms();
            timeout = left < 0 ? 0 : left > 60000 ? 60000 : (int)left;
        }
        int n = poll(pfds, nslots, timeout);
        if (n < 0) {
            if (errno != EINTR)
                agent_log("poll: %s", strerror(errno));
            continue;
        }
        for (size_t i = 0; i < nslots; i++)
            handle(i);
    }
}
