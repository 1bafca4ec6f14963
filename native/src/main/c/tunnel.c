/* Proxy tunnels: the guest's HTTP(S)_PROXY listener. Each accepted TCP connection becomes an
 * even stream (OPEN kind=proxy); after OPENED its bytes travel as DATA under flow control,
 * CLOSE half-closes, RESET aborts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"

/* Parses "127.0.0.1:3128" or "[::1]:3128". */
static int parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[64];
    const char *colon = strrchr(addr, ':');
    if (!colon || colon == addr || (size_t)(colon - addr) >= sizeof host)
        return -1;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535 || colon[1] == 0)
        return -1;
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = 0;
    memset(ss, 0, sizeof *ss);
    if (host[0] == '[') {
        size_t hl = strlen(host);
        if (hl < 3 || host[hl - 1] != ']')
            return -1;
        host[hl - 1] = 0;
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
            return -1;
        *len = sizeof *s6;
        return 0;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
        return -1;
    *len = sizeof *s4;
    return 0;
}

int tunnel_listen(const char *addr, char *err, size_t errn)
{
    if (A.proxy_fd >= 0 && strcmp(addr, A.proxy_addr) == 0)
        return 0; /* CONFIGURE again with the same address: keep the listener */
    if (A.proxy_fd >= 0) {
        close(A.proxy_fd);
        A.proxy_fd = -1;
        A.proxy_addr[0] = 0;
    }
    if (!*addr)
        return 0;
    struct sockaddr_storage ss;
    socklen_t len;
    if (strlen(addr) >= sizeof A.proxy_addr || parse_addr(addr, &ss, &len) < 0) {
        snprintf(err, errn, "proxy_listen=%s: expected HOST:PORT such as 127.0.0.1:3128", addr);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 128) < 0) {
        snprintf(err, errn, "proxy_listen=%s: %s", addr, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    A.proxy_fd = fd;
    strcpy(A.proxy_addr, addr);
    return 0;
}

void tunnel_accept(void)
{
    for (int i = 0; i < 16; i++) {
        int fd = accept4(A.proxy_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        struct stream *s = stream_new(A.next_even, STREAM_TUNNEL);
        A.next_even += 2;
        s->sock = fd;
        struct buf b = {0};
        struct tl_builder t;
        tl_begin(&t, &b);
        tl_add(&t, "kind=proxy");
        tl_end(&t);
        chan_send_buf(T_OPEN, s->id, &b);
        buf_free(&b);
    }
}

void tunnel_on_opened(struct stream *s) { s->opened = 1; }

static void finish_if_done(struct stream *s)
{
    if (s->local_eof && s->wr_shut)
        s->dead = 1; /* both sides sent CLOSE: the stream is gone; sweep closes the socket */
}

void tunnel_write(struct stream *s)
{
    if (s->dead || s->wr_shut || s->connecting)
        return; /* a port stream's early DATA waits in inq until its connect completes */
    if (stream_write_inq(s, s->sock) < 0) {
        char why[128];
        snprintf(why, sizeof why, "write to the guest connection: %s", strerror(errno));
        stream_fail(s, why);
        return;
    }
    if (s->in_eof && buf_avail(&s->inq) == 0) {
        shutdown(s->sock, SHUT_WR);
        s->wr_shut = 1;
        finish_if_done(s);
    }
}

void tunnel_on_data(struct stream *s, const uint8_t *p, size_t n)
{
    if (s->in_eof) {
        stream_fail(s, "DATA after CLOSE");
        return;
    }
    if (stream_accept_host_data(s, p, n) < 0) {
        stream_fail(s, "DATA beyond the flow-control window");
        return;
    }
    tunnel_write(s);
}

void tunnel_on_close(struct stream *s)
{
    s->in_eof = 1;
    tunnel_write(s);
}

static uint8_t scratch[MAX_PAYLOAD];

void tunnel_pump(struct stream *s)
{
    size_t max = stream_send_limit(s);
    if (max == 0 || s->local_eof || !s->opened)
        return;
    ssize_t r = read(s->sock, scratch, max);
    if (r < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        char why[128];
        snprintf(why, sizeof why, "read from the guest connection: %s", strerror(errno));
        stream_fail(s, why);
        return;
    }
    if (r == 0) {
        chan_send(T_CLOSE, s->id, NULL, 0);
        s->local_eof = 1;
        finish_if_done(s);
        return;
    }
    stream_send_data(s, T_DATA, scratch, (size_t)r);
}

void tunnel_abort(struct stream *s)
{
    if (s->sock >= 0) {
        struct linger lg = {.l_onoff = 1, .l_linger = 0}; /* RST, so the client sees a failure */
        setsockopt(s->sock, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    s->dead = 1;
}
