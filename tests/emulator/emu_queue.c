/* vb2-like buffer queues of one m2m context (videobuf2-core/-v4l2 and
 * v4l2-mem2mem rules): allocation, QBUF/DQBUF, EXPBUF, streaming, mmap. */
#include "emu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE_ALIGN(x) (((x) + (1u << EMU_PAGE_SHIFT) - 1) & ~((1u << EMU_PAGE_SHIFT) - 1))
#define COPIED_FLAGS                                                                           \
    (V4L2_BUF_FLAG_KEYFRAME | V4L2_BUF_FLAG_PFRAME | V4L2_BUF_FLAG_BFRAME |                     \
     V4L2_BUF_FLAG_TIMECODE)

struct emu_queue *emu_ctx_queue(struct emu_ctx *ctx, uint32_t type)
{
    if (type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE)
        return &ctx->out;
    if (type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
        return &ctx->cap;
    return NULL;
}

static bool is_output(const struct emu_queue *q) { return q->type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE; }

static uint32_t queue_caps(const struct emu_queue *q)
{
    uint32_t caps = V4L2_BUF_CAP_SUPPORTS_MMAP | V4L2_BUF_CAP_SUPPORTS_DMABUF |
                    V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS;
    if (is_output(q))
        caps |= V4L2_BUF_CAP_SUPPORTS_REQUESTS | V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF;
    return caps;
}

static uint32_t mem_offset(const struct emu_queue *q, unsigned index)
{
    return (index << EMU_PLANE_INDEX_SHIFT) + (is_output(q) ? 0 : EMU_DST_QUEUE_OFF_BASE);
}

void *emu_buf_mem(struct emu_buf *b)
{
    return b->map ? b->map : b->dmabuf_map;
}

static void detach_dmabuf(struct emu_buf *b)
{
    if (b->dmabuf_map)
        munmap(b->dmabuf_map, b->dmabuf_size);
    if (b->dmabuf_fd >= 0)
        close(b->dmabuf_fd);
    b->dmabuf_map = NULL;
    b->dmabuf_fd = -1;
    b->dmabuf_ino = 0;
    b->dmabuf_dev = 0;
}

static void unbind_request(struct emu_buf *b)
{
    struct emu_request *r = b->req;
    if (!r)
        return;
    for (unsigned i = 0; i < r->nbufs; i++)
        if (r->bufs[i] == b) {
            r->bufs[i] = r->bufs[--r->nbufs];
            break;
        }
    b->req = NULL;
}

static void free_buf(struct emu_buf *b)
{
    unbind_request(b);
    if (b->map)
        munmap(b->map, PAGE_ALIGN(b->length));
    if (b->memfd >= 0)
        close(b->memfd); /* exported dma-bufs and mappings keep the memory */
    detach_dmabuf(b);
    free(b);
}

void emu_queue_free(struct emu_queue *q)
{
    for (unsigned i = 0; i < q->count; i++)
        free_buf(q->bufs[i]);
    q->count = q->nready = q->ndone = 0;
    q->memory = 0;
}

static int alloc_bufs(struct emu_queue *q, uint32_t memory, unsigned n, uint32_t length)
{
    for (unsigned i = 0; i < n; i++) {
        struct emu_buf *b = calloc(1, sizeof(*b));
        if (!b)
            return -ENOMEM;
        b->index = q->count;
        b->length = length;
        b->memfd = b->dmabuf_fd = b->dmabuf_user_fd = b->request_fd = -1;
        if (memory == V4L2_MEMORY_MMAP) {
            b->memfd = memfd_create("vkv4l2-emu-buffer", MFD_CLOEXEC);
            if (b->memfd < 0 || ftruncate(b->memfd, PAGE_ALIGN(length)) < 0 ||
                (b->map = mmap(NULL, PAGE_ALIGN(length), PROT_READ | PROT_WRITE, MAP_SHARED,
                               b->memfd, 0)) == MAP_FAILED) {
                int err = errno;
                b->map = NULL;
                free_buf(b);
                return -err;
            }
        }
        q->bufs[q->count++] = b;
    }
    return 0;
}

static int check_memory(uint32_t memory)
{
    return memory == V4L2_MEMORY_MMAP || memory == V4L2_MEMORY_DMABUF ? 0 : -EINVAL;
}

int emu_reqbufs(struct emu_ctx *ctx, struct v4l2_requestbuffers *rb)
{
    struct emu_queue *q = emu_ctx_queue(ctx, rb->type);
    if (!q || check_memory(rb->memory) < 0)
        return -EINVAL;
    if (q->streaming)
        return -EBUSY;
    /* vb2_core_reqbufs cancels the queue first (buffers queued before
     * STREAMON give their requests back), then frees.  Freeing while
     * buffers are mapped or exported orphans their memory
     * (V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS): our memfds outlive the queue. */
    emu_streamoff(ctx, rb->type);
    emu_queue_free(q);
    rb->capabilities = queue_caps(q);
    rb->flags = 0;
    memset(rb->reserved, 0, sizeof(rb->reserved));
    if (rb->count == 0)
        return 0;
    unsigned n = rb->count > EMU_MAX_BUFFERS ? EMU_MAX_BUFFERS : rb->count;
    const struct v4l2_pix_format_mplane *fmt = is_output(q) ? &ctx->src_fmt : &ctx->dst_fmt;
    int ret = alloc_bufs(q, rb->memory, n, fmt->plane_fmt[0].sizeimage);
    if (ret < 0) {
        emu_queue_free(q);
        return ret;
    }
    q->memory = rb->memory;
    rb->count = q->count;
    return 0;
}

int emu_create_bufs(struct emu_ctx *ctx, struct v4l2_create_buffers *cb)
{
    struct emu_queue *q = emu_ctx_queue(ctx, cb->format.type);
    if (!q || check_memory(cb->memory) < 0)
        return -EINVAL;
    cb->capabilities = queue_caps(q);
    cb->flags = 0;
    cb->max_num_buffers = EMU_MAX_BUFFERS;
    if (q->count && q->memory != cb->memory)
        return -EINVAL;
    cb->index = q->count;
    if (cb->count == 0)
        return 0;
    /* hantro_queue_setup with the client's planes: one plane, at least the
     * current sizeimage. */
    const struct v4l2_pix_format_mplane *cur = is_output(q) ? &ctx->src_fmt : &ctx->dst_fmt;
    const struct v4l2_pix_format_mplane *want = &cb->format.fmt.pix_mp;
    if (want->num_planes != 1 || want->plane_fmt[0].sizeimage == 0 ||
        want->plane_fmt[0].sizeimage < cur->plane_fmt[0].sizeimage)
        return -EINVAL;
    unsigned room = EMU_MAX_BUFFERS - q->count;
    if (!room)
        return -ENOBUFS;
    unsigned n = cb->count > room ? room : cb->count;
    unsigned first = q->count;
    int ret = alloc_bufs(q, cb->memory, n, want->plane_fmt[0].sizeimage);
    if (ret < 0) {
        while (q->count > first)
            free_buf(q->bufs[--q->count]);
        return ret;
    }
    q->memory = cb->memory;
    cb->count = n;
    return 0;
}

static void fill_buffer(const struct emu_queue *q, const struct emu_buf *b, struct v4l2_buffer *vb)
{
    struct v4l2_plane *planes = vb->m.planes;
    vb->index = b->index;
    vb->type = q->type;
    vb->memory = q->memory;
    vb->length = 1;
    vb->field = V4L2_FIELD_NONE;
    vb->sequence = b->sequence;
    vb->timestamp.tv_sec = (time_t)(b->ts_ns / 1000000000u);
    vb->timestamp.tv_usec = (suseconds_t)(b->ts_ns % 1000000000u / 1000u);
    uint32_t flags = V4L2_BUF_FLAG_TIMESTAMP_COPY | b->user_flags;
    switch (b->state) {
    case EMU_BUF_IN_REQUEST:
        flags |= V4L2_BUF_FLAG_IN_REQUEST;
        break;
    case EMU_BUF_QUEUED:
    case EMU_BUF_ACTIVE:
        flags |= V4L2_BUF_FLAG_QUEUED;
        break;
    case EMU_BUF_DONE:
        flags |= V4L2_BUF_FLAG_DONE;
        break;
    case EMU_BUF_DEQUEUED:
        break;
    }
    if (b->error)
        flags |= V4L2_BUF_FLAG_ERROR;
    if (b->request_fd >= 0) {
        flags |= V4L2_BUF_FLAG_REQUEST_FD;
        vb->request_fd = b->request_fd;
    } else {
        vb->request_fd = 0;
    }
    vb->flags = flags;
    memset(&planes[0], 0, sizeof(planes[0]));
    planes[0].bytesused = b->bytesused;
    planes[0].length = b->length;
    if (q->memory == V4L2_MEMORY_MMAP)
        planes[0].m.mem_offset = mem_offset(q, b->index);
    else
        planes[0].m.fd = b->dmabuf_user_fd;
}

static int lookup(struct emu_ctx *ctx, const struct v4l2_buffer *vb, struct emu_queue **qo,
                  struct emu_buf **bo)
{
    struct emu_queue *q = emu_ctx_queue(ctx, vb->type);
    if (!q || vb->index >= q->count)
        return -EINVAL;
    if (!vb->m.planes || vb->length < 1)
        return -EINVAL;
    *qo = q;
    *bo = q->bufs[vb->index];
    return 0;
}

int emu_querybuf(struct emu_ctx *ctx, struct v4l2_buffer *vb)
{
    struct emu_queue *q;
    struct emu_buf *b;
    int ret = lookup(ctx, vb, &q, &b);
    if (ret < 0)
        return ret;
    fill_buffer(q, b, vb);
    return 0;
}

/* Attaches the dma-buf a DMABUF QBUF names (vb2 keeps one per plane and
 * reuses it when the same one is queued again). */
static int attach_dmabuf(struct emu_queue *q, struct emu_buf *b, const struct v4l2_plane *p,
                         const struct stat *st, uint32_t min_length)
{
    uint32_t length = p->length ? p->length : (uint32_t)st->st_size;
    if (length < min_length || (off_t)length > st->st_size)
        return -EINVAL;
    if (b->dmabuf_fd >= 0 && b->dmabuf_ino == st->st_ino && b->dmabuf_dev == st->st_dev) {
        b->dmabuf_user_fd = p->m.fd;
        return 0;
    }
    int fd = fcntl(p->m.fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return -EINVAL;
    int prot = is_output(q) ? PROT_READ : PROT_READ | PROT_WRITE;
    void *map = mmap(NULL, (size_t)st->st_size, prot, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        close(fd);
        return -EINVAL;
    }
    detach_dmabuf(b);
    b->dmabuf_fd = fd;
    b->dmabuf_user_fd = p->m.fd;
    b->dmabuf_dev = st->st_dev;
    b->dmabuf_ino = st->st_ino;
    b->dmabuf_map = map;
    b->dmabuf_size = (size_t)st->st_size;
    b->length = length;
    return 0;
}

/* Strictness: requeueing memory a pending decode still reads. */
static int check_capture_requeue(struct emu_ctx *ctx, struct emu_buf *b, const struct stat *st)
{
    for (unsigned i = 0; i < ctx->cap.count; i++) {
        struct emu_buf *c = ctx->cap.bufs[i];
        bool same = c == b || (st && c->dmabuf_fd >= 0 && c->dmabuf_ino == st->st_ino &&
                               c->dmabuf_dev == st->st_dev);
        if (same && c->has_ts && emu_ts_referenced_by_pending(ctx, c->ts_ns)) {
            emu_violation("CAPTURE buffer %u (timestamp %llu ns) queued while a pending decode "
                          "references it",
                          c->index, (unsigned long long)c->ts_ns);
            return -EBUSY;
        }
    }
    if (st && emu_fences_pending(st->st_dev, st->st_ino, false)) {
        emu_violation("dma-buf (inode %llu) queued on CAPTURE while its fences are unsignalled",
                      (unsigned long long)st->st_ino);
        return -EBUSY;
    }
    return 0;
}

int emu_qbuf(struct emu_ctx *ctx, struct v4l2_buffer *vb)
{
    struct emu_queue *q;
    struct emu_buf *b;
    int ret = lookup(ctx, vb, &q, &b);
    if (ret < 0)
        return ret;
    if (vb->memory != q->memory)
        return -EINVAL;
    struct emu_request *r = NULL;
    if (vb->flags & V4L2_BUF_FLAG_REQUEST_FD) {
        if (!is_output(q))
            return -EBADR; /* CAPTURE does not support requests */
        ret = emu_request_for_update(vb->request_fd, ctx, &r);
        if (ret < 0)
            return ret;
    } else if (is_output(q)) {
        return -EBADR; /* stateless OUTPUT queues require requests */
    }
    if (b->state != EMU_BUF_DEQUEUED)
        return -EINVAL;
    const struct v4l2_pix_format_mplane *fmt = is_output(q) ? &ctx->src_fmt : &ctx->dst_fmt;
    struct stat st;
    bool dmabuf = q->memory == V4L2_MEMORY_DMABUF;
    if (dmabuf && fstat(vb->m.planes[0].m.fd, &st) < 0)
        return -EINVAL;
    if (!is_output(q)) {
        ret = check_capture_requeue(ctx, b, dmabuf ? &st : NULL);
        if (ret < 0)
            return ret;
    }
    if (dmabuf) {
        ret = attach_dmabuf(q, b, &vb->m.planes[0], &st, fmt->plane_fmt[0].sizeimage);
        if (ret < 0)
            return ret;
    }
    /* hantro_buf_prepare: the plane must hold the current format. */
    if (b->length < fmt->plane_fmt[0].sizeimage)
        return -EINVAL;
    if (is_output(q)) {
        uint32_t used = vb->m.planes[0].bytesused ? vb->m.planes[0].bytesused : b->length;
        if (used > b->length)
            return -EINVAL;
        b->bytesused = used;
        b->ts_ns = (uint64_t)vb->timestamp.tv_sec * 1000000000u +
                   (uint64_t)vb->timestamp.tv_usec * 1000u;
        b->has_ts = true;
        b->user_flags = vb->flags & COPIED_FLAGS;
    } else {
        b->bytesused = fmt->plane_fmt[0].sizeimage;
    }
    b->error = false;
    if (r) {
        if (r->nbufs >= sizeof(r->bufs) / sizeof(r->bufs[0]))
            return -EBUSY;
        r->bufs[r->nbufs++] = b;
        r->ctx = ctx;
        b->req = r;
        b->request_fd = vb->request_fd;
        b->state = EMU_BUF_IN_REQUEST;
    } else {
        b->state = EMU_BUF_QUEUED;
        q->ready[q->nready++] = b->index;
        emu_notify();
    }
    fill_buffer(q, b, vb);
    return 0;
}

void emu_buf_done(struct emu_queue *q, struct emu_buf *b, bool error)
{
    b->state = EMU_BUF_DONE;
    b->error = error;
    b->sequence = q->sequence++;
    q->done[q->ndone++] = b->index;
}

int emu_dqbuf(struct emu_ctx *ctx, struct v4l2_buffer *vb)
{
    struct emu_queue *q = emu_ctx_queue(ctx, vb->type);
    if (!q || !vb->m.planes || vb->length < 1)
        return -EINVAL;
    if (vb->memory != q->memory)
        return -EINVAL;
    for (;;) {
        if (!q->streaming)
            return -EINVAL;
        if (q->ndone)
            break;
        if (ctx->nonblock)
            return -EAGAIN;
        pthread_cond_wait(&emu.cond, &emu.lock);
    }
    struct emu_buf *b = q->bufs[q->done[0]];
    memmove(q->done, q->done + 1, --q->ndone * sizeof(q->done[0]));
    fill_buffer(q, b, vb);
    b->state = EMU_BUF_DEQUEUED;
    b->error = false;
    b->request_fd = -1;
    emu_notify();
    return 0;
}

int emu_expbuf(struct emu_ctx *ctx, struct v4l2_exportbuffer *eb)
{
    struct emu_queue *q = emu_ctx_queue(ctx, eb->type);
    if (!q || q->memory != V4L2_MEMORY_MMAP || eb->index >= q->count || eb->plane != 0)
        return -EINVAL;
    if (eb->flags & ~(uint32_t)(O_CLOEXEC | O_ACCMODE))
        return -EINVAL;
    /* A dma-buf is the buffer's memfd reopened: same inode (our identity of
     * a dma-buf), its own file offset, so lseek by an importer is private. */
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", q->bufs[eb->index]->memfd);
    int fd = open(path, O_RDWR | (eb->flags & O_CLOEXEC));
    if (fd < 0)
        fd = fcntl(q->bufs[eb->index]->memfd, (eb->flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
    if (fd < 0)
        return -errno;
    eb->fd = fd;
    return 0;
}

int emu_streamon(struct emu_ctx *ctx, uint32_t type)
{
    struct emu_queue *q = emu_ctx_queue(ctx, type);
    if (!q)
        return -EINVAL;
    if (q->streaming)
        return 0;
    if (!q->count)
        return -EINVAL;
    q->streaming = true;
    q->sequence = 0;
    emu_notify();
    return 0;
}

int emu_streamoff(struct emu_ctx *ctx, uint32_t type)
{
    struct emu_queue *q = emu_ctx_queue(ctx, type);
    if (!q)
        return -EINVAL;
    /* v4l2_m2m_cancel_job: wait for the running job; a hung one (fault
     * injection) is abandoned instead, like a watchdog reset. */
    while (ctx->job_running && !ctx->job_hung)
        pthread_cond_wait(&emu.cond, &emu.lock);
    if (ctx->job_hung) {
        ctx->job_running = ctx->job_hung = false;
    }
    for (unsigned i = 0; i < q->count; i++) {
        struct emu_buf *b = q->bufs[i];
        if (b->req && b->req->state == EMU_REQ_QUEUED) {
            struct emu_request *r = b->req;
            unbind_request(b);
            emu_request_complete(r);
        }
        unbind_request(b);
        b->state = EMU_BUF_DEQUEUED;
        b->error = false;
        b->request_fd = -1;
    }
    q->nready = q->ndone = 0;
    q->streaming = false;
    emu_notify();
    return 0;
}

void *emu_buf_mmap(struct emu_ctx *ctx, size_t len, int prot, int flags, off_t offset)
{
    struct emu_queue *q = &ctx->out;
    uint64_t off = (uint64_t)offset;
    if (off >= EMU_DST_QUEUE_OFF_BASE) {
        q = &ctx->cap;
        off -= EMU_DST_QUEUE_OFF_BASE;
    }
    unsigned index = (unsigned)(off >> EMU_PLANE_INDEX_SHIFT);
    int err = 0;
    if (q->memory != V4L2_MEMORY_MMAP || index >= q->count ||
        (off & ((1u << EMU_PLANE_INDEX_SHIFT) - 1)) != 0)
        err = EINVAL;
    else if (!(flags & MAP_SHARED))
        err = EINVAL; /* vb2_mmap: VM_SHARED required */
    else if (is_output(q) ? !(prot & PROT_WRITE) : !(prot & PROT_READ))
        err = EINVAL;
    else if (len > PAGE_ALIGN(q->bufs[index]->length))
        err = EINVAL;
    if (err) {
        errno = err;
        return MAP_FAILED;
    }
    return mmap(NULL, len, prot, flags, q->bufs[index]->memfd, 0);
}
