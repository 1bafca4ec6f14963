/* LOG frames: what PID 1 wants the host to record. Lines written before a host session
 * exists (module loads, mounts during boot) are kept and sent once the host says HELLO. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

#define PENDING_LOG_LIMIT 65536

void agent_log(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = strlen(line);
    for (size_t i = 0; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' '; /* one line per LOG frame */

    dprintf(2, "sbx-agent: %s\n", line);
    if (A.session) {
        chan_send(T_LOG, 0, line, len);
    } else if (A.pending_logs.len + len + 4 <= PENDING_LOG_LIMIT) {
        buf_put_u32(&A.pending_logs, (uint32_t)len);
        buf_put(&A.pending_logs, line, len);
    }
}

void log_flush_pending(void)
{
    struct buf *b = &A.pending_logs;
    while (buf_avail(b) >= 4) {
        uint32_t len = get_u32(buf_head(b));
        chan_send(T_LOG, 0, buf_head(b) + 4, len);
        buf_consume(b, 4 + len);
    }
    buf_clear(b);
}
