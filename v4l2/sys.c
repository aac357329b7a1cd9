/* Syscall seam: libc, or an emulator library named by VKV4L2_EMULATOR. */
#include "sys.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int libc_open(const char *path, int flags) { return open(path, flags); }
static int libc_ioctl(int fd, unsigned long request, void *arg) { return ioctl(fd, request, arg); }

static const struct vkv4l2_sys_ops libc_ops = {
    .abi_version = VKV4L2_SYS_OPS_ABI,
    .name = "kernel",
    .open = libc_open,
    .close = close,
    .ioctl = libc_ioctl,
    .mmap = mmap,
    .munmap = munmap,
    .poll = poll,
    .stat = stat,
};

/* Calls through the seam, for the benchmark (VKV4L2_SYS_STATS=FILE writes
 * them at exit): on a kernel each one is a system call. */
enum { STAT_OPEN, STAT_CLOSE, STAT_IOCTL, STAT_MMAP, STAT_MUNMAP, STAT_POLL, STAT_STAT, STAT_N };
static const char *const stat_names[STAT_N] = { "open", "close", "ioctl", "mmap", "munmap",
                                                "poll", "stat" };
static _Atomic unsigned long stats[STAT_N];
static char stats_path[256];

static void write_stats(void)
{
    FILE *f = fopen(stats_path, "a");
    if (!f)
        return;
    for (int i = 0; i < STAT_N; i++)
        fprintf(f, "%s %lu\n", stat_names[i], (unsigned long)stats[i]);
    fclose(f);
}

static pthread_once_t sys_once = PTHREAD_ONCE_INIT;
static const struct vkv4l2_sys_ops *sys_ops;
static int sys_init_result;

static void sys_select(void)
{
    const char *stats_file = secure_getenv("VKV4L2_SYS_STATS");
    if (stats_file && *stats_file) {
        snprintf(stats_path, sizeof(stats_path), "%s", stats_file);
        atexit(write_stats);
    }
    const char *lib = secure_getenv("VKV4L2_EMULATOR");
    if (!lib || !*lib) {
        sys_ops = &libc_ops;
        return;
    }
    /* The handle is never closed: the emulator's threads and fds live as
     * long as the process, like a kernel driver would. */
    void *handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        fprintf(stderr, "vkv4l2: VKV4L2_EMULATOR=%s cannot be loaded: %s\n", lib, dlerror());
        sys_init_result = -ENOENT;
        return;
    }
    vkv4l2_emulator_ops_fn get = (vkv4l2_emulator_ops_fn)dlsym(handle, VKV4L2_EMULATOR_OPS_SYMBOL);
    const struct vkv4l2_sys_ops *ops = get ? get() : NULL;
    if (!ops || ops->abi_version != VKV4L2_SYS_OPS_ABI) {
        fprintf(stderr, "vkv4l2: %s is not a vkv4l2 emulator (ABI %u expected)\n", lib,
                VKV4L2_SYS_OPS_ABI);
        sys_init_result = -ELIBBAD;
        return;
    }
    sys_ops = ops;
}

int vkv4l2_sys_init(void)
{
    pthread_once(&sys_once, sys_select);
    return sys_init_result;
}

const char *vkv4l2_sys_backend_name(void)
{
    return sys_ops ? sys_ops->name : "none";
}

static const struct vkv4l2_sys_ops *ops(void)
{
    pthread_once(&sys_once, sys_select);
    return sys_ops;
}

int vkv4l2_sys_open(const char *path, int flags)
{
    const struct vkv4l2_sys_ops *o = ops();
    if (!o)
        return sys_init_result;
    stats[STAT_OPEN]++;
    int fd = o->open(path, flags | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int vkv4l2_sys_close(int fd)
{
    const struct vkv4l2_sys_ops *o = ops();
    if (!o)
        return sys_init_result;
    /* close() is not retried on EINTR: on Linux the fd is gone anyway. */
    stats[STAT_CLOSE]++;
    return o->close(fd) < 0 ? -errno : 0;
}

int vkv4l2_sys_ioctl(int fd, unsigned long request, void *arg)
{
    const struct vkv4l2_sys_ops *o = ops();
    if (!o)
        return sys_init_result;
    int ret;
    do {
        stats[STAT_IOCTL]++;
        ret = o->ioctl(fd, request, arg);
    } while (ret < 0 && errno == EINTR);
    return ret < 0 ? -errno : ret;
}

int vkv4l2_sys_mmap(size_t len, int prot, int flags, int fd, off_t offset, void **out)
{
    const struct vkv4l2_sys_ops *o = ops();
    if (!o)
        return sys_init_result;
    stats[STAT_MMAP]++;
    void *p = o->mmap(NULL, len, prot, flags, fd, offset);
    if (p == MAP_FAILED)
        return -errno;
    *out = p;
    return 0;
}

int vkv4l2_sys_munmap(void *addr, size_t len)
{
    const struct vkv4l2_sys_ops *o = ops();
    if (!o)
        return sys_init_result;
    stats[STAT_MUNMAP]++;
    return o->munmap(addr, len) < 0 ? -errno : 0;
}

int vkv4l2_sys_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    const struct vkv4l2_sys_ops *o = ops();
    if (!o)
        return sys_init_result;
    /* A signal must not restart the whole timeout: wait for what is left. */
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int left = timeout_ms;
    for (;;) {
        stats[STAT_POLL]++;
        int ret = o->poll(fds, nfds, left);
        if (ret >= 0 || errno != EINTR)
            return ret < 0 ? -errno : ret;
        if (timeout_ms < 0)
            continue;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000L;
        if (elapsed >= timeout_ms)
            return 0;
        left = timeout_ms - (int)elapsed;
    }
}

int vkv4l2_sys_stat(const char *path, struct stat *st)
{
    const struct vkv4l2_sys_ops *o = ops();
    if (!o)
        return sys_init_result;
    stats[STAT_STAT]++;
    return o->stat(path, st) < 0 ? -errno : 0;
}
