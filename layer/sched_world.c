/* The world the scheduling policy sees, answered from the queue's device. */
#include "sched_world.h"

#include <errno.h>
#include <pthread.h>

#include "fence_gate.h"

#include "device.h"
#include "image.h"
#include "queue.h"
#include "session_runtime.h"
#include "video_session.h"

static bool world_holds(void *ctx, const void *session, uint64_t buffer, uint64_t *tag,
                        bool *failed)
{
    (void)ctx;
    const struct vkv4l2_video_session *vs = session;
    struct vkv4l2_session_runtime *rt = vs ? vs->runtime : NULL;
    if (!rt)
        return false;
    pthread_mutex_lock(&rt->lock);
    bool held = vkv4l2_dpb_picture(&rt->track, buffer, tag, failed);
    pthread_mutex_unlock(&rt->lock);
    return held;
}

static bool world_wait_satisfied(void *ctx, const struct vkv4l2_sched_op *wait)
{
    struct vkv4l2_queue *q = ctx;
    struct vkv4l2_device *dev = q->dev;
    uint64_t value = 0;
    if (!wait->timeline)
        return true; /* consumed by a proxy submission when the submission starts */
    return dev->vtbl.GetSemaphoreCounterValue(dev->handle, wait->semaphore, &value) ==
               VK_SUCCESS &&
           value >= wait->value;
}

/* Every CAPTURE buffer the submission writes is free of implicit fences
 * (GPU readers, DMA_BUF_IOCTL_EXPORT_SYNC_FILE). */
static bool world_targets_idle(void *ctx, const struct vkv4l2_sched_sub *sub)
{
    (void)ctx;
    for (uint32_t k = 0; k < sub->ndecodes; k++) {
        const struct vkv4l2_image *img = sub->decodes[k].target_image;
        if (!img)
            continue; /* the executor reports it */
        int fd = vkv4l2_image_capture_fd(img, sub->decodes[k].target_layer);
        if (fd >= 0 && vkv4l2_dmabuf_wait_readers(fd, 0) == -ETIMEDOUT)
            return false;
    }
    return true;
}

void vkv4l2_sched_world_init(struct vkv4l2_queue *q, struct vkv4l2_sched_world *world)
{
    *world = (struct vkv4l2_sched_world){
        .ctx = q,
        .holds = world_holds,
        .wait_satisfied = world_wait_satisfied,
        .targets_idle = world_targets_idle,
    };
}
