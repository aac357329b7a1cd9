/* The ops table: routes open/close/ioctl/mmap/munmap/poll/stat to the
 * emulated media devices, video node and requests, and everything else to
 * libc.  Owns the fd registry and the poll wake-up mechanism. */
#include "emu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "../../v4l2/sys.h"
#include "emu_control.h"

struct emu_state emu = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .cond = PTHREAD_COND_INITIALIZER,
};

/* fd -> object.  Media fds store the media device index + 1 as the object. */
struct emu_file {
    enum emu_file_kind kind;
    void *obj;
};
static struct emu_file *files;
static size_t nfiles;

/* Threads blocked in emu_poll register an eventfd here; every state change
 * writes to all of them (they then recompute revents under the lock). */
#define MAX_WAITERS 64
static int waiters[MAX_WAITERS];
static unsigned nwaiters;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void emu_init(void)
{
    pthread_mutex_lock(&emu.lock);
    emu_settings_load(&emu.settings);
    pthread_mutex_unlock(&emu.lock);
}

uint64_t emu_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int emu_registry_add(int fd, enum emu_file_kind kind, void *obj)
{
    if (fd < 0)
        return -EBADF;
    if ((size_t)fd >= nfiles) {
        size_t n = (size_t)fd + 64;
        struct emu_file *f = realloc(files, n * sizeof(*f));
        if (!f)
            return -ENOMEM;
        memset(f + nfiles, 0, (n - nfiles) * sizeof(*f));
        files = f;
        nfiles = n;
    }
    files[fd] = (struct emu_file){kind, obj};
    return 0;
}

void *emu_registry_get(int fd, enum emu_file_kind kind)
{
    if (fd < 0 || (size_t)fd >= nfiles || files[fd].kind != kind)
        return NULL;
    return files[fd].obj;
}

static enum emu_file_kind registry_kind(int fd)
{
    if (fd < 0 || (size_t)fd >= nfiles)
        return EMU_FILE_NONE;
    return files[fd].kind;
}

void emu_registry_del(int fd)
{
    if (fd >= 0 && (size_t)fd < nfiles)
        files[fd] = (struct emu_file){EMU_FILE_NONE, NULL};
}

void emu_notify(void)
{
    uint64_t one = 1;
    for (unsigned i = 0; i < nwaiters; i++)
        if (write(waiters[i], &one, sizeof(one)) < 0) {
            /* an eventfd write fails only on counter overflow: ready anyway */
        }
    pthread_cond_broadcast(&emu.cond);
}

void emu_ensure_worker(void)
{
    if (emu.worker_started)
        return;
    if (pthread_create(&emu.worker, NULL, emu_worker_main, NULL) == 0) {
        pthread_detach(emu.worker);
        emu.worker_started = true;
    }
}

/* ---- device nodes ---- */

enum node_kind { NODE_NONE, NODE_MEDIA, NODE_VIDEO };

static enum node_kind parse_node(const char *path, unsigned *media_index, bool *is_decoder)
{
    unsigned n;
    char tail;
    const struct emu_settings *s = &emu.settings;
    if (sscanf(path, "/dev/media%u%c", &n, &tail) == 1) {
        if (n != s->dec_media && n != s->cam_media)
            return NODE_NONE;
        *is_decoder = n == s->dec_media;
        *media_index = n;
        return NODE_MEDIA;
    }
    if (sscanf(path, "/dev/video%u%c", &n, &tail) == 1) {
        if (n != s->dec_video && n != s->cam_video)
            return NODE_NONE;
        *is_decoder = n == s->dec_video;
        *media_index = n;
        return NODE_VIDEO;
    }
    return NODE_NONE;
}

static bool is_hermetic_path(const char *path)
{
    return !strncmp(path, "/dev/media", 10) || !strncmp(path, "/dev/video", 10);
}

static int emu_open(const char *path, int flags)
{
    pthread_once(&init_once, emu_init);
    pthread_mutex_lock(&emu.lock);
    unsigned idx = 0;
    bool decoder = false;
    enum node_kind kind = parse_node(path, &idx, &decoder);
    if (kind == NODE_NONE) {
        pthread_mutex_unlock(&emu.lock);
        if (is_hermetic_path(path)) {
            /* The emulated world has no other media / video nodes. */
            errno = ENOENT;
            return -1;
        }
        return open(path, flags);
    }
    if (kind == NODE_VIDEO && !decoder) {
        /* The camera's capture node exists but is not ours to drive. */
        pthread_mutex_unlock(&emu.lock);
        errno = EBUSY;
        return -1;
    }
    int fd = eventfd(0, EFD_NONBLOCK | ((flags & O_CLOEXEC) ? EFD_CLOEXEC : 0));
    int ret = fd < 0 ? -errno : 0;
    if (!ret && kind == NODE_MEDIA) {
        ret = emu_registry_add(fd, EMU_FILE_MEDIA, (void *)(uintptr_t)(idx + 1));
    } else if (!ret) {
        struct emu_ctx *ctx = emu_ctx_create(fd, flags & O_NONBLOCK);
        ret = ctx ? emu_registry_add(fd, EMU_FILE_VIDEO, ctx) : -ENOMEM;
        if (ret < 0 && ctx)
            emu_ctx_destroy(ctx);
    }
    pthread_mutex_unlock(&emu.lock);
    if (ret < 0) {
        if (fd >= 0)
            close(fd);
        errno = -ret;
        return -1;
    }
    return fd;
}

static int emu_close(int fd)
{
    pthread_mutex_lock(&emu.lock);
    switch (registry_kind(fd)) {
    case EMU_FILE_VIDEO: {
        struct emu_ctx *ctx = emu_registry_get(fd, EMU_FILE_VIDEO);
        emu_registry_del(fd);
        emu_ctx_destroy(ctx); /* may wait for a running decode */
        break;
    }
    case EMU_FILE_REQUEST: {
        struct emu_request *r = emu_registry_get(fd, EMU_FILE_REQUEST);
        emu_registry_del(fd);
        emu_request_close(r);
        break;
    }
    case EMU_FILE_MEDIA:
        emu_registry_del(fd);
        break;
    case EMU_FILE_NONE:
        break;
    }
    pthread_mutex_unlock(&emu.lock);
    return close(fd);
}

EMU_EXPORT void vkv4l2_emu_census(struct vkv4l2_emu_census *out)
{
    struct vkv4l2_emu_census c = { 0 };
    pthread_mutex_lock(&emu.lock);
    for (size_t fd = 0; fd < nfiles; fd++) {
        c.media_fds += files[fd].kind == EMU_FILE_MEDIA;
        c.video_fds += files[fd].kind == EMU_FILE_VIDEO;
    }
    for (const struct emu_request *r = emu.reqs; r; r = r->next)
        c.requests++;
    for (const struct emu_ctx *ctx = emu.ctxs; ctx; ctx = ctx->next) {
        const struct emu_queue *qs[] = { &ctx->out, &ctx->cap };
        for (unsigned q = 0; q < 2; q++) {
            c.buffers += qs[q]->count;
            for (unsigned i = 0; i < qs[q]->count; i++)
                c.dmabufs_attached += qs[q]->bufs[i]->dmabuf_fd >= 0;
        }
    }
    pthread_mutex_unlock(&emu.lock);
    *out = c;
}

static int emu_ioctl(int fd, unsigned long request, void *arg)
{
    pthread_once(&init_once, emu_init);
    pthread_mutex_lock(&emu.lock);
    int ret;
    switch (registry_kind(fd)) {
    case EMU_FILE_MEDIA: {
        unsigned idx = (unsigned)(uintptr_t)emu_registry_get(fd, EMU_FILE_MEDIA) - 1;
        ret = emu_media_ioctl(idx, request, arg);
        break;
    }
    case EMU_FILE_VIDEO:
        ret = emu_video_ioctl(emu_registry_get(fd, EMU_FILE_VIDEO), request, arg);
        break;
    case EMU_FILE_REQUEST:
        ret = emu_request_ioctl(emu_registry_get(fd, EMU_FILE_REQUEST), request, arg);
        break;
    default: {
        bool handled = false;
        ret = emu_dmabuf_ioctl(fd, request, arg, &handled);
        if (!handled) {
            pthread_mutex_unlock(&emu.lock);
            return ioctl(fd, request, arg);
        }
        break;
    }
    }
    pthread_mutex_unlock(&emu.lock);
    if (ret < 0) {
        errno = -ret;
        return -1;
    }
    return ret;
}

static void *emu_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    pthread_mutex_lock(&emu.lock);
    struct emu_ctx *ctx = emu_registry_get(fd, EMU_FILE_VIDEO);
    if (!ctx) {
        bool ours = registry_kind(fd) != EMU_FILE_NONE;
        pthread_mutex_unlock(&emu.lock);
        if (ours) {
            errno = ENODEV;
            return MAP_FAILED;
        }
        return mmap(addr, len, prot, flags, fd, offset);
    }
    void *p = emu_buf_mmap(ctx, len, prot, flags, offset);
    pthread_mutex_unlock(&emu.lock);
    return p;
}

static short revents_of(int fd, short events, bool *ours)
{
    *ours = true;
    switch (registry_kind(fd)) {
    case EMU_FILE_VIDEO:
        return emu_video_poll(emu_registry_get(fd, EMU_FILE_VIDEO), events);
    case EMU_FILE_REQUEST:
        return emu_request_poll(emu_registry_get(fd, EMU_FILE_REQUEST), events);
    case EMU_FILE_MEDIA:
        return 0;
    default:
        *ours = false;
        return 0;
    }
}

/* poll over a mix of emulated and ordinary fds.  Emulated readiness is
 * computed under the lock; the wait itself is a real poll on the ordinary
 * fds plus a private eventfd the emulator writes to on every change. */
static int emu_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake < 0)
        return -1;
    struct pollfd *real = calloc(nfds + 1, sizeof(*real));
    if (!real) {
        close(wake);
        errno = ENOMEM;
        return -1;
    }
    uint64_t deadline = timeout_ms >= 0 ? emu_now_us() + (uint64_t)timeout_ms * 1000u : 0;
    pthread_mutex_lock(&emu.lock);
    bool registered = nwaiters < MAX_WAITERS;
    if (registered)
        waiters[nwaiters++] = wake;
    int ret;
    for (;;) {
        int ready = 0;
        for (nfds_t i = 0; i < nfds; i++) {
            bool ours;
            short r = revents_of(fds[i].fd, fds[i].events, &ours);
            fds[i].revents = r;
            real[i] = (struct pollfd){.fd = ours ? -1 : fds[i].fd, .events = fds[i].events};
            if (r)
                ready++;
        }
        real[nfds] = (struct pollfd){.fd = wake, .events = POLLIN};
        pthread_mutex_unlock(&emu.lock);
        int wait_ms = -1;
        if (ready) {
            wait_ms = 0;
        } else if (timeout_ms >= 0) {
            uint64_t now = emu_now_us();
            wait_ms = now >= deadline ? 0 : (int)((deadline - now + 999) / 1000);
        }
        if (!registered && (wait_ms < 0 || wait_ms > 5))
            wait_ms = 5; /* too many waiters: fall back to polling */
        ret = poll(real, nfds + 1, wait_ms);
        pthread_mutex_lock(&emu.lock);
        if (ret < 0)
            break;
        uint64_t drain;
        if (read(wake, &drain, sizeof(drain)) < 0) {
            /* nothing to drain */
        }
        int total = 0;
        for (nfds_t i = 0; i < nfds; i++) {
            bool ours;
            short r = revents_of(fds[i].fd, fds[i].events, &ours);
            fds[i].revents = ours ? r : real[i].revents;
            if (fds[i].revents)
                total++;
        }
        if (total || wait_ms == 0 || (timeout_ms >= 0 && emu_now_us() >= deadline)) {
            ret = total;
            break;
        }
    }
    if (registered) {
        for (unsigned i = 0; i < nwaiters; i++)
            if (waiters[i] == wake) {
                waiters[i] = waiters[--nwaiters];
                break;
            }
    }
    pthread_mutex_unlock(&emu.lock);
    int saved = errno;
    free(real);
    close(wake);
    errno = saved;
    return ret;
}

static int emu_stat(const char *path, struct stat *st)
{
    pthread_once(&init_once, emu_init);
    pthread_mutex_lock(&emu.lock);
    unsigned idx = 0;
    bool decoder = false;
    enum node_kind kind = parse_node(path, &idx, &decoder);
    pthread_mutex_unlock(&emu.lock);
    if (kind == NODE_NONE) {
        if (is_hermetic_path(path)) {
            errno = ENOENT;
            return -1;
        }
        return stat(path, st);
    }
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IFCHR | 0660;
    st->st_nlink = 1;
    st->st_rdev = kind == NODE_MEDIA ? makedev(EMU_MEDIA_MAJOR, idx) : makedev(EMU_VIDEO_MAJOR, idx);
    return 0;
}

static const struct vkv4l2_sys_ops ops = {
    .abi_version = VKV4L2_SYS_OPS_ABI,
    .name = "emulator",
    .open = emu_open,
    .close = emu_close,
    .ioctl = emu_ioctl,
    .mmap = emu_mmap,
    .munmap = munmap,
    .poll = emu_poll,
    .stat = emu_stat,
};

EMU_EXPORT const struct vkv4l2_sys_ops *vkv4l2_emulator_ops(void);
const struct vkv4l2_sys_ops *vkv4l2_emulator_ops(void)
{
    pthread_once(&init_once, emu_init);
    return &ops;
}
