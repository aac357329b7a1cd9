#include "cmd_buffer.h"

#include "copy_readers.h"

#include <stdlib.h>

#include "device.h"
#include "log.h"
#include "session_params.h"

struct vkv4l2_cmd_buffer *vkv4l2_cmd_buffer_get(struct vkv4l2_device *dev, VkCommandBuffer cb)
{
    return vkv4l2_object_map_get(&dev->cmd_buffers, (uintptr_t)cb);
}

VkResult vkv4l2_cmd_buffer_hold_params(struct vkv4l2_cmd_buffer *cb,
                                       VkVideoSessionParametersKHR handle)
{
    if (handle == VK_NULL_HANDLE)
        return VK_SUCCESS;
    for (uint32_t i = 0; i < cb->held_count; i++) {
        if ((uintptr_t)cb->held_params[i] == (uintptr_t)handle)
            return VK_SUCCESS;
    }
    if (cb->held_count == cb->held_cap) {
        uint32_t cap = cb->held_cap ? 2 * cb->held_cap : 4;
        void *p = realloc(cb->held_params, cap * sizeof(*cb->held_params));
        if (!p)
            return VK_ERROR_OUT_OF_HOST_MEMORY;
        cb->held_params = p;
        cb->held_cap = cap;
    }
    struct vkv4l2_video_session_params *p = vkv4l2_session_params_hold(cb->dev, handle);
    if (p)
        cb->held_params[cb->held_count++] = p;
    return VK_SUCCESS;
}

/* The recording goes away: so do its references. */
static void reset_recording(struct vkv4l2_cmd_buffer *cb)
{
    vkv4l2_cmd_list_reset(&cb->list);
    for (uint32_t i = 0; i < cb->held_count; i++)
        vkv4l2_session_params_release(cb->dev, cb->held_params[i]);
    cb->held_count = 0;
    cb->recording = false;
}

static struct vkv4l2_cmd_pool *pool_get(struct vkv4l2_device *dev, VkCommandPool pool)
{
    return vkv4l2_object_map_get(&dev->cmd_pools, (uintptr_t)pool);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateCommandPool(VkDevice device,
                                                        const VkCommandPoolCreateInfo *pCreateInfo,
                                                        const VkAllocationCallbacks *pAllocator,
                                                        VkCommandPool *pCommandPool)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video || pCreateInfo->queueFamilyIndex != dev->decode_family)
        return dev->vtbl.CreateCommandPool(device, pCreateInfo, pAllocator, pCommandPool);

    struct vkv4l2_cmd_pool *pool = calloc(1, sizeof(*pool));
    if (!pool)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    pool->flags = pCreateInfo->flags;
    if (pAllocator) {
        pool->alloc = *pAllocator;
        pool->has_alloc = true;
    }
    pthread_mutex_init(&pool->lock, NULL);
    if (vkv4l2_object_map_insert(&dev->cmd_pools, (uintptr_t)pool, pool)) {
        pthread_mutex_destroy(&pool->lock);
        free(pool);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    *pCommandPool = (VkCommandPool)(uintptr_t)pool;
    return VK_SUCCESS;
}

static void free_buffer(struct vkv4l2_device *dev, struct vkv4l2_cmd_buffer *cb)
{
    vkv4l2_object_map_remove(&dev->cmd_buffers, (uintptr_t)cb);
    reset_recording(cb);
    vkv4l2_cmd_list_fini(&cb->list);
    free(cb->held_params);
    free(cb);
}

static void destroy_pool(struct vkv4l2_device *dev, struct vkv4l2_cmd_pool *pool)
{
    struct vkv4l2_cmd_buffer *cb = pool->buffers;
    while (cb) {
        struct vkv4l2_cmd_buffer *next = cb->next_in_pool;
        free_buffer(dev, cb);
        cb = next;
    }
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyCommandPool(VkDevice device, VkCommandPool commandPool,
                                                     const VkAllocationCallbacks *pAllocator)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    struct vkv4l2_cmd_pool *pool =
        dev->video && commandPool
            ? vkv4l2_object_map_remove(&dev->cmd_pools, (uintptr_t)commandPool)
            : NULL;
    if (!pool) {
        dev->vtbl.DestroyCommandPool(device, commandPool, pAllocator);
        return;
    }
    destroy_pool(dev, pool);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_ResetCommandPool(VkDevice device, VkCommandPool commandPool,
                                                       VkCommandPoolResetFlags flags)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    struct vkv4l2_cmd_pool *pool = dev->video ? pool_get(dev, commandPool) : NULL;
    if (!pool)
        return dev->vtbl.ResetCommandPool(device, commandPool, flags);
    pthread_mutex_lock(&pool->lock);
    for (struct vkv4l2_cmd_buffer *cb = pool->buffers; cb; cb = cb->next_in_pool)
        reset_recording(cb);
    pthread_mutex_unlock(&pool->lock);
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_TrimCommandPool(VkDevice device, VkCommandPool commandPool,
                                                  VkCommandPoolTrimFlags flags)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (dev->video && pool_get(dev, commandPool))
        return; /* nothing cached beyond what reset frees */
    PFN_vkTrimCommandPool trim =
        dev->vtbl.TrimCommandPool ? dev->vtbl.TrimCommandPool : dev->vtbl.TrimCommandPoolKHR;
    trim(device, commandPool, flags);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_AllocateCommandBuffers(
    VkDevice device, const VkCommandBufferAllocateInfo *pInfo, VkCommandBuffer *pCommandBuffers)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    struct vkv4l2_cmd_pool *pool = dev->video ? pool_get(dev, pInfo->commandPool) : NULL;
    if (!pool)
        return dev->vtbl.AllocateCommandBuffers(device, pInfo, pCommandBuffers);

    for (uint32_t i = 0; i < pInfo->commandBufferCount; i++) {
        struct vkv4l2_cmd_buffer *cb = calloc(1, sizeof(*cb));
        VkResult r = cb ? dev->set_loader_data(device, cb) : VK_ERROR_OUT_OF_HOST_MEMORY;
        if (r == VK_SUCCESS && vkv4l2_object_map_insert(&dev->cmd_buffers, (uintptr_t)cb, cb))
            r = VK_ERROR_OUT_OF_HOST_MEMORY;
        if (r != VK_SUCCESS) {
            free(cb);
            vkv4l2_FreeCommandBuffers(device, pInfo->commandPool, i, pCommandBuffers);
            for (uint32_t j = 0; j < pInfo->commandBufferCount; j++)
                pCommandBuffers[j] = VK_NULL_HANDLE;
            return r;
        }
        cb->dev = dev;
        cb->pool = pool;
        vkv4l2_cmd_list_init(&cb->list, pool->has_alloc ? &pool->alloc : NULL);
        pthread_mutex_lock(&pool->lock);
        cb->next_in_pool = pool->buffers;
        pool->buffers = cb;
        pthread_mutex_unlock(&pool->lock);
        pCommandBuffers[i] = (VkCommandBuffer)cb;
    }
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_FreeCommandBuffers(VkDevice device, VkCommandPool commandPool,
                                                     uint32_t count,
                                                     const VkCommandBuffer *pCommandBuffers)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    struct vkv4l2_cmd_pool *pool = dev->video ? pool_get(dev, commandPool) : NULL;
    if (!pool) {
        for (uint32_t i = 0; i < count; i++) {
            if (pCommandBuffers[i])
                vkv4l2_copy_readers_reset(dev, pCommandBuffers[i]);
        }
        dev->vtbl.FreeCommandBuffers(device, commandPool, count, pCommandBuffers);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    for (uint32_t i = 0; i < count; i++) {
        struct vkv4l2_cmd_buffer *cb = (struct vkv4l2_cmd_buffer *)pCommandBuffers[i];
        if (!cb)
            continue;
        for (struct vkv4l2_cmd_buffer **p = &pool->buffers; *p; p = &(*p)->next_in_pool) {
            if (*p == cb) {
                *p = cb->next_in_pool;
                break;
            }
        }
        free_buffer(dev, cb);
    }
    pthread_mutex_unlock(&pool->lock);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BeginCommandBuffer(VkCommandBuffer commandBuffer,
                                                         const VkCommandBufferBeginInfo *pInfo)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = dev->video ? vkv4l2_cmd_buffer_get(dev, commandBuffer) : NULL;
    if (!cb) {
        vkv4l2_copy_readers_reset(dev, commandBuffer);
        return dev->vtbl.BeginCommandBuffer(commandBuffer, pInfo);
    }
    /* Begin implicitly resets (allowed by the pool flag; validation checks). */
    reset_recording(cb);
    cb->recording = true;
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_EndCommandBuffer(VkCommandBuffer commandBuffer)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = dev->video ? vkv4l2_cmd_buffer_get(dev, commandBuffer) : NULL;
    if (!cb)
        return dev->vtbl.EndCommandBuffer(commandBuffer);
    cb->recording = false;
    return vkv4l2_cmd_list_status(&cb->list);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_ResetCommandBuffer(VkCommandBuffer commandBuffer,
                                                         VkCommandBufferResetFlags flags)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = dev->video ? vkv4l2_cmd_buffer_get(dev, commandBuffer) : NULL;
    if (!cb) {
        vkv4l2_copy_readers_reset(dev, commandBuffer);
        return dev->vtbl.ResetCommandBuffer(commandBuffer, flags);
    }
    reset_recording(cb);
    return VK_SUCCESS;
}
