/* Wire protocol v1 (native/PROTOCOL.md): frame layout, type codes and tagged lists. */
#ifndef SBX_PROTO_H
#define SBX_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define PROTO_VERSION "1"
#define FRAME_HEADER 9          /* u32 length + u8 type + u32 stream */
#define MAX_PAYLOAD 65536
#define MAX_FRAME_LENGTH (5 + MAX_PAYLOAD) /* value of the length field */
#define INITIAL_WINDOW 262144u
#define CREDIT_CHUNK 65536u

enum frame_type {
    T_HELLO = 0x01,
    T_PING = 0x02,
    T_PONG = 0x03,
    T_CONFIGURE = 0x04,
    T_CONFIGURED = 0x05,
    T_SHUTDOWN = 0x06,
    T_LOG = 0x07,
    T_EXEC = 0x10,
    T_STARTED = 0x11,
    T_STDIN = 0x12,
    T_STDOUT = 0x13,
    T_STDERR = 0x14,
    T_EXIT = 0x15,
    T_SIGNAL = 0x16,
    T_OPEN = 0x20,
    T_OPENED = 0x21,
    T_DATA = 0x22,
    T_CLOSE = 0x23,
    T_RESET = 0x24,
    T_CREDIT = 0x30,
};

/* A decoded string list; every item is NUL-terminated (embedded NULs make the list invalid). */
struct strlist {
    size_t n;
    char **items;
};

/* Decodes a string list payload; returns 0, or -1 when the payload is malformed. */
int strlist_parse(const uint8_t *p, size_t n, struct strlist *out);
void strlist_free(struct strlist *l);

/* First value of tag `key` in a tagged list, or NULL. */
const char *tag_get(const struct strlist *l, const char *key);
/* Iterates values of a repeated tag: pass *pos = 0 first; returns NULL when done. */
const char *tag_next(const struct strlist *l, const char *key, size_t *pos);

/* Builds a tagged-list payload: tl_begin, any number of tl_add/tl_addf, tl_end. */
struct tl_builder {
    struct buf *b;
    size_t count_at;
    uint32_t count;
};
void tl_begin(struct tl_builder *t, struct buf *b);
void tl_add(struct tl_builder *t, const char *item);
void tl_addf(struct tl_builder *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tl_end(struct tl_builder *t);

#endif
