#include "sync_proxy.h"

#include <stdlib.h>

#include "device.h"
#include "fence.h"
#include "log.h"
#include "queue.h"
#include "video_caps.h"

bool vkv4l2_semaphore_is_timeline(struct vkv4l2_device *dev, VkSemaphore sem)
{
    return vkv4l2_object_map_get(&dev->timeline_semaphores, (uintptr_t)sem) != NULL;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateSemaphore(VkDevice device,
                                                      const VkSemaphoreCreateInfo *pCreateInfo,
                                                      const VkAllocationCallbacks *pAllocator,
                                                      VkSemaphore *pSemaphore)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    VkResult r = dev->vtbl.CreateSemaphore(device, pCreateInfo, pAllocator, pSemaphore);
    if (r != VK_SUCCESS || !dev->video)
        return r;
    const VkSemaphoreTypeCreateInfo *type =
        vkv4l2_find_struct(pCreateInfo->pNext, VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO);
    if (type && type->semaphoreType == VK_SEMAPHORE_TYPE_TIMELINE &&
        vkv4l2_object_map_insert(&dev->timeline_semaphores, (uintptr_t)*pSemaphore, (void *)1)) {
        dev->vtbl.DestroySemaphore(device, *pSemaphore, pAllocator);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroySemaphore(VkDevice device, VkSemaphore semaphore,
                                                   const VkAllocationCallbacks *pAllocator)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (dev->video && semaphore != VK_NULL_HANDLE)
        vkv4l2_object_map_remove(&dev->timeline_semaphores, (uintptr_t)semaphore);
    dev->vtbl.DestroySemaphore(device, semaphore, pAllocator);
}

static VkResult ensure_fence(struct vkv4l2_device *dev, VkFence *fence)
{
    if (*fence != VK_NULL_HANDLE)
        return VK_SUCCESS;
    const VkFenceCreateInfo info = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
    return dev->vtbl.CreateFence(dev->handle, &info, NULL, fence);
}

/* One submission on the driver queue, then (if fence is the layer's) a wait
 * for it: the caller's thread owns the fence. */
static VkResult proxy_submit(struct vkv4l2_device *dev, const VkSubmitInfo *info, VkFence fence,
                             bool wait)
{
    pthread_mutex_lock(&dev->driver_queue_lock);
    VkResult r = dev->vtbl.QueueSubmit(dev->driver_queue, info ? 1 : 0, info, fence);
    pthread_mutex_unlock(&dev->driver_queue_lock);
    if (r != VK_SUCCESS || !wait)
        return r;
    r = dev->vtbl.WaitForFences(dev->handle, 1, &fence, VK_TRUE, UINT64_MAX);
    if (r == VK_SUCCESS)
        r = dev->vtbl.ResetFences(dev->handle, 1, &fence);
    return r;
}

static bool stopping(struct vkv4l2_queue *q)
{
    pthread_mutex_lock(&q->lock);
    bool stop = q->stop;
    pthread_mutex_unlock(&q->lock);
    return stop;
}

VkResult vkv4l2_sync_wait(struct vkv4l2_queue *q, struct vkv4l2_submission *sub)
{
    struct vkv4l2_device *dev = q->dev;
    if (!sub->wait_count)
        return VK_SUCCESS;

    VkSemaphore *sems = calloc(sub->wait_count, sizeof(*sems));
    uint64_t *values = calloc(sub->wait_count, sizeof(*values));
    VkPipelineStageFlags *stages = calloc(sub->wait_count, sizeof(*stages));
    VkResult r = VK_ERROR_OUT_OF_HOST_MEMORY;
    if (!sems || !values || !stages)
        goto out;

    /* Binary semaphores first: a proxy submission consumes them. */
    uint32_t nbin = 0;
    for (uint32_t i = 0; i < sub->wait_count; i++) {
        if (!sub->waits[i].timeline && !sub->waits[i].done) {
            sems[nbin] = sub->waits[i].semaphore;
            stages[nbin++] = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
        }
    }
    if (nbin) {
        r = ensure_fence(dev, &q->wait_fence);
        if (r != VK_SUCCESS)
            goto out;
        const VkSubmitInfo info = {
            .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
            .waitSemaphoreCount = nbin,
            .pWaitSemaphores = sems,
            .pWaitDstStageMask = stages,
        };
        r = proxy_submit(dev, &info, q->wait_fence, true);
        if (r != VK_SUCCESS)
            goto out;
    }

    uint32_t ntl = 0;
    for (uint32_t i = 0; i < sub->wait_count; i++) {
        if (sub->waits[i].timeline && !sub->waits[i].done) {
            sems[ntl] = sub->waits[i].semaphore;
            values[ntl++] = sub->waits[i].value;
            vkv4l2_log_inst(dev->inst, VKV4L2_LOG_DEBUG, "submission %llu waits for 0x%llx >= %llu",
                            (unsigned long long)sub->seq,
                            VKV4L2_HANDLE_LLX(sub->waits[i].semaphore),
                            (unsigned long long)sub->waits[i].value);
        }
    }
    r = VK_SUCCESS;
    if (ntl) {
        const VkSemaphoreWaitInfo wait = {
            .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
            .semaphoreCount = ntl,
            .pSemaphores = sems,
            .pValues = values,
        };
        /* In slices, so that device teardown is not held up forever by a
         * wait the application will never satisfy. */
        do {
            r = dev->vtbl.WaitSemaphores(dev->handle, &wait, 100 * 1000 * 1000ull);
        } while (r == VK_TIMEOUT && !stopping(q));
        if (r == VK_TIMEOUT)
            r = VK_ERROR_DEVICE_LOST;
    }
out:
    free(sems);
    free(values);
    free(stages);
    return r;
}

/* Timeline semaphores are signalled on the host: an application
 * submission on the shared driver queue may already wait for them (wait
 * before signal), and Mesa's queues execute in order, so anything the layer
 * put on that queue behind it would never run.  A binary semaphore goes
 * through a proxy submission. */
VkResult vkv4l2_sync_signal_one(struct vkv4l2_queue *q, struct vkv4l2_submission *sub, uint32_t k)
{
    struct vkv4l2_device *dev = q->dev;
    const struct vkv4l2_sched_op *op = &sub->signals[k];
    vkv4l2_log_inst(dev->inst, VKV4L2_LOG_DEBUG, "submission %llu signals 0x%llx%s %llu",
                    (unsigned long long)sub->seq, VKV4L2_HANDLE_LLX(op->semaphore),
                    op->timeline ? " (timeline) =" : " (binary)", (unsigned long long)op->value);
    if (op->timeline) {
        /* A later value of it was signalled first (sched_policy.h): this
         * one is already reached, and timelines never go back. */
        uint64_t current = 0;
        VkResult r = VK_SUCCESS;
        pthread_mutex_lock(&q->signal_lock);
        if (dev->vtbl.GetSemaphoreCounterValue(dev->handle, op->semaphore, &current) !=
                VK_SUCCESS ||
            current < op->value) {
            const VkSemaphoreSignalInfo info = {
                .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
                .semaphore = op->semaphore,
                .value = op->value,
            };
            r = dev->vtbl.SignalSemaphore(dev->handle, &info);
        }
        pthread_mutex_unlock(&q->signal_lock);
        return r;
    }
    const VkSubmitInfo info = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .signalSemaphoreCount = 1,
        .pSignalSemaphores = &op->semaphore,
    };
    return proxy_submit(dev, &info, VK_NULL_HANDLE, false);
}

void vkv4l2_sync_fence(struct vkv4l2_queue *q, struct vkv4l2_submission *sub)
{
    if (sub->fence)
        vkv4l2_fence_signal(q->dev, sub->fence);
}

void vkv4l2_sync_fini(struct vkv4l2_queue *q)
{
    struct vkv4l2_device *dev = q->dev;
    if (q->wait_fence)
        dev->vtbl.DestroyFence(dev->handle, q->wait_fence, NULL);
    if (q->signal_fence)
        dev->vtbl.DestroyFence(dev->handle, q->signal_fence, NULL);
    q->wait_fence = q->signal_fence = VK_NULL_HANDLE;
}
