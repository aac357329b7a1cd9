/* Emulated implicit fences on dma-bufs (memfds, keyed by inode), the
 * sync_file export of DMA_BUF_IOCTL_EXPORT_SYNC_FILE (an eventfd that turns
 * readable once its fences signal), sentinels, and the control API. */
#include "emu.h"
#include "emu_control.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct fence {
    int id;
    dev_t dev;
    ino_t ino;
    bool write;
    struct fence *next;
};

/* A sync file not yet signalled: our dup of the eventfd handed out (the
 * caller may close its fd with plain close(); ours stays valid). */
struct sync_file {
    int fd;
    unsigned n;
    int ids[64];
    struct sync_file *next;
};

struct sentinel {
    dev_t dev;
    ino_t ino;
    uint32_t pattern;
    struct sentinel *next;
};

static struct fence *fences;
static struct sync_file *sync_files;
static struct sentinel *sentinels;
static int next_fence_id = 1;

static bool fence_pending(int id)
{
    for (struct fence *f = fences; f; f = f->next)
        if (f->id == id)
            return true;
    return false;
}

bool emu_fences_pending(dev_t dev, ino_t ino, bool writers_only)
{
    for (struct fence *f = fences; f; f = f->next)
        if (f->dev == dev && f->ino == ino && (f->write || !writers_only))
            return true;
    return false;
}

static void signal_sync_files(void)
{
    for (struct sync_file **p = &sync_files; *p;) {
        struct sync_file *s = *p;
        bool done = true;
        for (unsigned i = 0; i < s->n && done; i++)
            done = !fence_pending(s->ids[i]);
        if (!done) {
            p = &s->next;
            continue;
        }
        uint64_t one = 1;
        if (write(s->fd, &one, sizeof(one)) < 0) {
            /* cannot fail on a fresh eventfd */
        }
        close(s->fd);
        *p = s->next;
        free(s);
    }
}

static int export_sync_file(int fd, struct dma_buf_export_sync_file *arg)
{
    if (!(arg->flags & DMA_BUF_SYNC_RW) || (arg->flags & ~DMA_BUF_SYNC_RW))
        return -EINVAL;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    /* Exporting for write waits for every fence, for read only writers. */
    bool writers_only = !(arg->flags & DMA_BUF_SYNC_WRITE);
    struct sync_file *s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    for (struct fence *f = fences; f; f = f->next)
        if (f->dev == st.st_dev && f->ino == st.st_ino && (f->write || !writers_only) &&
            s->n < sizeof(s->ids) / sizeof(s->ids[0]))
            s->ids[s->n++] = f->id;
    int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (efd < 0) {
        free(s);
        return -errno;
    }
    if (s->n == 0) {
        /* No fence: like the kernel's dma_buf_export_sync_file, hand out
         * one that is signalled already. */
        uint64_t one = 1;
        int err = write(efd, &one, sizeof(one)) < 0 ? errno : 0;
        free(s);
        if (err) {
            close(efd);
            return -err;
        }
    } else {
        s->fd = fcntl(efd, F_DUPFD_CLOEXEC, 0);
        if (s->fd < 0) {
            int err = errno;
            close(efd);
            free(s);
            return -err;
        }
        s->next = sync_files;
        sync_files = s;
    }
    arg->fd = efd;
    return 0;
}

int emu_dmabuf_ioctl(int fd, unsigned long req, void *arg, bool *handled)
{
    struct stat st;
    *handled = false;
    if (req != DMA_BUF_IOCTL_EXPORT_SYNC_FILE && req != DMA_BUF_IOCTL_SYNC)
        return 0;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        return 0; /* not a memfd: let the kernel answer */
    *handled = true;
    if (req == DMA_BUF_IOCTL_SYNC) {
        const struct dma_buf_sync *sync = arg;
        if ((sync->flags & ~DMA_BUF_SYNC_VALID_FLAGS_MASK) || !(sync->flags & DMA_BUF_SYNC_RW))
            return -EINVAL;
        return 0; /* memfds are coherent */
    }
    return export_sync_file(fd, arg);
}

static void fill_pattern(void *mem, size_t size, uint32_t pattern)
{
    uint8_t *p = mem;
    for (size_t i = 0; i < size; i++)
        p[i] = (uint8_t)(pattern >> (8 * (i % 4)));
}

void emu_sentinel_after_decode(dev_t dev, ino_t ino, void *mem, size_t size)
{
    for (struct sentinel **p = &sentinels; *p; p = &(*p)->next) {
        struct sentinel *s = *p;
        if (s->dev == dev && s->ino == ino) {
            fill_pattern(mem, size, s->pattern);
            *p = s->next;
            free(s);
            return;
        }
    }
}

void emu_fences_reset(void)
{
    while (fences) {
        struct fence *f = fences;
        fences = f->next;
        free(f);
    }
    signal_sync_files();
    while (sentinels) {
        struct sentinel *s = sentinels;
        sentinels = s->next;
        free(s);
    }
}

/* ---- control API ---- */

EMU_EXPORT int vkv4l2_emu_fence_attach(int dmabuf_fd, int write_fence)
{
    struct stat st;
    if (fstat(dmabuf_fd, &st) < 0)
        return -errno;
    struct fence *f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    pthread_mutex_lock(&emu.lock);
    f->id = next_fence_id++;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->write = write_fence != 0;
    f->next = fences;
    fences = f;
    int id = f->id;
    pthread_mutex_unlock(&emu.lock);
    return id;
}

EMU_EXPORT int vkv4l2_emu_fence_signal(int fence_id)
{
    int ret = -ENOENT;
    pthread_mutex_lock(&emu.lock);
    for (struct fence **p = &fences; *p; p = &(*p)->next)
        if ((*p)->id == fence_id) {
            struct fence *f = *p;
            *p = f->next;
            free(f);
            ret = 0;
            break;
        }
    signal_sync_files();
    emu_notify();
    pthread_mutex_unlock(&emu.lock);
    return ret;
}

EMU_EXPORT int vkv4l2_emu_dmabuf_fill(int dmabuf_fd, uint32_t pattern)
{
    struct stat st;
    if (fstat(dmabuf_fd, &st) < 0)
        return -errno;
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf_fd, 0);
    if (p == MAP_FAILED)
        return -errno;
    fill_pattern(p, (size_t)st.st_size, pattern);
    munmap(p, (size_t)st.st_size);
    return 0;
}

EMU_EXPORT int vkv4l2_emu_sentinel_after_decode(int dmabuf_fd, uint32_t pattern)
{
    struct stat st;
    if (fstat(dmabuf_fd, &st) < 0)
        return -errno;
    struct sentinel *s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    s->pattern = pattern;
    pthread_mutex_lock(&emu.lock);
    s->next = sentinels;
    sentinels = s;
    pthread_mutex_unlock(&emu.lock);
    return 0;
}

EMU_EXPORT unsigned vkv4l2_emu_violation_count(void)
{
    pthread_mutex_lock(&emu.lock);
    unsigned n = emu.violations;
    pthread_mutex_unlock(&emu.lock);
    return n;
}

EMU_EXPORT unsigned vkv4l2_emu_decode_count(void)
{
    pthread_mutex_lock(&emu.lock);
    unsigned n = emu.decode_count;
    pthread_mutex_unlock(&emu.lock);
    return n;
}

EMU_EXPORT void vkv4l2_emu_reset(void)
{
    pthread_mutex_lock(&emu.lock);
    emu.violations = emu.decode_count = emu.request_count = 0;
    emu_settings_load(&emu.settings);
    emu_fences_reset();
    emu_notify();
    pthread_mutex_unlock(&emu.lock);
}
