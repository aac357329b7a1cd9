/* A decode session against a device: formats, CAPTURE allocation, the
 * submission API's flow control and refusals, a stream of frames each
 * referencing the previous one by timestamp, a submitting thread running
 * against a completion thread, and more dma-bufs over a session's life
 * than it has CAPTURE indices. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "devtest.h"
#include "sys.h"

#define WAIT_MS 5000
#define MAX_BUFS 8

static struct devtest t;

struct pool {
    unsigned count;
    struct vkv4l2_capture_buffer bufs[MAX_BUFS];
};

static int alloc_pool(struct pool *p, unsigned count)
{
    struct vkv4l2_stream_config cfg;
    devtest_stream_config(&t, &cfg);
    p->count = 0;
    for (unsigned i = 0; i < count && i < MAX_BUFS; i++) {
        struct vkv4l2_err err = {0};
        int ret = vkv4l2_capture_alloc(t.node.video_path, &cfg, &p->bufs[i], &err);
        if (ret < 0) {
            fprintf(stderr, "capture_alloc: %s: %s\n", err.what, strerror(-ret));
            return ret;
        }
        p->count++;
    }
    return 0;
}

static void free_pool(struct pool *p)
{
    for (unsigned i = 0; i < p->count; i++)
        vkv4l2_sys_close(p->bufs[i].fd);
    p->count = 0;
}

static struct vkv4l2_decode_job make_job(struct devtest_frame *f, unsigned n, int fd)
{
    devtest_frame(&t, f, n, n ? devtest_ts(n - 1) : 0);
    struct vkv4l2_decode_job job = {
        .ctrls = f->ctrls, .n_ctrls = 3, .capture_fd = fd,
        .timestamp_ns = devtest_ts(n), .user_data = 0xabc000 + n};
    job.bitstream = devtest_bitstream(n == 0, &job.bitstream_size);
    return job;
}

static void test_formats(struct vkv4l2_session *s, const struct pool *p)
{
    const struct v4l2_pix_format_mplane *cap = vkv4l2_session_capture_format(s);
    const struct v4l2_pix_format_mplane *out = vkv4l2_session_output_format(s);
    CHECK_EQ(out->pixelformat, V4L2_PIX_FMT_H264_SLICE);
    CHECK(out->plane_fmt[0].sizeimage > 0);
    CHECK_EQ(cap->num_planes, 1);
    CHECK(cap->width >= t.width && cap->height >= t.height);
    CHECK(cap->plane_fmt[0].bytesperline >= cap->width);
    CHECK(cap->plane_fmt[0].sizeimage >= cap->plane_fmt[0].bytesperline * cap->height);
    CHECK(vkv4l2_caps_has_capture_format(t.h264, cap->pixelformat));
    CHECK(vkv4l2_session_max_bitstream(s) >= out->plane_fmt[0].sizeimage);
    /* A CAPTURE buffer allocated separately has the session's layout. */
    for (unsigned i = 0; i < p->count; i++) {
        const struct vkv4l2_capture_buffer *b = &p->bufs[i];
        CHECK(b->fd >= 0);
        CHECK(b->size >= cap->plane_fmt[0].sizeimage);
        CHECK_EQ(b->format.pixelformat, cap->pixelformat);
        CHECK_EQ(b->format.width, cap->width);
        CHECK_EQ(b->format.height, cap->height);
        CHECK_EQ(b->format.plane_fmt[0].bytesperline, cap->plane_fmt[0].bytesperline);
        CHECK_EQ(b->format.plane_fmt[0].sizeimage, cap->plane_fmt[0].sizeimage);
    }
}

/* Fill the slots, check every refusal, then drain; all results must match
 * what was submitted and every CAPTURE buffer must have been written. */
static void test_stream(struct vkv4l2_session *s, const struct pool *p)
{
    unsigned slots = vkv4l2_session_slots(s);
    CHECK(slots >= 1);
    CHECK(vkv4l2_session_capture_slots(s) >= p->count);
    size_t luma = (size_t)vkv4l2_session_capture_format(s)->plane_fmt[0].bytesperline * t.height;
    for (unsigned i = 0; i < p->count; i++)
        CHECK_EQ(devtest_fill(p->bufs[i].fd, luma, 0xee), 0);

    struct vkv4l2_err err = {0};
    struct vkv4l2_decode_result r;
    CHECK_EQ(vkv4l2_session_wait(s, 0, &r, &err), -ENODATA);

    /* Refusals before anything is queued. */
    struct devtest_frame f;
    struct vkv4l2_decode_job job = make_job(&f, 0, p->bufs[0].fd);
    job.timestamp_ns += 1; /* not a whole microsecond */
    CHECK_EQ(vkv4l2_session_queue(s, &job, &err), -EINVAL);
    job = make_job(&f, 0, p->bufs[0].fd);
    job.bitstream_size = vkv4l2_session_max_bitstream(s) + 1;
    static uint8_t big[64 << 20];
    job.bitstream = big;
    if (job.bitstream_size <= sizeof(big))
        CHECK_EQ(vkv4l2_session_queue(s, &job, &err), -E2BIG);
    job = make_job(&f, 0, -1);
    CHECK_EQ(vkv4l2_session_queue(s, &job, &err), -EBADF);
    CHECK_EQ(vkv4l2_session_in_flight(s), 0);

    /* Frame 0 .. N-1, keeping the slots full. */
    unsigned total = 3 * p->count, queued = 0, done = 0;
    unsigned saw_eagain = 0, saw_ebusy = 0;
    bool got[64] = {false};
    while (done < total) {
        while (queued < total) {
            struct devtest_frame fr;
            struct vkv4l2_decode_job j = make_job(&fr, queued, p->bufs[queued % p->count].fd);
            int ret = vkv4l2_session_queue(s, &j, &err);
            if (ret == -EAGAIN || ret == -EBUSY) {
                saw_eagain += ret == -EAGAIN;
                saw_ebusy += ret == -EBUSY;
                break;
            }
            CHECK_EQ(ret, 0);
            if (ret < 0) {
                fprintf(stderr, "queue %u: %s\n", queued, err.what);
                return;
            }
            /* Same timestamp again, and (from a free buffer) the same
             * CAPTURE again: both refused while in flight. */
            if (queued == 0) {
                CHECK_EQ(vkv4l2_session_queue(s, &j, &err), -EBUSY);
                if (p->count > 1) {
                    j.capture_fd = p->bufs[1].fd;
                    CHECK_EQ(vkv4l2_session_queue(s, &j, &err), -EEXIST);
                }
            }
            queued++;
        }
        CHECK(vkv4l2_session_in_flight(s) <= slots);
        int ret = vkv4l2_session_wait(s, WAIT_MS, &r, &err);
        CHECK_EQ(ret, 0);
        if (ret < 0) {
            fprintf(stderr, "wait: %s: %s\n", err.what, strerror(-ret));
            return;
        }
        unsigned n = (unsigned)(r.user_data - 0xabc000);
        CHECK(n < total && !got[n]);
        CHECK_EQ(r.timestamp_ns, devtest_ts(n));
        CHECK_EQ(r.status, 0);
        got[n] = true;
        done++;
        if (n + p->count >= total)
            CHECK_EQ(devtest_untouched(p->bufs[n % p->count].fd, luma, 0xee), 0);
    }
    CHECK(saw_eagain + saw_ebusy > 0); /* flow control did bite */
    CHECK_EQ(vkv4l2_session_in_flight(s), 0);
    CHECK_EQ(vkv4l2_session_wait(s, 0, &r, &err), -ENODATA);

    /* A CAPTURE index can be given back once idle. */
    CHECK_EQ(vkv4l2_session_release_capture(s, p->bufs[0].fd), 0);
    CHECK_EQ(vkv4l2_session_release_capture(s, p->bufs[0].fd), -ENOENT);
}

/* A player re-creating its images (at each size change, say) passes many
 * more dma-bufs through a session than it has CAPTURE indices: each new
 * one takes the least recently used free index.  Every frame references
 * the previous one, whose index must survive; old dma-bufs are closed
 * without release_capture, as an application that never tells us.  Then a
 * reference to a picture whose index went to another dma-buf is refused. */
static void test_many_buffers(struct vkv4l2_session *s)
{
    struct vkv4l2_stream_config cfg;
    devtest_stream_config(&t, &cfg);
    unsigned indices = vkv4l2_session_capture_slots(s), total = indices * 2 + 16;
    int fds[3] = { -1, -1, -1 };
    struct vkv4l2_err err = {0};
    unsigned ok = 0;
    for (unsigned n = 0; n < total; n++) {
        struct vkv4l2_capture_buffer buf;
        int ret = vkv4l2_capture_alloc(t.node.video_path, &cfg, &buf, &err);
        CHECK_EQ(ret, 0);
        if (ret < 0)
            break;
        if (fds[n % 3] >= 0)
            vkv4l2_sys_close(fds[n % 3]);
        fds[n % 3] = buf.fd;
        struct devtest_frame f;
        struct vkv4l2_decode_job job = make_job(&f, n, buf.fd);
        ret = vkv4l2_session_queue(s, &job, &err);
        CHECK_EQ(ret, 0);
        if (ret < 0) {
            fprintf(stderr, "frame %u of %u (%u CAPTURE indices): %s\n", n, total, indices,
                    err.what);
            break;
        }
        struct vkv4l2_decode_result r;
        ret = vkv4l2_session_wait(s, WAIT_MS, &r, &err);
        CHECK_EQ(ret, 0);
        if (ret < 0)
            break;
        CHECK_EQ(r.timestamp_ns, devtest_ts(n));
        CHECK_EQ(r.status, 0);
        ok += r.status == 0;
    }
    fprintf(stderr, "%u frames into %u dma-bufs through %u CAPTURE indices\n", ok, total, indices);
    CHECK_EQ(ok, total);
    /* Frame 1's picture lost its index long ago: a frame naming it. */
    struct vkv4l2_capture_buffer buf;
    if (vkv4l2_capture_alloc(t.node.video_path, &cfg, &buf, &err) == 0) {
        struct devtest_frame f;
        struct vkv4l2_decode_job job = make_job(&f, total, buf.fd);
        devtest_frame(&t, &f, total, devtest_ts(1));
        CHECK_EQ(vkv4l2_session_queue(s, &job, &err), -ENOENT);
        CHECK_EQ(vkv4l2_session_in_flight(s), 0);
        vkv4l2_sys_close(buf.fd);
    }
    for (unsigned i = 0; i < 3; i++)
        if (fds[i] >= 0)
            vkv4l2_sys_close(fds[i]);
}

/* One thread submits, another waits: the documented threading contract. */
struct threaded {
    struct vkv4l2_session *s;
    const struct pool *p;
    unsigned total;
    unsigned results, bad;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned done_upto; /* frames whose CAPTURE buffer is free again */
    bool submitter_done;
};

static void *waiter(void *arg)
{
    struct threaded *th = arg;
    for (unsigned i = 0; i < th->total; i++) {
        struct vkv4l2_decode_result r;
        struct vkv4l2_err err = {0};
        int ret = vkv4l2_session_wait(th->s, WAIT_MS, &r, &err);
        if (ret == -ENODATA) { /* submitter is behind, or gave up */
            pthread_mutex_lock(&th->lock);
            bool over = th->submitter_done;
            pthread_mutex_unlock(&th->lock);
            if (over)
                break;
            usleep(1000);
            i--;
            continue;
        }
        pthread_mutex_lock(&th->lock);
        if (ret < 0 || r.status != 0 || r.timestamp_ns != devtest_ts((unsigned)(r.user_data - 0xabc000))) {
            fprintf(stderr, "waiter: %d %s\n", ret, err.what);
            th->bad++;
        }
        th->results++;
        th->done_upto++;
        pthread_cond_broadcast(&th->cond);
        pthread_mutex_unlock(&th->lock);
        if (ret < 0)
            break;
    }
    return NULL;
}

static void test_threads(struct vkv4l2_session *s, const struct pool *p)
{
    struct threaded th = {.s = s, .p = p, .total = 4 * p->count};
    pthread_mutex_init(&th.lock, NULL);
    pthread_cond_init(&th.cond, NULL);
    pthread_t tid;
    pthread_create(&tid, NULL, waiter, &th);
    /* Frame n references frame n-1: its buffer may come back only once
     * frame n is done, hence count - 2. */
    unsigned window = p->count - 2;
    if (window > vkv4l2_session_slots(s))
        window = vkv4l2_session_slots(s);
    for (unsigned n = 0; n < th.total; n++) {
        /* Frame n reuses the buffer of frame n - count: wait until that
         * one came back (and stay within the slots). */
        pthread_mutex_lock(&th.lock);
        while (n >= th.done_upto + window && th.bad == 0)
            pthread_cond_wait(&th.cond, &th.lock);
        bool stop = th.bad != 0;
        pthread_mutex_unlock(&th.lock);
        if (stop)
            break;
        struct devtest_frame fr;
        /* The stream restarts with an IDR: the buffers were released. */
        struct vkv4l2_decode_job j = make_job(&fr, n, p->bufs[n % p->count].fd);
        struct vkv4l2_err err = {0};
        int ret = vkv4l2_session_queue(s, &j, &err);
        CHECK_EQ(ret, 0);
        if (ret < 0) {
            fprintf(stderr, "threaded queue %u: %s\n", n, err.what);
            break;
        }
    }
    pthread_mutex_lock(&th.lock);
    th.submitter_done = true;
    pthread_mutex_unlock(&th.lock);
    pthread_join(tid, NULL);
    CHECK_EQ(th.results, th.total);
    CHECK_EQ(th.bad, 0);
}

int main(void)
{
    int ret = devtest_init(&t);
    if (ret)
        return ret;
    struct vkv4l2_session_params params;
    devtest_session_params(&t, &params);
    params.max_in_flight = 4;
    struct vkv4l2_session *s = NULL;
    struct vkv4l2_err err = {0};
    ret = vkv4l2_session_create(&params, &s, &err);
    CHECK_EQ(ret, 0);
    if (ret < 0) {
        fprintf(stderr, "session_create: %s: %s\n", err.what, strerror(-ret));
        return check_result("test_session");
    }
    struct pool p;
    unsigned want = vkv4l2_session_slots(s) + 2;
    CHECK_EQ(alloc_pool(&p, want < MAX_BUFS ? want : MAX_BUFS), 0);
    fprintf(stderr, "%u slots, %u CAPTURE indices, %u buffers\n", vkv4l2_session_slots(s),
            vkv4l2_session_capture_slots(s), p.count);
    test_formats(s, &p);
    if (p.count >= 3) {
        test_stream(s, &p);
        vkv4l2_session_destroy(s);
        /* Fresh session for the threaded run: frame numbering restarts. */
        CHECK_EQ(vkv4l2_session_create(&params, &s, &err), 0);
        test_threads(s, &p);
        vkv4l2_session_destroy(s);
        CHECK_EQ(vkv4l2_session_create(&params, &s, &err), 0);
        test_many_buffers(s);
    }
    vkv4l2_session_destroy(s);
    free_pool(&p);
    return check_result("test_session");
}
