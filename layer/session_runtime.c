#include "session_runtime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "caps.h"
#include "device.h"
#include "log.h"
#include "physdev.h"
#include "session.h"
#include "instance.h"
#include "video_session.h"

static pthread_mutex_t runtimes_lock = PTHREAD_MUTEX_INITIALIZER;

struct vkv4l2_session_runtime *vkv4l2_runtime_get(struct vkv4l2_device *dev,
                                                  struct vkv4l2_video_session *vs)
{
    pthread_mutex_lock(&runtimes_lock);
    struct vkv4l2_session_runtime *rt = vs->runtime;
    if (!rt && (rt = calloc(1, sizeof(*rt)))) {
        rt->dev = dev;
        rt->vs = vs;
        pthread_mutex_init(&rt->lock, NULL);
        pthread_cond_init(&rt->cond, NULL);
        rt->next_of_device = dev->runtimes;
        dev->runtimes = rt;
        vs->runtime = rt;
    }
    pthread_mutex_unlock(&runtimes_lock);
    return rt;
}

/* Waits until no decode of this runtime is in flight (the completer, or
 * this thread when the V4L2 session still has them, reaps them). */
static void drain(struct vkv4l2_session_runtime *rt)
{
    pthread_mutex_lock(&rt->lock);
    while (rt->v4l2 && vkv4l2_session_in_flight(rt->v4l2) > 0)
        pthread_cond_wait(&rt->cond, &rt->lock);
    pthread_mutex_unlock(&rt->lock);
}

int vkv4l2_runtime_configure(struct vkv4l2_session_runtime *rt, uint32_t width, uint32_t height)
{
    if (rt->v4l2 && rt->coded_width == width && rt->coded_height == height)
        return 0;
    struct vkv4l2_device *dev = rt->dev;
    const struct vkv4l2_physdev *pd = dev->pd;
    if (!vkv4l2_caps_extent_supported(&pd->h264_caps, width, height)) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR, "coded size %ux%u beyond the decoder's",
                        width, height);
        return -ERANGE;
    }
    if (rt->v4l2) {
        drain(rt);
        vkv4l2_session_destroy(rt->v4l2);
        rt->v4l2 = NULL;
    }
    int mode, start_code;
    if (vkv4l2_caps_pick_decode_mode(&pd->h264_caps, &mode) ||
        vkv4l2_caps_pick_start_code(&pd->h264_caps, &start_code))
        return -ENOTSUP;
    const struct vkv4l2_session_params params = {
        .video_path = pd->h264_node.video_path,
        .media_path = pd->h264_node.media_path,
        .stream = {
            .codec = V4L2_PIX_FMT_H264_SLICE,
            .width = width,
            .height = height,
            .capture_fourcc = V4L2_PIX_FMT_NV12,
            .decode_mode = mode,
            .start_code = start_code,
        },
        .max_in_flight = dev->inst->settings.max_in_flight,
    };
    struct vkv4l2_err err = { 0 };
    struct vkv4l2_session *s;
    int ret = vkv4l2_session_create(&params, &s, &err);
    if (ret) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR, "V4L2 session %ux%u on %s: %s", width,
                        height, params.video_path, err.what);
        return ret;
    }
    pthread_mutex_lock(&rt->lock);
    rt->v4l2 = s;
    rt->coded_width = width;
    rt->coded_height = height;
    rt->generation++;
    /* Timestamps of another V4L2 session mean nothing on this one. */
    vkv4l2_dpb_reset(&rt->track);
    pthread_mutex_unlock(&rt->lock);
    vkv4l2_log_inst(dev->inst, VKV4L2_LOG_INFO, "V4L2 session %ux%u on %s (%u in flight)",
                    width, height, params.video_path, vkv4l2_session_slots(s));
    return 0;
}

void vkv4l2_runtime_forget_buffer(struct vkv4l2_device *dev, int dma_buf_fd, uint64_t buffer_id)
{
    pthread_mutex_lock(&runtimes_lock);
    for (struct vkv4l2_session_runtime *rt = dev->runtimes; rt; rt = rt->next_of_device) {
        pthread_mutex_lock(&rt->lock);
        if (vkv4l2_dpb_forget(&rt->track, buffer_id))
            vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,
                            "an image was destroyed while a decode uses it");
        if (rt->v4l2)
            (void)vkv4l2_session_release_capture(rt->v4l2, dma_buf_fd); /* -ENOENT: never used */
        pthread_mutex_unlock(&rt->lock);
    }
    pthread_mutex_unlock(&runtimes_lock);
}

static void runtime_free(struct vkv4l2_session_runtime *rt)
{
    if (rt->v4l2)
        vkv4l2_session_destroy(rt->v4l2);
    pthread_cond_destroy(&rt->cond);
    pthread_mutex_destroy(&rt->lock);
    free(rt);
}

void vkv4l2_video_session_runtime_destroy(struct vkv4l2_device *dev,
                                          struct vkv4l2_video_session *vs)
{
    pthread_mutex_lock(&runtimes_lock);
    struct vkv4l2_session_runtime *rt = vs->runtime;
    for (struct vkv4l2_session_runtime **p = &dev->runtimes; *p; p = &(*p)->next_of_device) {
        if (*p == rt) {
            *p = rt->next_of_device;
            break;
        }
    }
    vs->runtime = NULL;
    pthread_mutex_unlock(&runtimes_lock);
    if (rt)
        runtime_free(rt);
}

void vkv4l2_runtime_destroy_all(struct vkv4l2_device *dev)
{
    pthread_mutex_lock(&runtimes_lock);
    struct vkv4l2_session_runtime *rt = dev->runtimes;
    dev->runtimes = NULL;
    pthread_mutex_unlock(&runtimes_lock);
    while (rt) {
        struct vkv4l2_session_runtime *next = rt->next_of_device;
        if (rt->vs)
            rt->vs->runtime = NULL;
        runtime_free(rt);
        rt = next;
    }
}
