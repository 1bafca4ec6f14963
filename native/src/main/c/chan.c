/* The one ordered byte stream to the host: opening it (virtio-serial port in a VM, a unix
 * socket the host listens on in test mode), re-opening after EOF, framing in and out. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent.h"
#include "dispatch.h"

#define REOPEN_DELAY_MS 200
#define PORT_MISSING_LOG_MS 10000

int chan_connected(void) { return A.chan_fd >= 0; }

static int open_unix(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int open_port(void)
{
    char dev[256];
    if (init_find_port(dev, sizeof dev) < 0) {
        int64_t now = now_ms();
        if (A.port_missing_since_ms == 0)
            A.port_missing_since_ms = now;
        else if (A.port_missing_since_ms > 0 && now - A.port_missing_since_ms > PORT_MISSING_LOG_MS) {
            agent_log("virtio-serial port %s not found after %d s (is virtio_console loaded?)",
                      A.channel_name, PORT_MISSING_LOG_MS / 1000);
            A.port_missing_since_ms = -1; /* say it once */
        }
        return -1;
    }
    return open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
}

/* Test mode: a socket path that stays missing means the host (a test) is gone for good;
 * an agent left behind by a crashed test ends itself and its processes. */
#define SOCKET_GONE_EXIT_MS 30000

static void note_missing_socket(int missing)
{
    static int64_t since;
    if (!missing) {
        since = 0;
        return;
    }
    int64_t now = now_ms();
    if (since == 0)
        since = now;
    else if (now - since > SOCKET_GONE_EXIT_MS) {
        dprintf(2, "sbx-agent: %s missing for %d s: exiting\n", A.channel_path, SOCKET_GONE_EXIT_MS / 1000);
        exec_kill_all(SIGKILL);
        exit(3);
    }
}

void chan_try_open(void)
{
    int fd = A.channel_path ? open_unix(A.channel_path) : open_port();
    if (A.channel_path)
        note_missing_socket(fd < 0 && errno == ENOENT);
    if (fd < 0) {
        A.reopen_at_ms = now_ms() + REOPEN_DELAY_MS;
        return;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    A.chan_fd = fd;
    A.chan_is_socket = A.channel_path != NULL;
    A.session = 0;
    buf_clear(&A.in);
    buf_clear(&A.out);
    chan_send_hello();
}

void chan_drop(const char *why)
{
    if (A.chan_fd < 0)
        return;
    if (why)
        agent_log("dropping host connection: %s", why);
    close(A.chan_fd);
    A.chan_fd = -1;
    A.session = 0;
    A.hello_sent = 0;
    buf_clear(&A.in);
    buf_clear(&A.out);
    streams_on_disconnect();
    A.reopen_at_ms = now_ms() + REOPEN_DELAY_MS;
}

void chan_send(uint8_t type, uint32_t stream, const void *payload, size_t n)
{
    if (A.chan_fd < 0)
        return; /* nobody listens: output is dropped (PROTOCOL.md, lifecycle 3) */
    uint8_t hdr[FRAME_HEADER];
    set_u32(hdr, (uint32_t)(5 + n));
    hdr[4] = type;
    set_u32(hdr + 5, stream);
    buf_put(&A.out, hdr, sizeof hdr);
    buf_put(&A.out, payload, n);
}

void chan_send_buf(uint8_t type, uint32_t stream, const struct buf *payload)
{
    chan_send(type, stream, buf_head(payload), buf_avail(payload));
}

void chan_send_reset(uint32_t stream, const char *error)
{
    struct buf b = {0};
    struct tl_builder t;
    tl_begin(&t, &b);
    tl_addf(&t, "error=%s", error);
    tl_end(&t);
    chan_send_buf(T_RESET, stream, &b);
    buf_free(&b);
}

void chan_send_hello(void)
{
    struct buf b = {0};
    struct tl_builder t;
    tl_begin(&t, &b);
    tl_add(&t, "version=" PROTO_VERSION);
    tl_add(&t, "agent=sbx-agent/" SBX_AGENT_VERSION);
    tl_addf(&t, "boot_id=%s", A.boot_id);
    tl_addf(&t, "ready=%d", A.configured ? 1 : 0);
    tl_add(&t, "feature=port"); /* OPEN kind=port from the host (PROTOCOL.md, "Port streams") */
    tl_end(&t);
    chan_send_buf(T_HELLO, 0, &b);
    buf_free(&b);
    A.hello_sent = 1;
}

void chan_on_writable(void)
{
    while (A.chan_fd >= 0 && buf_avail(&A.out) > 0) {
        ssize_t w = A.chan_is_socket
                        ? send(A.chan_fd, buf_head(&A.out), buf_avail(&A.out), MSG_NOSIGNAL)
                        : write(A.chan_fd, buf_head(&A.out), buf_avail(&A.out));
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return;
            chan_drop(NULL); /* host went away; its EOF is the normal way to notice */
            return;
        }
        buf_consume(&A.out, (size_t)w);
    }
}

void chan_on_readable(void)
{
    buf_reserve(&A.in, 2 * (FRAME_HEADER + MAX_PAYLOAD));
    ssize_t r = read(A.chan_fd, A.in.p + A.in.len, A.in.cap - A.in.len);
    if (r < 0) {
        if (errno != EINTR && errno != EAGAIN)
            chan_drop(NULL);
        return;
    }
    if (r == 0) { /* EOF: no host on the other side (yet, or any more) */
        chan_drop(NULL);
        return;
    }
    A.in.len += (size_t)r;

    int fd = A.chan_fd;
    while (A.chan_fd == fd && buf_avail(&A.in) >= 4) {
        uint32_t len = get_u32(buf_head(&A.in));
        if (len < 5 || len > MAX_FRAME_LENGTH) {
            chan_drop("protocol error: bad frame length");
            return;
        }
        if (buf_avail(&A.in) < 4 + (size_t)len)
            break;
        /* The payload is used in place: nothing appends to A.in while a frame is handled, and
         * a handler that drops the connection (which clears A.in) ends this loop. */
        const uint8_t *f = buf_head(&A.in);
        dispatch_frame(f[4], get_u32(f + 5), f + 9, len - 5);
        if (A.chan_fd != fd)
            return;
        buf_consume(&A.in, 4 + (size_t)len);
    }
}
