/* Shared state of sbx-agent: one process, one event loop, everything reachable from `A`. */
#ifndef SBX_AGENT_H
#define SBX_AGENT_H

#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "proto.h"

#ifndef SBX_AGENT_VERSION
#define SBX_AGENT_VERSION "dev"
#endif

enum stream_kind { STREAM_EXEC, STREAM_TUNNEL };

/* One multiplexed stream: an exec (odd id, host-opened), a proxy tunnel (even id, guest-opened)
 * or a port stream (odd id, host-opened: OPEN kind=port, a connection to a guest port). Port
 * streams are tunnels once connected: the same DATA/CLOSE/RESET/CREDIT handling. */
struct stream {
    uint32_t id;
    enum stream_kind kind;
    int dead;        /* removed at the end of the loop iteration */
    int orphan;      /* detached: opened on a connection that has since gone away */
    uint64_t window; /* bytes we may still send (STDOUT/STDERR/DATA) */
    uint64_t peer_window; /* bytes the host may still send us before violating flow control */
    uint64_t consumed;    /* host bytes consumed since our last CREDIT */
    struct buf inq;       /* host bytes (STDIN/DATA) not yet written to the fd */
    int in_eof;           /* host closed its direction: close/shut down once inq is written */

    /* exec */
    pid_t pid;
    int fd_in, fd_out, fd_err; /* -1 once closed */
    int exited;
    int status;
    int tty;      /* stdout is a pseudo-terminal master (stderr merged into it) */
    int tty_hup;  /* the terminal's slave side is closed: stop polling the master */
    int64_t exited_at_ms;

    /* tunnel */
    int sock;
    int opened;     /* host sent OPENED: start reading the socket */
    int local_eof;  /* the socket reached EOF and we sent CLOSE */
    int wr_shut;    /* we shut down the socket's write side after the host's CLOSE */
    int connecting; /* port stream: non-blocking connect in progress, answer OPENED/RESET when done */
    unsigned port;  /* port stream: the guest port it connects to */

    struct stream *next;
};

struct agent {
    /* how we run */
    int init_mode;            /* PID 1 duties (mounts, modules, power off) */
    const char *channel_path; /* --channel: unix socket the host listens on (test mode) */
    char channel_name[128];   /* virtio-serial port name (VM mode) */
    char sysroot[256];        /* prefix for files CONFIGURE writes; "" means / */
    char boot_id[64];

    /* channel to the host */
    int chan_fd;              /* -1 while not open */
    int chan_is_socket;
    int session;              /* host HELLO received on this connection */
    int hello_sent;           /* our HELLO went out since the last host HELLO */
    struct buf in, out;
    int64_t reopen_at_ms;
    int64_t port_missing_since_ms;

    /* configuration from CONFIGURE */
    int configured;
    char **env;
    size_t nenv;
    int proxy_fd;
    char proxy_addr[64];
    uint32_t next_even;

    struct stream *streams;
    struct buf pending_logs; /* LOG lines waiting for a host session */
    int sig_fd;
};

extern struct agent A;

/* main.c */
int64_t now_ms(void);
/* Makes the loop wake up by this time even if nothing happens. */
void wake_at(int64_t ms);

/* log.c: one line to stderr (the serial console in a VM) and, when a host listens, a LOG frame. */
void agent_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_flush_pending(void);

/* chan.c */
void chan_try_open(void);
void chan_drop(const char *why);
void chan_send(uint8_t type, uint32_t stream, const void *payload, size_t n);
void chan_send_buf(uint8_t type, uint32_t stream, const struct buf *payload);
void chan_send_reset(uint32_t stream, const char *error);
void chan_send_hello(void);
void chan_on_readable(void);
void chan_on_writable(void);
int chan_connected(void);

/* stream.c */
struct stream *stream_new(uint32_t id, enum stream_kind kind);
struct stream *stream_find(uint32_t id);
void stream_sweep(void);
void stream_fail(struct stream *s, const char *error);
int stream_may_send(const struct stream *s);
size_t stream_send_limit(const struct stream *s);
void stream_send_data(struct stream *s, uint8_t type, const uint8_t *p, size_t n);
void stream_discard_inq(struct stream *s);
int stream_accept_host_data(struct stream *s, const uint8_t *p, size_t n);
void stream_consumed(struct stream *s, size_t n);
int stream_write_inq(struct stream *s, int fd);
void stream_on_credit(struct stream *s, const uint8_t *p, size_t n);
void streams_on_disconnect(void);

/* exec.c */
void exec_start(uint32_t id, const uint8_t *p, size_t n);
void exec_on_stdin(struct stream *s, const uint8_t *p, size_t n);
void exec_on_signal(struct stream *s, const uint8_t *p, size_t n);
void exec_kill(struct stream *s);
void exec_pump(struct stream *s, int fd);
void exec_write_stdin(struct stream *s);
void exec_finish_if_done(struct stream *s);
void exec_reap_children(void);
void exec_kill_all(int sig);

/* tunnel.c */
int tunnel_listen(const char *addr, char *err, size_t errn);
void tunnel_accept(void);
void tunnel_on_opened(struct stream *s);
void tunnel_on_data(struct stream *s, const uint8_t *p, size_t n);
void tunnel_on_close(struct stream *s);
void tunnel_abort(struct stream *s);
void tunnel_pump(struct stream *s);
void tunnel_write(struct stream *s);

/* port.c: host-opened streams to guest ports (OPEN kind=port) */
void port_open(uint32_t id, const uint8_t *p, size_t n);
void port_on_connected(struct stream *s);

/* configure.c */
void configure_apply(const uint8_t *p, size_t n);
const char *sysroot_path(const char *path, char *out, size_t n);

/* init.c: PID 1 duties */
void init_early(void);
int init_find_port(char *dev, size_t n);
void init_shutdown(void) __attribute__((noreturn));
void init_ensure_stdio(void);

/* util */
int write_file(const char *path, const void *data, size_t n, int append, mode_t mode);
int mkdir_p(const char *path, mode_t mode);
char *read_small_file(const char *path, size_t *len);

#endif
