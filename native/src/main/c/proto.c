/* String lists and tagged lists as PROTOCOL.md encodes them. */
#include "proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int strlist_parse(const uint8_t *p, size_t n, struct strlist *out)
{
    out->n = 0;
    out->items = NULL;
    if (n == 0)
        return 0; /* an empty payload is an empty list */
    if (n < 4)
        return -1;
    uint32_t count = get_u32(p);
    size_t pos = 4;
    /* Each item needs at least its 4-byte length: bounds the allocation by the payload size. */
    if (count > (n - pos) / 4)
        return -1;
    char **items = calloc(count ? count : 1, sizeof *items);
    if (!items)
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        if (n - pos < 4)
            goto bad;
        uint32_t len = get_u32(p + pos);
        pos += 4;
        if (len > n - pos || memchr(p + pos, 0, len))
            goto bad;
        items[i] = malloc((size_t)len + 1);
        if (!items[i])
            goto bad;
        memcpy(items[i], p + pos, len);
        items[i][len] = 0;
        pos += len;
        out->n = i + 1;
    }
    if (pos != n)
        goto bad;
    out->items = items;
    return 0;
bad:
    out->items = items;
    strlist_free(out);
    return -1;
}

void strlist_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

const char *tag_next(const struct strlist *l, const char *key, size_t *pos)
{
    size_t klen = strlen(key);
    for (; *pos < l->n; (*pos)++) {
        const char *it = l->items[*pos];
        if (strncmp(it, key, klen) == 0 && it[klen] == '=') {
            (*pos)++;
            return it + klen + 1;
        }
    }
    return NULL;
}

const char *tag_get(const struct strlist *l, const char *key)
{
    size_t pos = 0;
    return tag_next(l, key, &pos);
}

void tl_begin(struct tl_builder *t, struct buf *b)
{
    t->b = b;
    t->count_at = b->len;
    t->count = 0;
    buf_put_u32(b, 0);
}

void tl_add(struct tl_builder *t, const char *item)
{
    size_t len = strlen(item);
    buf_put_u32(t->b, (uint32_t)len);
    buf_put(t->b, item, len);
    t->count++;
}

void tl_addf(struct tl_builder *t, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        tl_add(t, small);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        return;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    tl_add(t, big);
    free(big);
}

void tl_end(struct tl_builder *t) { set_u32(t->b->p + t->count_at, t->count); }
