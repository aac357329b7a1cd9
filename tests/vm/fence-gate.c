/*
 * vm-fence-gate: the layer's requeue gate on real fences and a real V4L2
 * dma-buf, inside the test VM (visl + vgem).
 *
 * Two CAPTURE buffers A and B come from visl (v4l2/capture_alloc.h, the
 * memory the layer imports into Vulkan).  vgem imports A by PRIME and
 * attaches an unsignalled read fence to it: A's reservation object now holds
 * what a GPU or display still reading the picture would leave there.  Then:
 *   1. vkv4l2_dmabuf_wait_readers(A) -- the call the decode executor makes
 *      before it queues a CAPTURE buffer again -- times out (-ETIMEDOUT);
 *   2. a thread blocks in it while a decode into B is queued on a session
 *      (v4l2/session.h) and completes: B is not held up by A's reader, and
 *      the gate on A is still blocked afterwards;
 *   3. DRM_IOCTL_VGEM_FENCE_SIGNAL: the blocked gate returns 0 promptly,
 *      and a decode into A (referencing B's picture) completes.
 * What this does not cover: the layer's decode executor itself (that it
 * calls the gate for every requeue) -- the emulator tests do.
 * vgem signals a fence by itself after 10 s: every wait here is shorter.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "check.h"
#include "devtest.h"
#include "fence_gate.h"
#include "sys.h"
#include "drm/vgem_drm.h"

#define DECODE_WAIT_MS 5000
#define BLOCKED_GATE_MS 8000 /* < vgem's own 10 s fence timeout */
#define PROMPT_MS 500        /* signal -> gate returns, generous for TCG */

static struct devtest t;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The first /dev/dri/card* whose driver is vgem, or -errno. */
static int open_vgem(void)
{
    glob_t g;
    int found = -ENODEV;
    if (glob("/dev/dri/card*", 0, NULL, &g) != 0)
        return -ENODEV;
    for (size_t i = 0; i < g.gl_pathc && found < 0; i++) {
        int fd = open(g.gl_pathv[i], O_RDWR | O_CLOEXEC);
        if (fd < 0)
            continue;
        drmVersionPtr v = drmGetVersion(fd);
        if (v && !strcmp(v->name, "vgem"))
            found = fd;
        else
            close(fd);
        drmFreeVersion(v);
    }
    globfree(&g);
    return found;
}

struct blocked_gate {
    int fd;
    atomic_bool returned;
    int ret;
    double returned_at;
};

static void *gate_thread(void *arg)
{
    struct blocked_gate *b = arg;
    b->ret = vkv4l2_dmabuf_wait_readers(b->fd, BLOCKED_GATE_MS);
    b->returned_at = now_ms();
    atomic_store(&b->returned, true);
    return NULL;
}

/* Queues frame n into capture_fd and waits for it; returns the result's
 * status or a negative error of the session calls. */
static int decode(struct vkv4l2_session *s, unsigned n, int capture_fd)
{
    struct devtest_frame f;
    devtest_frame(&t, &f, n, n ? devtest_ts(n - 1) : 0);
    struct vkv4l2_decode_job job = {
        .ctrls = f.ctrls, .n_ctrls = 3, .capture_fd = capture_fd,
        .timestamp_ns = devtest_ts(n), .user_data = n,
    };
    job.bitstream = devtest_bitstream(n == 0, &job.bitstream_size);
    struct vkv4l2_err err = {0};
    int ret = vkv4l2_session_queue(s, &job, &err);
    if (ret < 0) {
        fprintf(stderr, "queue frame %u: %s: %s\n", n, err.what, strerror(-ret));
        return ret;
    }
    struct vkv4l2_decode_result r;
    ret = vkv4l2_session_wait(s, DECODE_WAIT_MS, &r, &err);
    if (ret < 0) {
        fprintf(stderr, "wait frame %u: %s: %s\n", n, err.what, strerror(-ret));
        return ret;
    }
    CHECK_EQ(r.timestamp_ns, job.timestamp_ns);
    CHECK_EQ(r.user_data, n);
    return r.status;
}

static int run(int vgem)
{
    struct vkv4l2_stream_config cfg;
    struct vkv4l2_capture_buffer a, b;
    struct vkv4l2_err err = {0};
    int ret;

    devtest_stream_config(&t, &cfg);
    if ((ret = vkv4l2_capture_alloc(t.node.video_path, &cfg, &a, &err)) < 0 ||
        (ret = vkv4l2_capture_alloc(t.node.video_path, &cfg, &b, &err)) < 0) {
        fprintf(stderr, "capture_alloc: %s: %s\n", err.what, strerror(-ret));
        return 1;
    }

    /* vgem's GEM object for A shares A's reservation object. */
    uint32_t handle = 0;
    if ((ret = drmPrimeFDToHandle(vgem, a.fd, &handle)) < 0) {
        fprintf(stderr, "DRM_IOCTL_PRIME_FD_TO_HANDLE (visl dma-buf into vgem): %s\n",
                strerror(-ret));
        return 1;
    }
    struct drm_vgem_fence_attach attach = { .handle = handle, .flags = 0 /* a reader */ };
    if (drmIoctl(vgem, DRM_IOCTL_VGEM_FENCE_ATTACH, &attach) < 0) {
        fprintf(stderr, "DRM_IOCTL_VGEM_FENCE_ATTACH: %s\n", strerror(errno));
        return 1;
    }
    CHECK(vkv4l2_dmabuf_fences_available());

    /* 1. The gate holds A back while its reader's fence is unsignalled;
     * B has no fence and passes at once. */
    double t0 = now_ms();
    ret = vkv4l2_dmabuf_wait_readers(a.fd, 300);
    double waited = now_ms() - t0;
    CHECK_EQ(ret, -ETIMEDOUT);
    CHECK(waited >= 290);
    CHECK_EQ(vkv4l2_dmabuf_wait_readers(b.fd, 0), 0);
    printf("gate on A with an unsignalled vgem fence: %s after %.0f ms; on B: 0\n",
           strerror(-ret), waited);

    /* 2. A thread blocks on A while B is decoded. */
    struct blocked_gate blocked = { .fd = a.fd };
    pthread_t thread;
    if (pthread_create(&thread, NULL, gate_thread, &blocked) != 0)
        return 1;
    struct vkv4l2_session_params sp;
    devtest_session_params(&t, &sp);
    struct vkv4l2_session *s = NULL;
    if ((ret = vkv4l2_session_create(&sp, &s, &err)) < 0) {
        fprintf(stderr, "session_create: %s: %s\n", err.what, strerror(-ret));
        return 1;
    }
    t0 = now_ms();
    ret = decode(s, 0, b.fd);
    double decode_ms = now_ms() - t0;
    CHECK_EQ(ret, 0);
    CHECK(!atomic_load(&blocked.returned));
    printf("decode into B while the gate on A blocks: status %d in %.0f ms; gate on A still "
           "blocked: %s\n", ret, decode_ms, atomic_load(&blocked.returned) ? "no" : "yes");

    /* 3. Signal: the gate lets A go promptly, and A decodes. */
    struct drm_vgem_fence_signal sig = { .fence = attach.out_fence };
    double signalled_at = now_ms();
    if (drmIoctl(vgem, DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig) < 0) {
        fprintf(stderr, "DRM_IOCTL_VGEM_FENCE_SIGNAL: %s\n", strerror(errno));
        return 1;
    }
    pthread_join(thread, NULL);
    double latency = blocked.returned_at - signalled_at;
    CHECK_EQ(blocked.ret, 0);
    CHECK(latency < PROMPT_MS);
    CHECK_EQ(vkv4l2_dmabuf_wait_readers(a.fd, 0), 0);
    ret = decode(s, 1, a.fd);
    CHECK_EQ(ret, 0);
    printf("after VGEM_FENCE_SIGNAL: gate on A returned %d, %.1f ms after the signal; "
           "decode into A: status %d\n", blocked.ret, latency, ret);

    vkv4l2_session_destroy(s);
    struct drm_gem_close close_handle = { .handle = handle };
    drmIoctl(vgem, DRM_IOCTL_GEM_CLOSE, &close_handle);
    vkv4l2_sys_close(a.fd);
    vkv4l2_sys_close(b.fd);
    return 0;
}

int main(void)
{
    int ret = devtest_init(&t);
    if (ret)
        return ret;
    int vgem = open_vgem();
    if (vgem < 0) {
        fprintf(stderr, "no vgem device (/dev/dri/card* of driver vgem): %s\n", strerror(-vgem));
        return 1;
    }
    ret = run(vgem);
    close(vgem);
    if (ret)
        return ret;
    printf("vm-fence-gate: %d checks, %d failed\n", check_count, check_failures);
    return check_failures ? 1 : 0;
}
