/* Port streams: the host publishes a guest port (sbx ports --publish) and, for each connection
 * it accepts on the host, sends OPEN kind=port port=N on a fresh odd stream. The agent connects
 * to 127.0.0.1:N inside the guest and answers OPENED, or RESET with the reason (a refused
 * connection, a bad request). From then on the stream is a tunnel: DATA both ways under flow
 * control, CLOSE half-closes, RESET aborts (tunnel.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"

static void refuse(uint32_t id, unsigned port, const char *what, int err)
{
    char why[160];
    snprintf(why, sizeof why, "connect 127.0.0.1:%u in the guest: %s", port, err ? strerror(err) : what);
    chan_send_reset(id, why);
}

/* Parses the OPEN tags; returns the port, or 0 after answering RESET. */
static unsigned parse_request(uint32_t id, const uint8_t *p, size_t n)
{
    struct strlist l;
    if (strlist_parse(p, n, &l) < 0) {
        chan_send_reset(id, "malformed OPEN payload");
        return 0;
    }
    const char *kind = tag_get(&l, "kind");
    const char *port = tag_get(&l, "port");
    unsigned result = 0;
    char why[128];
    if (!kind || strcmp(kind, "port") != 0) {
        snprintf(why, sizeof why, "OPEN kind=%.40s: the host may only open kind=port", kind ? kind : "");
        chan_send_reset(id, why);
    } else {
        char *end = NULL;
        long v = port ? strtol(port, &end, 10) : 0;
        if (!port || !*port || *end || v < 1 || v > 65535) {
            snprintf(why, sizeof why, "OPEN kind=port needs port=1..65535, got port=%.20s", port ? port : "");
            chan_send_reset(id, why);
        } else {
            result = (unsigned)v;
        }
    }
    strlist_free(&l);
    return result;
}

static void opened(struct stream *s)
{
    s->connecting = 0;
    s->opened = 1; /* start reading the guest socket */
    chan_send(T_OPENED, s->id, NULL, 0);
    tunnel_write(s); /* DATA the host sent before OPENED */
}

void port_open(uint32_t id, const uint8_t *p, size_t n)
{
    unsigned port = parse_request(id, p, n);
    if (!port)
        return;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        refuse(id, port, NULL, errno);
        return;
    }
    int one = 1; /* relayed frames are already batched; do not hold their tails back (Nagle) */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    if (r < 0 && errno != EINPROGRESS) {
        refuse(id, port, NULL, errno);
        close(fd);
        return;
    }
    struct stream *s = stream_new(id, STREAM_TUNNEL);
    s->sock = fd;
    s->port = port;
    if (r == 0)
        opened(s);
    else
        s->connecting = 1; /* main.c polls for POLLOUT and calls port_on_connected */
}

void port_on_connected(struct stream *s)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(s->sock, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    if (err) {
        refuse(s->id, s->port, NULL, err);
        s->dead = 1; /* the sweep closes the socket */
        return;
    }
    opened(s);
}
