/* PID 1 duties in the VM: pseudo filesystems, kernel modules, loopback, the optional root
 * disk, finding the virtio-serial port, and powering off. Configuration comes from files
 * the initramfs carries under /etc/sbx (see README.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define MODULES_FILE "/etc/sbx/modules"
#define ROOT_FILE "/etc/sbx/root"
#define CHANNEL_FILE "/etc/sbx/channel"
#define NEWROOT "/newroot"

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long flags, const char *opts)
{
    mkdir_p(dst, 0755);
    if (mount(src, dst, type, flags, opts) < 0 && errno != EBUSY)
        agent_log("mount -t %s %s %s: %s", type, src, dst, strerror(errno));
}

void init_ensure_stdio(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        int c = A.init_mode ? open("/dev/console", O_RDWR | O_NOCTTY) : -1;
        if (c < 0)
            c = open("/dev/null", O_RDWR);
        if (c >= 0 && c != fd) {
            dup2(c, fd);
            close(c);
        }
    }
}

static void load_module(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        agent_log("module %s: %s", path, strerror(errno));
        return;
    }
    long rc = syscall(SYS_finit_module, fd, "", 0);
    if (rc < 0 && errno == ENOSYS) { /* very old kernels: hand over the bytes instead */
        size_t len;
        char *image = read_small_file(path, &len);
        rc = image ? syscall(SYS_init_module, image, len, "") : -1;
        free(image);
    }
    if (rc < 0 && errno != EEXIST)
        agent_log("module %s: %s", path, strerror(errno));
    close(fd);
}

/* One .ko path per line, in load order; blank lines and '#' comments ignored. */
static void load_modules(void)
{
    char *list = read_small_file(MODULES_FILE, NULL);
    if (!list)
        return;
    for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
        while (*line == ' ' || *line == '\t')
            line++;
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n > 0 && line[0] != '#')
            load_module(line);
    }
    free(list);
}

static void loopback_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        agent_log("lo: %s", strerror(errno));
    } else {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
            agent_log("lo up: %s", strerror(errno));
    }
    if (fd >= 0)
        close(fd);
}

/* /etc/sbx/root: "DEVICE [FSTYPE [OPTIONS]]", e.g. "/dev/vda ext4". The disk becomes `/`;
 * the pseudo filesystems move along. Without the file the initramfs stays the root. */
static void switch_to_root_disk(void)
{
    char *spec = read_small_file(ROOT_FILE, NULL);
    if (!spec)
        return;
    char dev[256] = "", type[32] = "ext4", opts[256] = "";
    int n = sscanf(spec, "%255s %31s %255s", dev, type, opts);
    free(spec);
    if (n < 1 || dev[0] != '/') {
        agent_log("%s: expected \"DEVICE [FSTYPE [OPTIONS]]\"", ROOT_FILE);
        return;
    }
    /* The block device node appears asynchronously after virtio_blk probes it. A deadline,
     * not a count: under TCG a 20 ms sleep can take ten times as long. */
    struct stat st;
    int64_t deadline = now_ms() + 10000;
    while (stat(dev, &st) < 0 && now_ms() < deadline)
        sleep_ms(20);
    mkdir_p(NEWROOT, 0755);
    if (mount(dev, NEWROOT, type, 0, opts[0] ? opts : NULL) < 0) {
        agent_log("root disk: mount -t %s %s: %s; staying in the initramfs", type, dev, strerror(errno));
        return;
    }
    static const char *const moved[] = {"/dev", "/proc", "/sys", "/run", "/tmp"};
    for (size_t i = 0; i < sizeof moved / sizeof *moved; i++) {
        char target[64];
        snprintf(target, sizeof target, NEWROOT "%s", moved[i]);
        mkdir_p(target, 0755);
        if (mount(moved[i], target, NULL, MS_MOVE, NULL) < 0)
            agent_log("root disk: move %s: %s", moved[i], strerror(errno));
    }
    if (chdir(NEWROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
        agent_log("root disk: switch to %s: %s", dev, strerror(errno));
}

static void read_channel_name(void)
{
    char *name = read_small_file(CHANNEL_FILE, NULL);
    if (!name)
        return;
    name[strcspn(name, " \t\r\n")] = 0;
    if (name[0])
        snprintf(A.channel_name, sizeof A.channel_name, "%s", name);
    free(name);
}

void init_early(void)
{
    mnt("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
    init_ensure_stdio();
    mnt("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mnt("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mnt("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "mode=0620,ptmxmode=0666,gid=5");
    mnt("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    mnt("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
    mnt("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    read_channel_name();
    load_modules();
    loopback_up();
    switch_to_root_disk();
}

/* /dev/virtio-ports/NAME when something made the link; otherwise scan sysfs for the port
 * whose name file matches and use its devtmpfs node /dev/vportNpM (there is no udev). */
int init_find_port(char *dev, size_t n)
{
    snprintf(dev, n, "/dev/virtio-ports/%s", A.channel_name);
    if (access(dev, F_OK) == 0)
        return 0;
    DIR *d = opendir("/sys/class/virtio-ports");
    if (!d)
        return -1;
    struct dirent *e;
    int found = -1;
    while (found < 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "/sys/class/virtio-ports/%s/name", e->d_name);
        char *name = read_small_file(path, NULL);
        if (!name)
            continue;
        name[strcspn(name, "\r\n")] = 0;
        if (strcmp(name, A.channel_name) == 0) {
            snprintf(dev, n, "/dev/%s", e->d_name);
            found = access(dev, F_OK) == 0 ? 0 : -1;
        }
        free(name);
    }
    closedir(d);
    return found;
}

static void reap_until(int64_t deadline)
{
    while (now_ms() < deadline) {
        pid_t p = waitpid(-1, NULL, WNOHANG);
        if (p < 0 && errno == ECHILD)
            return;
        if (p <= 0)
            sleep_ms(20);
    }
}

/* Unmounts everything it can, deepest first; what stays busy is remounted read-only. */
static void unmount_all(void)
{
    char *mounts = read_small_file("/proc/mounts", NULL);
    if (!mounts)
        return;
    char *points[256];
    int count = 0;
    for (char *line = strtok(mounts, "\n"); line && count < 256; line = strtok(NULL, "\n")) {
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        char *mp = sp + 1;
        char *end = strchr(mp, ' ');
        if (end)
            *end = 0;
        points[count++] = mp;
    }
    for (int i = count - 1; i >= 0; i--) {
        const char *mp = points[i];
        if (strcmp(mp, "/") == 0 || strcmp(mp, "/proc") == 0 || strcmp(mp, "/dev") == 0 ||
            strcmp(mp, "/sys") == 0)
            continue;
        if (umount2(mp, 0) < 0)
            mount(NULL, mp, NULL, MS_REMOUNT | MS_RDONLY, NULL);
    }
    mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL);
    free(mounts);
}

void init_shutdown(void)
{
    if (!A.init_mode) { /* test mode: end our processes, then ourselves */
        exec_kill_all(SIGKILL);
        exit(0);
    }
    kill(-1, SIGTERM);
    reap_until(now_ms() + 2000);
    kill(-1, SIGKILL);
    reap_until(now_ms() + 1000);
    sync();
    unmount_all();
    sync();
    reboot(RB_POWER_OFF);
    for (;;) /* PID 1 must never exit */
        pause();
}
