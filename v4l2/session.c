/* Decode session plumbing: buffers, requests, submission, completion. */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "inflight.h"
#include "request_pool.h"
#include "sys.h"
#include "timestamp.h"

#define DEFAULT_IN_FLIGHT 4
#define MAX_JOB_CTRLS 32

struct output_buffer {
    void *ptr;
    size_t length;
};

struct vkv4l2_session {
    pthread_mutex_t lock;
    int video_fd, media_fd;
    struct v4l2_pix_format_mplane output_fmt, capture_fmt;
    unsigned n_output;          /* OUTPUT buffers the kernel allocated */
    struct output_buffer output[VKV4L2_MAX_REQUESTS];
    bool capture_allocated;
    struct vkv4l2_request_pool requests;
    struct vkv4l2_inflight inflight;
    bool streaming;
    bool waiting;
    int fatal; /* sticky -errno once the kernel state is beyond repair */
};

static int reqbufs(int fd, uint32_t type, uint32_t memory, uint32_t *count, uint32_t *caps)
{
    struct v4l2_requestbuffers rb = {.count = *count, .type = type, .memory = memory};
    int ret = vkv4l2_sys_ioctl(fd, VIDIOC_REQBUFS, &rb);
    if (ret < 0)
        return ret;
    *count = rb.count;
    if (caps)
        *caps = rb.capabilities;
    return 0;
}

static int map_output_buffers(struct vkv4l2_session *s, unsigned count, struct vkv4l2_err *err)
{
    for (unsigned i = 0; i < count; i++) {
        struct v4l2_plane plane = {0};
        struct v4l2_buffer b = {
            .index = i, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, .memory = V4L2_MEMORY_MMAP,
            .m.planes = &plane, .length = 1};
        int ret = vkv4l2_sys_ioctl(s->video_fd, VIDIOC_QUERYBUF, &b);
        if (ret < 0)
            return vkv4l2_err_set(err, ret, "VIDIOC_QUERYBUF(OUTPUT %u)", i);
        void *p;
        ret = vkv4l2_sys_mmap(plane.length, PROT_READ | PROT_WRITE, MAP_SHARED, s->video_fd,
                              plane.m.mem_offset, &p);
        if (ret < 0)
            return vkv4l2_err_set(err, ret, "mmap(OUTPUT %u, %u bytes)", i, plane.length);
        s->output[i].ptr = p;
        s->output[i].length = plane.length;
        s->n_output = i + 1;
    }
    return 0;
}

static int setup_buffers(struct vkv4l2_session *s, const struct vkv4l2_session_params *p,
                         struct vkv4l2_err *err)
{
    unsigned want = p->max_in_flight ? p->max_in_flight : DEFAULT_IN_FLIGHT;
    if (want > VKV4L2_MAX_REQUESTS)
        want = VKV4L2_MAX_REQUESTS;
    uint32_t count = want, caps = 0;
    int ret = reqbufs(s->video_fd, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, V4L2_MEMORY_MMAP, &count, &caps);
    if (ret < 0)
        return vkv4l2_err_set(err, ret, "VIDIOC_REQBUFS(OUTPUT, MMAP, %u)", want);
    if (!(caps & V4L2_BUF_CAP_SUPPORTS_REQUESTS))
        return vkv4l2_err_set(err, -ENOTSUP, "OUTPUT queue does not support requests");
    if (count == 0)
        return vkv4l2_err_set(err, -ENOMEM, "VIDIOC_REQBUFS(OUTPUT) allocated no buffer");
    /* A driver may allocate more than asked: extra buffers stay unused. */
    if ((ret = map_output_buffers(s, count < want ? count : want, err)) < 0)
        return ret;

    uint32_t cap_want = p->max_capture_buffers ? p->max_capture_buffers : VKV4L2_MAX_CAPTURE_BUFFERS;
    if (cap_want > VKV4L2_MAX_CAPTURE_BUFFERS)
        cap_want = VKV4L2_MAX_CAPTURE_BUFFERS;
    uint32_t cap_count = cap_want;
    ret = reqbufs(s->video_fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, V4L2_MEMORY_DMABUF, &cap_count, NULL);
    if (ret < 0)
        return vkv4l2_err_set(err, ret, "VIDIOC_REQBUFS(CAPTURE, DMABUF, %u)", cap_want);
    s->capture_allocated = true;
    if (cap_count == 0)
        return vkv4l2_err_set(err, -ENOMEM, "VIDIOC_REQBUFS(CAPTURE) allocated no buffer");
    if (cap_count > cap_want)
        cap_count = cap_want;

    if ((ret = vkv4l2_request_pool_init(&s->requests, s->media_fd, s->n_output, err)) < 0)
        return ret;
    vkv4l2_inflight_init(&s->inflight, s->n_output, cap_count);
    return 0;
}

int vkv4l2_session_create(const struct vkv4l2_session_params *p, struct vkv4l2_session **out,
                          struct vkv4l2_err *err)
{
    struct vkv4l2_session *s = calloc(1, sizeof(*s));
    if (!s)
        return vkv4l2_err_set(err, -ENOMEM, "session allocation");
    pthread_mutex_init(&s->lock, NULL);
    s->media_fd = -1;
    /* Non-blocking: DQBUF must say -EAGAIN, completion is found by poll. */
    s->video_fd = vkv4l2_sys_open(p->video_path, O_RDWR | O_NONBLOCK);
    int ret = s->video_fd;
    if (ret < 0) {
        vkv4l2_err_set(err, ret, "open(%s)", p->video_path);
        goto fail;
    }
    s->media_fd = vkv4l2_sys_open(p->media_path, O_RDWR);
    if ((ret = s->media_fd) < 0) {
        vkv4l2_err_set(err, ret, "open(%s)", p->media_path);
        goto fail;
    }
    ret = vkv4l2_format_configure(s->video_fd, &p->stream, &s->output_fmt, &s->capture_fmt, err);
    if (ret < 0)
        goto fail;
    if (s->capture_fmt.num_planes != 1) {
        ret = vkv4l2_err_set(err, -ENOTSUP, "CAPTURE format %c%c%c%c has %u memory planes; one dma-buf per frame is supported",
                             VKV4L2_FOURCC_ARGS(s->capture_fmt.pixelformat), s->capture_fmt.num_planes);
        goto fail;
    }
    if ((ret = setup_buffers(s, p, err)) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    vkv4l2_session_destroy(s);
    return ret;
}

void vkv4l2_session_destroy(struct vkv4l2_session *s)
{
    if (!s)
        return;
    if (s->video_fd >= 0) {
        if (s->streaming) {
            int type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
            vkv4l2_sys_ioctl(s->video_fd, VIDIOC_STREAMOFF, &type);
            type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
            vkv4l2_sys_ioctl(s->video_fd, VIDIOC_STREAMOFF, &type);
        }
        for (unsigned i = 0; i < s->n_output; i++)
            vkv4l2_sys_munmap(s->output[i].ptr, s->output[i].length);
        vkv4l2_request_pool_fini(&s->requests);
        /* Teardown errors are not actionable: the fds close regardless,
         * which releases whatever REQBUFS(0) could not. */
        uint32_t zero = 0;
        if (s->n_output)
            reqbufs(s->video_fd, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, V4L2_MEMORY_MMAP, &zero, NULL);
        zero = 0;
        if (s->capture_allocated)
            reqbufs(s->video_fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, V4L2_MEMORY_DMABUF, &zero, NULL);
        vkv4l2_sys_close(s->video_fd);
    }
    if (s->media_fd >= 0)
        vkv4l2_sys_close(s->media_fd);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

const struct v4l2_pix_format_mplane *vkv4l2_session_capture_format(const struct vkv4l2_session *s)
{
    return &s->capture_fmt;
}

const struct v4l2_pix_format_mplane *vkv4l2_session_output_format(const struct vkv4l2_session *s)
{
    return &s->output_fmt;
}

unsigned vkv4l2_session_slots(const struct vkv4l2_session *s) { return s->inflight.n_slots; }
unsigned vkv4l2_session_capture_slots(const struct vkv4l2_session *s) { return s->inflight.captures.n; }

size_t vkv4l2_session_max_bitstream(const struct vkv4l2_session *s)
{
    size_t min = SIZE_MAX;
    for (unsigned i = 0; i < s->n_output; i++)
        if (s->output[i].length < min)
            min = s->output[i].length;
    return s->n_output ? min : 0;
}

unsigned vkv4l2_session_in_flight(struct vkv4l2_session *s)
{
    pthread_mutex_lock(&s->lock);
    unsigned n = vkv4l2_inflight_count(&s->inflight);
    pthread_mutex_unlock(&s->lock);
    return n;
}

static int stream_on(struct vkv4l2_session *s, struct vkv4l2_err *err)
{
    int type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    int ret = vkv4l2_sys_ioctl(s->video_fd, VIDIOC_STREAMON, &type);
    if (ret < 0)
        return vkv4l2_err_set(err, ret, "VIDIOC_STREAMON(OUTPUT)");
    type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
    ret = vkv4l2_sys_ioctl(s->video_fd, VIDIOC_STREAMON, &type);
    if (ret < 0) {
        type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
        vkv4l2_sys_ioctl(s->video_fd, VIDIOC_STREAMOFF, &type);
        return vkv4l2_err_set(err, ret, "VIDIOC_STREAMON(CAPTURE)");
    }
    s->streaming = true;
    return 0;
}

static int dma_buf_identity(int fd, uint64_t *dev, uint64_t *ino)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return 0;
}

/* Kernel part of a submission into reserved slot `slot`.  On failure the
 * request is reinitialised (which also returns an OUTPUT buffer bound to
 * it), unless the request was already queued. */
static int submit(struct vkv4l2_session *s, unsigned slot, unsigned cap_index,
                  const struct vkv4l2_decode_job *job, struct vkv4l2_err *err)
{
    int req_fd = s->requests.fds[slot];
    memcpy(s->output[slot].ptr, job->bitstream, job->bitstream_size);

    int ret = vkv4l2_ctrls_set(s->video_fd, req_fd, job->ctrls, job->n_ctrls, err);
    if (ret < 0)
        goto reinit;

    struct v4l2_plane out_plane = {
        .bytesused = (uint32_t)job->bitstream_size, .length = (uint32_t)s->output[slot].length};
    struct v4l2_buffer out = {
        .index = slot, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, .memory = V4L2_MEMORY_MMAP,
        .m.planes = &out_plane, .length = 1, .field = V4L2_FIELD_NONE,
        .flags = V4L2_BUF_FLAG_REQUEST_FD, .request_fd = req_fd,
        .timestamp = vkv4l2_ns_to_timeval(job->timestamp_ns)};
    if ((ret = vkv4l2_sys_ioctl(s->video_fd, VIDIOC_QBUF, &out)) < 0) {
        vkv4l2_err_set(err, ret, "VIDIOC_QBUF(OUTPUT %u, request)", slot);
        goto reinit;
    }

    /* length 0: vb2 takes the dma-buf's own size. */
    struct v4l2_plane cap_plane = {.m.fd = job->capture_fd, .length = 0};
    struct v4l2_buffer cap = {
        .index = cap_index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE,
        .memory = V4L2_MEMORY_DMABUF, .m.planes = &cap_plane, .length = 1};
    if ((ret = vkv4l2_sys_ioctl(s->video_fd, VIDIOC_QBUF, &cap)) < 0) {
        vkv4l2_err_set(err, ret, "VIDIOC_QBUF(CAPTURE %u, dma-buf fd %d)", cap_index, job->capture_fd);
        goto reinit;
    }

    if ((ret = vkv4l2_request_queue(&s->requests, slot, err)) < 0) {
        /* The CAPTURE buffer is queued with no OUTPUT to pair with: every
         * later job would land in the wrong picture. */
        s->fatal = ret;
        return ret;
    }
    return 0;

reinit:
    if (vkv4l2_request_reinit(&s->requests, slot, NULL) < 0)
        s->fatal = -EIO;
    return ret;
}

int vkv4l2_session_queue(struct vkv4l2_session *s, const struct vkv4l2_decode_job *job,
                         struct vkv4l2_err *err)
{
    if (!vkv4l2_timestamp_representable(job->timestamp_ns))
        return vkv4l2_err_set(err, -EINVAL, "timestamp %llu ns is not a whole microsecond",
                              (unsigned long long)job->timestamp_ns);
    if (job->n_ctrls > MAX_JOB_CTRLS || (job->n_ctrls && !job->ctrls) || !job->bitstream ||
        job->bitstream_size == 0)
        return vkv4l2_err_set(err, -EINVAL, "malformed decode job");
    uint64_t dev = 0, ino = 0;
    int ret = dma_buf_identity(job->capture_fd, &dev, &ino);
    if (ret < 0)
        return vkv4l2_err_set(err, ret, "fstat(CAPTURE dma-buf fd %d)", job->capture_fd);

    pthread_mutex_lock(&s->lock);
    if (s->fatal) {
        ret = vkv4l2_err_set(err, s->fatal, "session failed earlier");
        goto out;
    }
    if (job->bitstream_size > vkv4l2_session_max_bitstream(s)) {
        ret = vkv4l2_err_set(err, -E2BIG, "bitstream of %zu bytes, OUTPUT buffers hold %zu",
                             job->bitstream_size, vkv4l2_session_max_bitstream(s));
        goto out;
    }
    /* A reference no CAPTURE buffer carries would make hantro and rkvdec
     * decode from the current buffer instead, silently. */
    uint64_t refs[V4L2_H264_NUM_DPB_ENTRIES];
    unsigned n_refs = vkv4l2_decode_job_refs(job, refs, V4L2_H264_NUM_DPB_ENTRIES);
    for (unsigned i = 0; i < n_refs; i++) {
        if (vkv4l2_capture_cache_find_ts(&s->inflight.captures, refs[i]) < 0) {
            ret = vkv4l2_err_set(err, -ENOENT, "reference timestamp %llu ns is held by no "
                                 "CAPTURE buffer", (unsigned long long)refs[i]);
            goto out;
        }
    }
    unsigned cap_index;
    if ((ret = vkv4l2_inflight_capture_index(&s->inflight, dev, ino, refs, n_refs,
                                             &cap_index)) < 0) {
        vkv4l2_err_set(err, ret, "all %u CAPTURE indices are in flight or hold references",
                       s->inflight.captures.n);
        goto out;
    }
    int slot = vkv4l2_inflight_reserve(&s->inflight, cap_index, job->timestamp_ns, job->user_data);
    if (slot < 0) {
        ret = vkv4l2_err_set(err, slot, slot == -EAGAIN ? "all requests in flight"
                                        : slot == -EBUSY ? "CAPTURE buffer already in flight"
                                                         : "timestamp already in flight");
        goto out;
    }
    if (!s->streaming && (ret = stream_on(s, err)) < 0) {
        vkv4l2_inflight_cancel(&s->inflight, (unsigned)slot);
        goto out;
    }
    if ((ret = submit(s, (unsigned)slot, cap_index, job, err)) < 0) {
        if (s->fatal)
            vkv4l2_inflight_commit(&s->inflight, (unsigned)slot); /* stranded, counted until destroy */
        else
            vkv4l2_inflight_cancel(&s->inflight, (unsigned)slot);
        goto out;
    }
    vkv4l2_inflight_commit(&s->inflight, (unsigned)slot);
out:
    pthread_mutex_unlock(&s->lock);
    return ret;
}

/* DQBUF until the queue is empty; matches each buffer to its job. */
static int drain_queue(struct vkv4l2_session *s, uint32_t type, uint32_t memory,
                       struct vkv4l2_err *err)
{
    for (;;) {
        struct v4l2_plane plane = {0};
        struct v4l2_buffer b = {.type = type, .memory = memory, .m.planes = &plane, .length = 1};
        int ret = vkv4l2_sys_ioctl(s->video_fd, VIDIOC_DQBUF, &b);
        if (ret == -EAGAIN)
            return 0;
        bool capture = type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
        if (ret < 0)
            return vkv4l2_err_set(err, ret, "VIDIOC_DQBUF(%s)", capture ? "CAPTURE" : "OUTPUT");
        bool error = (b.flags & V4L2_BUF_FLAG_ERROR) != 0;
        ret = capture ? vkv4l2_inflight_capture_done(&s->inflight, b.index,
                                                     vkv4l2_timeval_to_ns(&b.timestamp), error)
                      : vkv4l2_inflight_output_done(&s->inflight, b.index, error);
        if (ret < 0)
            return vkv4l2_err_set(err, -EIO, "kernel returned %s buffer %u that is not in flight",
                                  capture ? "CAPTURE" : "OUTPUT", b.index);
    }
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One pass with the lock held: drain, take a finished job, or build the
 * poll set.  Returns 1 with *out filled, 0 with the poll set ready,
 * or -errno. */
static int reap(struct vkv4l2_session *s, struct vkv4l2_decode_result *out, struct pollfd *fds,
                unsigned *nfds, int *slot_of, struct vkv4l2_err *err)
{
    /* Nothing queued: nothing to drain (and DQBUF before STREAMON fails). */
    if (vkv4l2_inflight_count(&s->inflight) == 0)
        return vkv4l2_err_set(err, -ENODATA, "no decode in flight");
    int ret = drain_queue(s, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, V4L2_MEMORY_MMAP, err);
    if (ret == 0)
        ret = drain_queue(s, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, V4L2_MEMORY_DMABUF, err);
    if (ret < 0)
        return s->fatal = ret;
    int slot = vkv4l2_inflight_take_finished(&s->inflight, out);
    if (slot >= 0) {
        if ((ret = vkv4l2_request_reinit(&s->requests, (unsigned)slot, err)) < 0)
            return s->fatal = ret;
        return 1;
    }

    bool want_buffers = false;
    *nfds = 0;
    for (unsigned i = 0; i < s->inflight.n_slots; i++) {
        const struct vkv4l2_job_slot *j = &s->inflight.slots[i];
        if (j->state != VKV4L2_SLOT_QUEUED)
            continue;
        if (!j->request_done) {
            fds[*nfds] = (struct pollfd){.fd = s->requests.fds[i], .events = POLLPRI};
            slot_of[(*nfds)++] = (int)i;
        } else if (!j->output_done || !j->capture_done) {
            want_buffers = true;
        }
    }
    /* Buffers still due after their request completed: wait on the node.
     * (Only then: with nothing queued, a mem2mem node polls POLLERR.) */
    if (want_buffers) {
        fds[*nfds] = (struct pollfd){.fd = s->video_fd, .events = POLLIN | POLLOUT};
        slot_of[(*nfds)++] = -1;
    }
    return 0;
}

int vkv4l2_session_wait(struct vkv4l2_session *s, int timeout_ms,
                        struct vkv4l2_decode_result *out, struct vkv4l2_err *err)
{
    pthread_mutex_lock(&s->lock);
    if (s->waiting) {
        pthread_mutex_unlock(&s->lock);
        return vkv4l2_err_set(err, -EBUSY, "another thread is waiting on this session");
    }
    s->waiting = true;
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    int ret;
    for (;;) {
        if (s->fatal) {
            ret = vkv4l2_err_set(err, s->fatal, "session failed earlier");
            break;
        }
        struct pollfd fds[VKV4L2_MAX_REQUESTS + 1];
        int slot_of[VKV4L2_MAX_REQUESTS + 1];
        unsigned nfds = 0;
        ret = reap(s, out, fds, &nfds, slot_of, err);
        if (ret != 0) {
            ret = ret > 0 ? 0 : ret;
            break;
        }
        int remaining = -1;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            remaining = left > 0 ? (int)left : 0;
        }
        /* Request fds are never closed before destroy, so polling them
         * unlocked is safe while a submitter adds new jobs. */
        pthread_mutex_unlock(&s->lock);
        int n = vkv4l2_sys_poll(fds, nfds, remaining);
        pthread_mutex_lock(&s->lock);
        if (n < 0) {
            ret = vkv4l2_err_set(err, n, "poll");
            break;
        }
        if (n == 0) {
            ret = vkv4l2_err_set(err, -ETIMEDOUT, "no decode finished within %d ms", timeout_ms);
            break;
        }
        for (unsigned i = 0; i < nfds; i++) {
            if (fds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
                s->fatal = -EIO;
                ret = slot_of[i] < 0
                    ? vkv4l2_err_set(err, -EIO, "video node poll error (revents 0x%x)", fds[i].revents)
                    : vkv4l2_err_set(err, -EIO, "request %d poll error (revents 0x%x)", slot_of[i], fds[i].revents);
                break;
            }
            if (slot_of[i] >= 0 && (fds[i].revents & POLLPRI))
                vkv4l2_inflight_request_done(&s->inflight, (unsigned)slot_of[i]);
        }
        if (s->fatal)
            break;
    }
    s->waiting = false;
    pthread_mutex_unlock(&s->lock);
    return ret;
}

int vkv4l2_session_release_capture(struct vkv4l2_session *s, int dma_buf_fd)
{
    uint64_t dev = 0, ino = 0;
    int ret = dma_buf_identity(dma_buf_fd, &dev, &ino);
    if (ret < 0)
        return ret;
    pthread_mutex_lock(&s->lock);
    ret = vkv4l2_inflight_capture_forget(&s->inflight, dev, ino);
    pthread_mutex_unlock(&s->lock);
    return ret;
}
