/* Queue entry points: the layer's decode queues, and the driver queue the
 * layer shares with the application (taken under dev->driver_queue_lock). */
#include <stdlib.h>
#include <string.h>

#include "cmd_buffer.h"
#include "copy_path.h"
#include "decode_plan.h"
#include "device.h"
#include "fence.h"
#include "log.h"
#include "physdev.h"
#include "queue.h"
#include "scrub.h"
#include "sync_proxy.h"
#include "video_caps.h"

struct vkv4l2_queue *vkv4l2_queue_from_handle(struct vkv4l2_device *dev, VkQueue queue)
{
    for (uint32_t i = 0; i < dev->decode_queue_count; i++) {
        if ((VkQueue)dev->decode_queues[i] == queue)
            return dev->decode_queues[i];
    }
    return NULL;
}

/* The family of a driver queue (recorded when the application got it). */
static uint32_t queue_family(struct vkv4l2_device *dev, VkQueue queue)
{
    uintptr_t v = (uintptr_t)vkv4l2_object_map_get(&dev->queue_families, (uintptr_t)queue);
    return v ? (uint32_t)(v - 1) : dev->driver_queue_family;
}

static void remember_family(struct vkv4l2_device *dev, VkQueue queue, uint32_t family)
{
    /* -EEXIST on repeated queries is fine. */
    if (queue)
        (void)vkv4l2_object_map_insert(&dev->queue_families, (uintptr_t)queue,
                                       (void *)(uintptr_t)(family + 1));
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_GetDeviceQueue(VkDevice device, uint32_t family,
                                                 uint32_t index, VkQueue *pQueue)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (dev->video && family == dev->decode_family) {
        *pQueue = index < dev->decode_queue_count ? (VkQueue)dev->decode_queues[index]
                                                  : VK_NULL_HANDLE;
        return;
    }
    dev->vtbl.GetDeviceQueue(device, family, index, pQueue);
    remember_family(dev, *pQueue, family);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_GetDeviceQueue2(VkDevice device,
                                                  const VkDeviceQueueInfo2 *pInfo,
                                                  VkQueue *pQueue)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (dev->video && pInfo->queueFamilyIndex == dev->decode_family) {
        vkv4l2_GetDeviceQueue(device, pInfo->queueFamilyIndex, pInfo->queueIndex, pQueue);
        return;
    }
    dev->vtbl.GetDeviceQueue2(device, pInfo, pQueue);
    remember_family(dev, *pQueue, pInfo->queueFamilyIndex);
}

static struct vkv4l2_submission *new_submission(uint32_t waits, uint32_t cmds, uint32_t signals)
{
    struct vkv4l2_submission *sub = calloc(1, sizeof(*sub));
    if (!sub)
        return NULL;
    sub->waits = vkv4l2_arena_new(&sub->arena, struct vkv4l2_sched_op, waits + 1);
    sub->cmds = vkv4l2_arena_new(&sub->arena, struct vkv4l2_cmd_buffer *, cmds + 1);
    sub->signals = vkv4l2_arena_new(&sub->arena, struct vkv4l2_sched_op, signals + 1);
    if (!sub->waits || !sub->cmds || !sub->signals) {
        vkv4l2_arena_fini(&sub->arena);
        free(sub);
        return NULL;
    }
    return sub;
}

static VkResult add_cmd(struct vkv4l2_device *dev, struct vkv4l2_submission *sub,
                        VkCommandBuffer handle)
{
    struct vkv4l2_cmd_buffer *cb = vkv4l2_cmd_buffer_get(dev, handle);
    if (!cb) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,
                        "a command buffer of another queue family was submitted to the "
                        "decode queue");
        return VK_ERROR_UNKNOWN;
    }
    sub->cmds[sub->cmd_count++] = cb;
    return VK_SUCCESS;
}

static VkResult submit_decode2(struct vkv4l2_queue *q, uint32_t count, const VkSubmitInfo2 *infos,
                               VkFence fence)
{
    struct vkv4l2_device *dev = q->dev;
    if (count == 0 && fence == VK_NULL_HANDLE)
        return VK_SUCCESS;
    VkResult result = VK_SUCCESS;
    uint64_t first_seq = 0;
    for (uint32_t i = 0; i < count || (i == 0 && count == 0); i++) {
        const VkSubmitInfo2 *in = count ? &infos[i] : NULL;
        struct vkv4l2_submission *sub =
            new_submission(in ? in->waitSemaphoreInfoCount : 0,
                           in ? in->commandBufferInfoCount : 0,
                           in ? in->signalSemaphoreInfoCount : 0);
        if (!sub)
            return VK_ERROR_OUT_OF_HOST_MEMORY;
        for (uint32_t j = 0; in && j < in->waitSemaphoreInfoCount; j++) {
            VkSemaphore s = in->pWaitSemaphoreInfos[j].semaphore;
            sub->waits[sub->wait_count++] = (struct vkv4l2_sched_op){
                s, in->pWaitSemaphoreInfos[j].value, vkv4l2_semaphore_is_timeline(dev, s)
            };
        }
        for (uint32_t j = 0; in && j < in->commandBufferInfoCount; j++) {
            VkResult r = add_cmd(dev, sub, in->pCommandBufferInfos[j].commandBuffer);
            if (r != VK_SUCCESS) {
                vkv4l2_arena_fini(&sub->arena);
                free(sub);
                return r;
            }
        }
        for (uint32_t j = 0; in && j < in->signalSemaphoreInfoCount; j++) {
            VkSemaphore s = in->pSignalSemaphoreInfos[j].semaphore;
            sub->signals[sub->signal_count++] = (struct vkv4l2_sched_op){
                s, in->pSignalSemaphoreInfos[j].value, vkv4l2_semaphore_is_timeline(dev, s)
            };
        }
        if (i + 1 >= count && fence) {
            VkResult fr = vkv4l2_fence_begin(dev, fence);
            if (fr != VK_SUCCESS) {
                vkv4l2_arena_fini(&sub->arena);
                free(sub);
                return fr;
            }
            sub->fence = fence;
            sub->fence_first_seq = first_seq; /* 0: this one is the first */
        }
        VkResult r = vkv4l2_decode_plan_build(dev, sub);
        if (r == VK_SUCCESS)
            r = vkv4l2_copy_path_register(q, sub, vkv4l2_queue_peek_seq(q));
        if (r != VK_SUCCESS) {
            vkv4l2_arena_fini(&sub->arena);
            free(sub);
            return r;
        }
        uint64_t seq;
        r = vkv4l2_queue_push(q, sub, &seq);
        if (r != VK_SUCCESS)
            result = r;
        if (!first_seq)
            first_seq = seq;
    }
    return result;
}

/* Sync1 submissions become sync2 ones (values from the timeline info). */
static VkResult submit_decode1(struct vkv4l2_queue *q, uint32_t count, const VkSubmitInfo *infos,
                               VkFence fence)
{
    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    VkSubmitInfo2 *out = vkv4l2_arena_new(&arena, VkSubmitInfo2, count + 1);
    if (!out)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    for (uint32_t i = 0; i < count; i++) {
        const VkSubmitInfo *in = &infos[i];
        const VkTimelineSemaphoreSubmitInfo *tl =
            vkv4l2_find_struct(in->pNext, VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO);
        VkSemaphoreSubmitInfo *w =
            vkv4l2_arena_new(&arena, VkSemaphoreSubmitInfo, in->waitSemaphoreCount + 1);
        VkCommandBufferSubmitInfo *c =
            vkv4l2_arena_new(&arena, VkCommandBufferSubmitInfo, in->commandBufferCount + 1);
        VkSemaphoreSubmitInfo *s =
            vkv4l2_arena_new(&arena, VkSemaphoreSubmitInfo, in->signalSemaphoreCount + 1);
        if (!w || !c || !s) {
            vkv4l2_arena_fini(&arena);
            return VK_ERROR_OUT_OF_HOST_MEMORY;
        }
        for (uint32_t j = 0; j < in->waitSemaphoreCount; j++) {
            w[j].semaphore = in->pWaitSemaphores[j];
            w[j].value = tl && j < tl->waitSemaphoreValueCount ? tl->pWaitSemaphoreValues[j] : 0;
        }
        for (uint32_t j = 0; j < in->commandBufferCount; j++)
            c[j].commandBuffer = in->pCommandBuffers[j];
        for (uint32_t j = 0; j < in->signalSemaphoreCount; j++) {
            s[j].semaphore = in->pSignalSemaphores[j];
            s[j].value =
                tl && j < tl->signalSemaphoreValueCount ? tl->pSignalSemaphoreValues[j] : 0;
        }
        out[i] = (VkSubmitInfo2){
            .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
            .waitSemaphoreInfoCount = in->waitSemaphoreCount,
            .pWaitSemaphoreInfos = w,
            .commandBufferInfoCount = in->commandBufferCount,
            .pCommandBufferInfos = c,
            .signalSemaphoreInfoCount = in->signalSemaphoreCount,
            .pSignalSemaphoreInfos = s,
        };
    }
    VkResult r = submit_decode2(q, count, out, fence);
    vkv4l2_arena_fini(&arena);
    return r;
}

static bool shared_queue(struct vkv4l2_device *dev, VkQueue queue)
{
    return dev->video && queue == dev->driver_queue;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_QueueSubmit(VkQueue queue, uint32_t count,
                                                  const VkSubmitInfo *pSubmits, VkFence fence)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(queue);
    struct vkv4l2_queue *q = dev->video ? vkv4l2_queue_from_handle(dev, queue) : NULL;
    if (q)
        return submit_decode1(q, count, pSubmits, fence);
    /* Sync1 stage masks have no video bits: nothing to scrub; but the
     * copies of copy-path pictures ride with their first reader. */
    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    const VkSubmitInfo *infos = pSubmits;
    bool copy_fence = false;
    VkResult r = VK_SUCCESS;
    bool lock = shared_queue(dev, queue);
    if (lock)
        pthread_mutex_lock(&dev->driver_queue_lock);
    if (dev->video)
        r = vkv4l2_copy_path_attach1(dev, queue_family(dev, queue), &arena, count, pSubmits,
                                     &infos, &copy_fence);
    if (r == VK_SUCCESS)
        r = dev->vtbl.QueueSubmit(queue, count, infos, fence);
    if (r == VK_SUCCESS && copy_fence)
        r = dev->vtbl.QueueSubmit(queue, 0, NULL, vkv4l2_copy_path_fence(dev));
    if (lock)
        pthread_mutex_unlock(&dev->driver_queue_lock);
    vkv4l2_arena_fini(&arena);
    return r;
}

static VkResult queue_submit2(VkQueue queue, uint32_t count, const VkSubmitInfo2 *pSubmits,
                              VkFence fence, bool khr)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(queue);
    struct vkv4l2_queue *q = dev->video ? vkv4l2_queue_from_handle(dev, queue) : NULL;
    if (q)
        return submit_decode2(q, count, pSubmits, fence);

    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    const VkSubmitInfo2 *infos = pSubmits;
    if (dev->video) {
        const struct vkv4l2_scrub s = {
            .arena = &arena,
            .decode_family = dev->decode_family,
            .driver_family_count = dev->pd->driver_family_count,
        };
        VkResult r = vkv4l2_scrub_submit_infos2(&s, count, pSubmits, &infos);
        if (r < 0) {
            vkv4l2_arena_fini(&arena);
            return r;
        }
    }
    bool copy_fence = false;
    bool lock = shared_queue(dev, queue);
    if (lock)
        pthread_mutex_lock(&dev->driver_queue_lock);
    VkResult r = VK_SUCCESS;
    if (dev->video)
        r = vkv4l2_copy_path_attach2(dev, queue_family(dev, queue), &arena, count, infos, &infos,
                                     &copy_fence);
    if (r == VK_SUCCESS)
        r = khr ? dev->vtbl.QueueSubmit2KHR(queue, count, infos, fence)
                : dev->vtbl.QueueSubmit2(queue, count, infos, fence);
    if (r == VK_SUCCESS && copy_fence)
        r = dev->vtbl.QueueSubmit(queue, 0, NULL, vkv4l2_copy_path_fence(dev));
    if (lock)
        pthread_mutex_unlock(&dev->driver_queue_lock);
    vkv4l2_arena_fini(&arena);
    return r;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_QueueSubmit2(VkQueue queue, uint32_t count,
                                                   const VkSubmitInfo2 *pSubmits, VkFence fence)
{
    return queue_submit2(queue, count, pSubmits, fence, false);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_QueueSubmit2KHR(VkQueue queue, uint32_t count,
                                                      const VkSubmitInfo2 *pSubmits, VkFence fence)
{
    return queue_submit2(queue, count, pSubmits, fence, true);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_QueueWaitIdle(VkQueue queue)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(queue);
    struct vkv4l2_queue *q = dev->video ? vkv4l2_queue_from_handle(dev, queue) : NULL;
    if (q)
        return vkv4l2_queue_wait_idle(q);
    bool lock = shared_queue(dev, queue);
    if (lock)
        pthread_mutex_lock(&dev->driver_queue_lock);
    VkResult r = dev->vtbl.QueueWaitIdle(queue);
    if (lock)
        pthread_mutex_unlock(&dev->driver_queue_lock);
    return r;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_QueuePresentKHR(VkQueue queue,
                                                      const VkPresentInfoKHR *pPresentInfo)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(queue);
    bool lock = shared_queue(dev, queue);
    if (lock)
        pthread_mutex_lock(&dev->driver_queue_lock);
    VkResult r = dev->vtbl.QueuePresentKHR(queue, pPresentInfo);
    if (lock)
        pthread_mutex_unlock(&dev->driver_queue_lock);
    return r;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_DeviceWaitIdle(VkDevice device)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    VkResult result = VK_SUCCESS;
    for (uint32_t i = 0; dev->video && i < dev->decode_queue_count; i++) {
        VkResult r = vkv4l2_queue_wait_idle(dev->decode_queues[i]);
        if (r != VK_SUCCESS)
            result = r;
    }
    if (dev->video)
        pthread_mutex_lock(&dev->driver_queue_lock);
    VkResult r = dev->vtbl.DeviceWaitIdle(device);
    if (dev->video)
        pthread_mutex_unlock(&dev->driver_queue_lock);
    return result != VK_SUCCESS ? result : r;
}
