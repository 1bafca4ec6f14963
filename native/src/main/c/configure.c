/* CONFIGURE: hostname, environment, virtiofs mounts, the proxy listener, the CA bundle and
 * the unprivileged user. Every step is idempotent because the root disk survives restarts
 * and a host may configure again after reconnecting. Answered by CONFIGURED. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"

#define CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

const char *sysroot_path(const char *path, char *out, size_t n)
{
    snprintf(out, n, "%s%s", A.sysroot, path);
    return out;
}

/* Collects failures: CONFIGURED carries them all, joined by "; ". */
struct errors {
    char text[2048];
};

static void fail(struct errors *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct errors *e, const char *fmt, ...)
{
    size_t used = strlen(e->text);
    if (used && used + 2 < sizeof e->text) {
        strcat(e->text, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->text + used, sizeof e->text - used, fmt, ap);
    va_end(ap);
}

/* In test mode without --sysroot, nothing outside the agent's own state is touched. */
static int may_touch_files(void) { return A.init_mode || A.sysroot[0]; }

static void set_hostname(const char *name, struct errors *e)
{
    char path[512];
    if (A.init_mode && sethostname(name, strlen(name)) < 0)
        fail(e, "hostname %s: %s", name, strerror(errno));
    if (!may_touch_files())
        return;
    char line[300];
    snprintf(line, sizeof line, "%s\n", name);
    mkdir_p(sysroot_path("/etc", path, sizeof path), 0755);
    write_file(sysroot_path("/etc/hostname", path, sizeof path), line, strlen(line), 0, 0644);
    char *hosts = read_small_file(sysroot_path("/etc/hosts", path, sizeof path), NULL);
    if (!hosts || !strstr(hosts, name)) {
        char entry[400];
        snprintf(entry, sizeof entry, "127.0.0.1\tlocalhost %s\n::1\tlocalhost\n", name);
        write_file(path, entry, strlen(entry), 1, 0644);
    }
    free(hosts);
}

static void set_env(const struct strlist *l)
{
    for (size_t i = 0; i < A.nenv; i++)
        free(A.env[i]);
    free(A.env);
    A.env = NULL;
    A.nenv = 0;
    size_t pos = 0;
    const char *v;
    while ((v = tag_next(l, "env", &pos))) {
        if (!strchr(v, '='))
            continue;
        A.env = realloc(A.env, (A.nenv + 1) * sizeof *A.env);
        if (!A.env)
            abort();
        A.env[A.nenv++] = strdup(v);
    }
}

/* mount=TAG:PATH:rw|ro; PATH may itself contain ':' (first and last colon split). */
static void add_mount(const char *spec, struct errors *e)
{
    const char *first = strchr(spec, ':');
    const char *last = strrchr(spec, ':');
    if (!first || last == first || (strcmp(last, ":rw") != 0 && strcmp(last, ":ro") != 0)) {
        fail(e, "mount=%s: expected TAG:PATH:rw or TAG:PATH:ro", spec);
        return;
    }
    char tag[256], path[4096];
    size_t tl = (size_t)(first - spec), pl = (size_t)(last - first - 1);
    if (tl == 0 || tl >= sizeof tag || pl == 0 || pl >= sizeof path || first[1] != '/') {
        fail(e, "mount=%s: the tag must be non-empty and the path absolute", spec);
        return;
    }
    memcpy(tag, spec, tl);
    tag[tl] = 0;
    memcpy(path, first + 1, pl);
    path[pl] = 0;
    if (!A.init_mode) {
        agent_log("mount %s at %s skipped: --no-init", tag, path);
        return;
    }
    unsigned long flags = strcmp(last, ":ro") == 0 ? MS_RDONLY : 0;
    if (mkdir_p(path, 0755) < 0) {
        fail(e, "mount %s: mkdir %s: %s", tag, path, strerror(errno));
        return;
    }
    if (mount(tag, path, "virtiofs", flags | MS_NOSUID | MS_NODEV, NULL) < 0 && errno != EBUSY)
        fail(e, "mount -t virtiofs %s %s: %s", tag, path, strerror(errno));
}

static void add_ca(const char *pem, struct errors *e)
{
    if (!may_touch_files()) {
        agent_log("ca skipped: --no-init without --sysroot");
        return;
    }
    char path[512];
    size_t len = strlen(pem);
    int nl = len > 0 && pem[len - 1] != '\n';
    mkdir_p(sysroot_path("/etc/sbx", path, sizeof path), 0755);
    if (write_file(sysroot_path("/etc/sbx/ca.pem", path, sizeof path), pem, len, 0, 0644) < 0)
        fail(e, "write /etc/sbx/ca.pem: %s", strerror(errno));
    mkdir_p(sysroot_path("/etc/ssl/certs", path, sizeof path), 0755);
    sysroot_path(CA_BUNDLE, path, sizeof path);
    char *bundle = read_small_file(path, NULL);
    if (!bundle || !strstr(bundle, pem)) {
        if (write_file(path, pem, len, 1, 0644) < 0 || (nl && write_file(path, "\n", 1, 1, 0644) < 0))
            fail(e, "append to %s: %s", CA_BUNDLE, strerror(errno));
    }
    free(bundle);
}

/* Appends `line` to a colon-separated database unless an entry named `name` exists. */
static int ensure_entry(const char *file, const char *name, const char *line)
{
    char path[512];
    sysroot_path(file, path, sizeof path);
    char *db = read_small_file(path, NULL);
    size_t nlen = strlen(name);
    int found = 0, needs_nl = 0;
    if (db) {
        size_t dl = strlen(db);
        needs_nl = dl > 0 && db[dl - 1] != '\n';
        for (char *p = db; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
            if (strncmp(p, name, nlen) == 0 && p[nlen] == ':')
                found = 1;
    }
    free(db);
    if (found)
        return 0;
    if (needs_nl && write_file(path, "\n", 1, 1, 0644) < 0)
        return -1;
    return write_file(path, line, strlen(line), 1, 0644);
}

/* user=NAME:UID:GID:HOME */
static void add_user(const char *spec, struct errors *e)
{
    char name[64], home[1024];
    unsigned uid, gid;
    int used = 0;
    if (sscanf(spec, "%63[^:]:%u:%u:%n", name, &uid, &gid, &used) != 3 || used == 0 ||
        spec[used] != '/' || strlen(spec + used) >= sizeof home) {
        fail(e, "user=%s: expected NAME:UID:GID:/HOME", spec);
        return;
    }
    strcpy(home, spec + used);
    if (!may_touch_files()) {
        agent_log("user %s skipped: --no-init without --sysroot", name);
        return;
    }
    char path[1200], line[1400];
    mkdir_p(sysroot_path("/etc", path, sizeof path), 0755);
    const char *shell = access(sysroot_path("/bin/bash", path, sizeof path), X_OK) == 0 ? "/bin/bash" : "/bin/sh";
    snprintf(line, sizeof line, "root:x:0:0:root:/root:/bin/sh\n");
    int rc = ensure_entry("/etc/passwd", "root", line);
    snprintf(line, sizeof line, "%s:x:%u:%u:%s:%s:%s\n", name, uid, gid, name, home, shell);
    rc |= ensure_entry("/etc/passwd", name, line);
    rc |= ensure_entry("/etc/group", "root", "root:x:0:\n");
    snprintf(line, sizeof line, "%s:x:%u:\n", name, gid);
    rc |= ensure_entry("/etc/group", name, line);
    if (rc < 0)
        fail(e, "user %s: writing passwd/group: %s", name, strerror(errno));
    sysroot_path(home, path, sizeof path);
    struct stat st;
    int fresh = stat(path, &st) < 0;
    if (mkdir_p(path, 0755) < 0) {
        fail(e, "user %s: mkdir %s: %s", name, home, strerror(errno));
        return;
    }
    if (fresh || st.st_uid != uid) {
        if (chown(path, uid, gid) < 0)
            fail(e, "user %s: chown %s: %s", name, home, strerror(errno));
        chmod(path, 0750);
    }
}

void configure_apply(const uint8_t *p, size_t n)
{
    struct strlist l;
    struct errors e = {{0}};
    if (strlist_parse(p, n, &l) < 0) {
        fail(&e, "malformed CONFIGURE payload");
    } else {
        const char *v;
        size_t pos = 0;
        if ((v = tag_get(&l, "hostname")) && *v)
            set_hostname(v, &e);
        set_env(&l);
        while ((v = tag_next(&l, "user", &pos)))
            add_user(v, &e);
        pos = 0;
        while ((v = tag_next(&l, "mount", &pos)))
            add_mount(v, &e);
        pos = 0;
        while ((v = tag_next(&l, "ca", &pos)))
            add_ca(v, &e);
        char err[256];
        v = tag_get(&l, "proxy_listen");
        if (tunnel_listen(v ? v : "", err, sizeof err) < 0)
            fail(&e, "%s", err);
        strlist_free(&l);
    }

    struct buf b = {0};
    struct tl_builder t;
    tl_begin(&t, &b);
    if (e.text[0]) {
        tl_add(&t, "ok=0");
        tl_addf(&t, "error=%s", e.text);
        agent_log("configure failed: %s", e.text);
    } else {
        tl_add(&t, "ok=1");
        A.configured = 1;
    }
    tl_end(&t);
    chan_send_buf(T_CONFIGURED, 0, &b);
    buf_free(&b);
}
