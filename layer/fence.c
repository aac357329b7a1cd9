#include "fence.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "device.h"

/* Map values: PENDING or SIGNALLED (never NULL). */
#define PENDING ((void *)1)
#define SIGNALLED ((void *)2)

VkResult vkv4l2_fence_begin(struct vkv4l2_device *dev, VkFence fence)
{
    pthread_mutex_lock(&dev->fence_lock);
    vkv4l2_object_map_remove(&dev->layer_fences, (uintptr_t)fence);
    int ret = vkv4l2_object_map_insert(&dev->layer_fences, (uintptr_t)fence, PENDING);
    pthread_mutex_unlock(&dev->fence_lock);
    return ret ? VK_ERROR_OUT_OF_HOST_MEMORY : VK_SUCCESS;
}

void vkv4l2_fence_signal(struct vkv4l2_device *dev, VkFence fence)
{
    pthread_mutex_lock(&dev->fence_lock);
    if (vkv4l2_object_map_remove(&dev->layer_fences, (uintptr_t)fence))
        (void)vkv4l2_object_map_insert(&dev->layer_fences, (uintptr_t)fence, SIGNALLED);
    pthread_cond_broadcast(&dev->fence_cond);
    pthread_mutex_unlock(&dev->fence_lock);
}

void vkv4l2_fences_fini(struct vkv4l2_device *dev)
{
    vkv4l2_object_map_fini(&dev->layer_fences);
}

/* Under fence_lock: 1 signalled, 0 pending, -1 not a layer fence. */
static int layer_state(struct vkv4l2_device *dev, VkFence fence)
{
    void *v = vkv4l2_object_map_get(&dev->layer_fences, (uintptr_t)fence);
    return v == SIGNALLED ? 1 : v == PENDING ? 0 : -1;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetFenceStatus(VkDevice device, VkFence fence)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    pthread_mutex_lock(&dev->fence_lock);
    int st = layer_state(dev, fence);
    pthread_mutex_unlock(&dev->fence_lock);
    if (st < 0)
        return dev->vtbl.GetFenceStatus(device, fence);
    return st ? VK_SUCCESS : VK_NOT_READY;
}

/* Every fence, or one, is signalled now?  Driver fences are asked without
 * waiting. */
static VkResult poll_once(struct vkv4l2_device *dev, uint32_t count, const VkFence *fences,
                          VkBool32 wait_all, bool *done)
{
    uint32_t signalled = 0;
    for (uint32_t i = 0; i < count; i++) {
        int st = layer_state(dev, fences[i]);
        if (st < 0) {
            VkResult r = dev->vtbl.GetFenceStatus(dev->handle, fences[i]);
            if (r < 0)
                return r;
            st = r == VK_SUCCESS;
        }
        signalled += st;
    }
    *done = wait_all ? signalled == count : signalled > 0;
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_WaitForFences(VkDevice device, uint32_t count,
                                                    const VkFence *pFences, VkBool32 waitAll,
                                                    uint64_t timeout)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    pthread_mutex_lock(&dev->fence_lock);
    bool any_layer = false;
    for (uint32_t i = 0; i < count; i++)
        any_layer |= layer_state(dev, pFences[i]) >= 0;
    if (!any_layer) {
        pthread_mutex_unlock(&dev->fence_lock);
        return dev->vtbl.WaitForFences(device, count, pFences, waitAll, timeout);
    }
    /* Mixed or layer-only: wake on the layer's signals, and re-check the
     * driver's fences every millisecond. */
    uint64_t deadline = timeout > UINT64_MAX - now_ns() ? UINT64_MAX : now_ns() + timeout;
    VkResult r;
    for (;;) {
        bool done;
        r = poll_once(dev, count, pFences, waitAll, &done);
        if (r != VK_SUCCESS || done)
            break;
        uint64_t now = now_ns();
        if (now >= deadline) {
            r = VK_TIMEOUT;
            break;
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t slice = deadline - now < 1000000 ? deadline - now : 1000000;
        ts.tv_nsec += (long)slice;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&dev->fence_cond, &dev->fence_lock, &ts);
    }
    pthread_mutex_unlock(&dev->fence_lock);
    return r;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_ResetFences(VkDevice device, uint32_t count,
                                                  const VkFence *pFences)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    pthread_mutex_lock(&dev->fence_lock);
    for (uint32_t i = 0; i < count; i++)
        vkv4l2_object_map_remove(&dev->layer_fences, (uintptr_t)pFences[i]);
    pthread_mutex_unlock(&dev->fence_lock);
    return dev->vtbl.ResetFences(device, count, pFences);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyFence(VkDevice device, VkFence fence,
                                               const VkAllocationCallbacks *pAllocator)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (fence) {
        pthread_mutex_lock(&dev->fence_lock);
        vkv4l2_object_map_remove(&dev->layer_fences, (uintptr_t)fence);
        pthread_mutex_unlock(&dev->fence_lock);
    }
    dev->vtbl.DestroyFence(device, fence, pAllocator);
}
