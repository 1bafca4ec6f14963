/* The stream table and per-stream flow control (PROTOCOL.md "Flow control"): a send window
 * that CREDIT refills, and the host's window that we refill as its bytes are consumed. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent.h"

struct stream *stream_new(uint32_t id, enum stream_kind kind)
{
    struct stream *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->id = id;
    s->kind = kind;
    s->window = INITIAL_WINDOW;
    s->peer_window = INITIAL_WINDOW;
    s->fd_in = s->fd_out = s->fd_err = s->sock = -1;
    s->next = A.streams;
    A.streams = s;
    return s;
}

/* Live streams of the current connection; detached ones have no id any more. */
struct stream *stream_find(uint32_t id)
{
    for (struct stream *s = A.streams; s; s = s->next)
        if (s->id == id && !s->dead && !s->orphan)
            return s;
    return NULL;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

void stream_sweep(void)
{
    struct stream **pp = &A.streams;
    while (*pp) {
        struct stream *s = *pp;
        if (!s->dead) {
            pp = &s->next;
            continue;
        }
        *pp = s->next;
        close_fd(&s->fd_in);
        close_fd(&s->fd_out);
        close_fd(&s->fd_err);
        close_fd(&s->sock);
        buf_free(&s->inq);
        free(s);
    }
}

void stream_fail(struct stream *s, const char *error)
{
    chan_send_reset(s->id, error);
    if (s->kind == STREAM_EXEC)
        exec_kill(s);
    else
        tunnel_abort(s);
}

/* Output of streams nobody listens to (opened on a connection that is gone) is read and
 * dropped so their processes never block on a full pipe. */
static int output_dropped(const struct stream *s) { return s->orphan || A.chan_fd < 0; }

int stream_may_send(const struct stream *s) { return output_dropped(s) || s->window > 0; }

size_t stream_send_limit(const struct stream *s)
{
    if (output_dropped(s))
        return MAX_PAYLOAD;
    return s->window < MAX_PAYLOAD ? (size_t)s->window : MAX_PAYLOAD;
}

void stream_send_data(struct stream *s, uint8_t type, const uint8_t *p, size_t n)
{
    if (output_dropped(s))
        return;
    chan_send(type, s->id, p, n);
    s->window -= n;
}

int stream_accept_host_data(struct stream *s, const uint8_t *p, size_t n)
{
    if (n > s->peer_window)
        return -1;
    s->peer_window -= n;
    buf_put(&s->inq, p, n);
    return 0;
}

void stream_consumed(struct stream *s, size_t n)
{
    s->consumed += n;
    if (s->consumed == 0)
        return;
    if (s->consumed >= CREDIT_CHUNK || buf_avail(&s->inq) == 0) {
        uint8_t v[4];
        uint64_t c = s->consumed > UINT32_MAX ? UINT32_MAX : s->consumed;
        set_u32(v, (uint32_t)c);
        chan_send(T_CREDIT, s->id, v, 4);
        s->peer_window += c;
        s->consumed -= c;
    }
}

void stream_discard_inq(struct stream *s)
{
    size_t n = buf_avail(&s->inq);
    buf_clear(&s->inq);
    stream_consumed(s, n);
}

int stream_write_inq(struct stream *s, int fd)
{
    while (buf_avail(&s->inq) > 0) {
        ssize_t w = write(fd, buf_head(&s->inq), buf_avail(&s->inq));
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return 0;
            return -1;
        }
        buf_consume(&s->inq, (size_t)w);
        stream_consumed(s, (size_t)w);
    }
    return 0;
}

void stream_on_credit(struct stream *s, const uint8_t *p, size_t n)
{
    if (n != 4) {
        stream_fail(s, "CREDIT payload must be 4 bytes");
        return;
    }
    s->window += get_u32(p);
}

void streams_on_disconnect(void)
{
    for (struct stream *s = A.streams; s; s = s->next) {
        if (s->dead)
            continue;
        if (s->kind == STREAM_TUNNEL) {
            tunnel_abort(s); /* its other half, the host's proxy connection, is gone */
            continue;
        }
        /* Detached: the process runs on until it exits by itself, its output is read and
         * dropped, and nobody will send it more stdin. */
        s->orphan = 1;
        buf_clear(&s->inq);
        if (s->fd_in >= 0) {
            close(s->fd_in);
            s->fd_in = -1;
        }
    }
}
