/* Routes frames: control frames on stream 0, exec and port frames on odd streams, tunnel
 * frames on even ones. Enforces the error rules of PROTOCOL.md: an unknown type on stream 0 drops the
 * connection, an unknown type on another stream gets RESET. */
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "dispatch.h"

/* A host HELLO starts a host session. Streams of a previous connection were detached when it
 * went away (their processes run on, invisible to the new host: stream ids start afresh with
 * every connection). A HELLO inside a running session means a new host connected without the
 * agent seeing the old one leave (virtio-serial can hide a quick reconnect): the agent
 * detaches the old streams now and answers with its own HELLO. */
static void on_host_hello(const uint8_t *p, size_t n)
{
    struct strlist l;
    if (strlist_parse(p, n, &l) < 0) {
        chan_drop("protocol error: malformed HELLO");
        return;
    }
    const char *version = tag_get(&l, "version");
    if (version && strcmp(version, PROTO_VERSION) != 0)
        agent_log("host speaks protocol version %s, agent speaks %s", version, PROTO_VERSION);
    strlist_free(&l);

    if (A.session)
        streams_on_disconnect();
    if (!A.hello_sent)
        chan_send_hello();
    A.session = 1;
    A.hello_sent = 0;
    log_flush_pending();
}

static void on_control(uint8_t type, const uint8_t *p, size_t n)
{
    switch (type) {
    case T_HELLO:
        on_host_hello(p, n);
        break;
    case T_PING:
        chan_send(T_PONG, 0, p, n);
        break;
    case T_PONG:
        break;
    case T_CONFIGURE:
        configure_apply(p, n);
        break;
    case T_SHUTDOWN:
        init_shutdown();
        break;
    default: {
        char why[80];
        snprintf(why, sizeof why, "protocol error: frame type 0x%02x on stream 0", type);
        chan_drop(why);
    }
    }
}

static void on_exec_frame(struct stream *s, uint8_t type, const uint8_t *p, size_t n)
{
    switch (type) {
    case T_STDIN:
        exec_on_stdin(s, p, n);
        break;
    case T_SIGNAL:
        exec_on_signal(s, p, n);
        break;
    default: {
        char why[64];
        snprintf(why, sizeof why, "unexpected frame type 0x%02x on an exec stream", type);
        stream_fail(s, why);
    }
    }
}

static void on_tunnel_frame(struct stream *s, uint8_t type, const uint8_t *p, size_t n)
{
    switch (type) {
    case T_OPENED:
        tunnel_on_opened(s);
        break;
    case T_DATA:
        tunnel_on_data(s, p, n);
        break;
    case T_CLOSE:
        tunnel_on_close(s);
        break;
    default: {
        char why[64];
        snprintf(why, sizeof why, "unexpected frame type 0x%02x on a tunnel stream", type);
        stream_fail(s, why);
    }
    }
}

void dispatch_frame(uint8_t type, uint32_t id, const uint8_t *p, size_t n)
{
    if (id == 0) {
        on_control(type, p, n);
        return;
    }
    struct stream *s = stream_find(id);
    if (type == T_EXEC) {
        if ((id & 1) == 0)
            chan_send_reset(id, "EXEC needs an odd (host-opened) stream id");
        else if (s)
            chan_send_reset(id, "stream id already in use");
        else
            exec_start(id, p, n);
        return;
    }
    if (type == T_OPEN) {
        if ((id & 1) == 0)
            chan_send_reset(id, "OPEN from the host needs an odd (host-opened) stream id");
        else if (s)
            chan_send_reset(id, "stream id already in use");
        else
            port_open(id, p, n);
        return;
    }
    if (!s)
        return; /* late frames for an ended stream (CREDIT after EXIT, ...) are normal */
    switch (type) {
    case T_CREDIT:
        stream_on_credit(s, p, n);
        return;
    case T_RESET: /* the stream is gone at once; no answer */
        if (s->kind == STREAM_EXEC)
            exec_kill(s);
        else
            tunnel_abort(s);
        return;
    }
    if (s->kind == STREAM_EXEC)
        on_exec_frame(s, type, p, n);
    else
        on_tunnel_frame(s, type, p, n);
}
