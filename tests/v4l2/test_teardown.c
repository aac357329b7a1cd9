/* Teardown leaves the device reusable: sessions back to back (also torn
 * down with decodes still in flight), two sessions at once on their own
 * fds, and CAPTURE allocation in between. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "devtest.h"
#include "sys.h"

#define WAIT_MS 5000
#define NBUF 3

static struct devtest t;

struct stream {
    struct vkv4l2_session *s;
    struct vkv4l2_capture_buffer bufs[NBUF];
    unsigned next; /* frame number to queue */
    uint64_t base; /* timestamp offset: the two streams differ */
};

static int stream_open(struct stream *st, uint64_t base)
{
    memset(st, 0, sizeof(*st));
    st->base = base;
    struct vkv4l2_session_params p;
    devtest_session_params(&t, &p);
    p.max_in_flight = 1; /* NBUF = slots + 2, see test_session.c */
    struct vkv4l2_err err = {0};
    int ret = vkv4l2_session_create(&p, &st->s, &err);
    if (ret < 0) {
        fprintf(stderr, "session_create: %s: %s\n", err.what, strerror(-ret));
        return ret;
    }
    for (unsigned i = 0; i < NBUF; i++) {
        st->bufs[i].fd = -1;
        ret = vkv4l2_capture_alloc(t.node.video_path, &p.stream, &st->bufs[i], &err);
        if (ret < 0) {
            fprintf(stderr, "capture_alloc: %s: %s\n", err.what, strerror(-ret));
            return ret;
        }
    }
    return 0;
}

static void stream_close(struct stream *st)
{
    vkv4l2_session_destroy(st->s);
    for (unsigned i = 0; i < NBUF; i++)
        if (st->bufs[i].fd >= 0)
            vkv4l2_sys_close(st->bufs[i].fd);
}

static int stream_queue(struct stream *st)
{
    unsigned n = st->next;
    struct devtest_frame f;
    devtest_frame(&t, &f, n, n ? st->base + devtest_ts(n - 1) : 0);
    struct vkv4l2_decode_job job = {
        .ctrls = f.ctrls, .n_ctrls = 3, .capture_fd = st->bufs[n % NBUF].fd,
        .timestamp_ns = st->base + devtest_ts(n), .user_data = n};
    job.bitstream = devtest_bitstream(n == 0, &job.bitstream_size);
    struct vkv4l2_err err = {0};
    int ret = vkv4l2_session_queue(st->s, &job, &err);
    if (ret < 0)
        fprintf(stderr, "queue %u: %s: %s\n", n, err.what, strerror(-ret));
    else
        st->next++;
    return ret;
}

static int stream_wait(struct stream *st, unsigned expect)
{
    struct vkv4l2_decode_result r;
    struct vkv4l2_err err = {0};
    int ret = vkv4l2_session_wait(st->s, WAIT_MS, &r, &err);
    if (ret < 0) {
        fprintf(stderr, "wait: %s: %s\n", err.what, strerror(-ret));
        return ret;
    }
    CHECK_EQ(r.user_data, expect);
    CHECK_EQ(r.timestamp_ns, st->base + devtest_ts(expect));
    CHECK_EQ(r.status, 0);
    return 0;
}

/* Decodes `frames` frames, one at a time. */
static void run(struct stream *st, unsigned frames)
{
    for (unsigned i = 0; i < frames; i++) {
        unsigned n = st->next;
        CHECK_EQ(stream_queue(st), 0);
        CHECK_EQ(stream_wait(st, n), 0);
    }
}

int main(void)
{
    int ret = devtest_init(&t);
    if (ret)
        return ret;

    /* Back to back, each one fully drained. */
    for (unsigned round = 0; round < 3; round++) {
        struct stream st;
        CHECK_EQ(stream_open(&st, 0), 0);
        run(&st, 4);
        stream_close(&st);
    }

    /* Destroyed with a decode in flight, then a new session works. */
    {
        struct stream st;
        CHECK_EQ(stream_open(&st, 0), 0);
        run(&st, 1);
        CHECK_EQ(stream_queue(&st), 0);
        stream_close(&st);
    }

    /* Two at once, interleaved, each with its own timestamps. */
    {
        struct stream a, b;
        CHECK_EQ(stream_open(&a, 0), 0);
        CHECK_EQ(stream_open(&b, 500000000000ull), 0);
        for (unsigned i = 0; i < 5; i++) {
            unsigned na = a.next, nb = b.next;
            CHECK_EQ(stream_queue(&a), 0);
            CHECK_EQ(stream_queue(&b), 0);
            CHECK_EQ(stream_wait(&b, nb), 0);
            CHECK_EQ(stream_wait(&a, na), 0);
        }
        /* Closing one leaves the other running. */
        stream_close(&a);
        run(&b, 2);
        stream_close(&b);
    }

    /* And once more after all that. */
    struct stream st;
    CHECK_EQ(stream_open(&st, 0), 0);
    run(&st, 3);
    stream_close(&st);
    return check_result("test_teardown");
}
