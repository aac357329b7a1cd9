/* Device faults, injected by the emulator (VKV4L2_EMU_FAULT, set per test
 * in meson.build): a frame flagged in error, a decode that never completes,
 * a request the kernel refuses to queue.  Skipped on a real kernel, which
 * cannot be told to fail. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "devtest.h"
#include "sys.h"

#define NBUF 4

static struct devtest t;
static struct vkv4l2_capture_buffer bufs[NBUF];

static int queue(struct vkv4l2_session *s, unsigned n)
{
    struct devtest_frame f;
    devtest_frame(&t, &f, n, n ? devtest_ts(n - 1) : 0);
    struct vkv4l2_decode_job job = {
        .ctrls = f.ctrls, .n_ctrls = 3, .capture_fd = bufs[n % NBUF].fd,
        .timestamp_ns = devtest_ts(n), .user_data = n};
    job.bitstream = devtest_bitstream(n == 0, &job.bitstream_size);
    struct vkv4l2_err err = {0};
    int ret = vkv4l2_session_queue(s, &job, &err);
    if (ret < 0)
        fprintf(stderr, "queue %u: %s: %s\n", n, err.what, strerror(-ret));
    return ret;
}

static struct vkv4l2_session *open_session(void)
{
    struct vkv4l2_session_params p;
    devtest_session_params(&t, &p);
    p.max_in_flight = 2;
    struct vkv4l2_session *s = NULL;
    struct vkv4l2_err err = {0};
    int ret = vkv4l2_session_create(&p, &s, &err);
    CHECK_EQ(ret, 0);
    if (ret < 0)
        fprintf(stderr, "session_create: %s: %s\n", err.what, strerror(-ret));
    return s;
}

/* error:2 -- frame 1 comes back flagged, the others decode. */
static void fault_error(void)
{
    struct vkv4l2_session *s = open_session();
    if (!s)
        return;
    for (unsigned n = 0; n < 4; n++) {
        CHECK_EQ(queue(s, n), 0);
        struct vkv4l2_decode_result r;
        struct vkv4l2_err err = {0};
        CHECK_EQ(vkv4l2_session_wait(s, 5000, &r, &err), 0);
        CHECK_EQ(r.user_data, n);
        CHECK_EQ(r.status, n == 1 ? -EIO : 0);
    }
    vkv4l2_session_destroy(s);
}

/* hang:2 -- the second decode never finishes: wait times out (again and
 * again, the session is not failed by it), teardown still works. */
static void fault_hang(void)
{
    struct vkv4l2_session *s = open_session();
    if (!s)
        return;
    struct vkv4l2_decode_result r;
    struct vkv4l2_err err = {0};
    CHECK_EQ(queue(s, 0), 0);
    CHECK_EQ(vkv4l2_session_wait(s, 5000, &r, &err), 0);
    CHECK_EQ(queue(s, 1), 0);
    CHECK_EQ(vkv4l2_session_wait(s, 200, &r, &err), -ETIMEDOUT);
    CHECK_EQ(vkv4l2_session_wait(s, 0, &r, &err), -ETIMEDOUT);
    CHECK_EQ(vkv4l2_session_in_flight(s), 1);
    vkv4l2_session_destroy(s);
}

/* eio:2 -- MEDIA_REQUEST_IOC_QUEUE fails: a CAPTURE buffer is stranded, so
 * the session refuses everything from then on. */
static void fault_eio(void)
{
    struct vkv4l2_session *s = open_session();
    if (!s)
        return;
    struct vkv4l2_decode_result r;
    struct vkv4l2_err err = {0};
    CHECK_EQ(queue(s, 0), 0);
    CHECK_EQ(vkv4l2_session_wait(s, 5000, &r, &err), 0);
    CHECK_EQ(queue(s, 1), -EIO);
    CHECK_EQ(queue(s, 2), -EIO);
    CHECK_EQ(vkv4l2_session_wait(s, 100, &r, &err), -EIO);
    vkv4l2_session_destroy(s);
}

int main(int argc, char **argv)
{
    const char *emu = getenv("VKV4L2_EMULATOR");
    if (!emu || !*emu) {
        fprintf(stderr, "faults are injected by the emulator only\n");
        return DEVTEST_SKIP;
    }
    if (argc != 2)
        return 2;
    int ret = devtest_init(&t);
    if (ret)
        return ret;
    struct vkv4l2_stream_config cfg;
    devtest_stream_config(&t, &cfg);
    for (unsigned i = 0; i < NBUF; i++) {
        struct vkv4l2_err err = {0};
        if (vkv4l2_capture_alloc(t.node.video_path, &cfg, &bufs[i], &err) < 0) {
            fprintf(stderr, "capture_alloc: %s\n", err.what);
            return 1;
        }
    }
    if (!strcmp(argv[1], "error"))
        fault_error();
    else if (!strcmp(argv[1], "hang"))
        fault_hang();
    else if (!strcmp(argv[1], "eio"))
        fault_eio();
    else
        return 2;
    /* Whatever happened, a new session on the device decodes again. */
    struct vkv4l2_session *s = open_session();
    if (s) {
        struct vkv4l2_decode_result r;
        struct vkv4l2_err err = {0};
        /* Fault counters are past their trigger by now for error/eio; for
         * hang:2 this is decode 3. */
        CHECK_EQ(queue(s, 0), 0);
        CHECK_EQ(vkv4l2_session_wait(s, 5000, &r, &err), 0);
        CHECK_EQ(r.status, 0);
        vkv4l2_session_destroy(s);
    }
    for (unsigned i = 0; i < NBUF; i++)
        vkv4l2_sys_close(bufs[i].fd);
    return check_result(argv[1]);
}
