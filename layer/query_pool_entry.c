/* Query pool entry points: RESULT_STATUS_ONLY pools are the layer's
 * (query_pool.c); every other pool is the driver's and passes down, with
 * video structures (a VkVideoProfileInfoKHR chain) scrubbed from its create
 * info.  On a device where the layer adds no video everything passes down
 * untouched. */
#include <errno.h>

#include "arena.h"
#include "device.h"
#include "log.h"
#include "object_map.h"
#include "physdev.h"
#include "query_pool.h"
#include "scrub.h"
#include "video_caps.h"

struct vkv4l2_query_pool *vkv4l2_query_pool_get(struct vkv4l2_device *dev, VkQueryPool handle)
{
    return handle ? vkv4l2_object_map_get(&dev->query_pools, (uintptr_t)handle) : NULL;
}

static VkResult create_driver_pool(struct vkv4l2_device *dev, VkDevice device,
                                   const VkQueryPoolCreateInfo *ci,
                                   const VkAllocationCallbacks *alloc, VkQueryPool *out)
{
    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    const struct vkv4l2_scrub scrub = {
        .arena = &arena,
        .decode_family = dev->decode_family,
        .driver_family_count = dev->pd->driver_family_count,
    };
    VkQueryPoolCreateInfo info = *ci;
    VkResult r = vkv4l2_chain_drop_video(&scrub, ci->pNext, &info.pNext);
    if (r == VK_INCOMPLETE)
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_WARN,
                        "vkCreateQueryPool: a video structure follows one of unknown size "
                        "in pNext and reaches the driver");
    else if (r != VK_SUCCESS) {
        vkv4l2_arena_fini(&arena);
        return r;
    }
    r = dev->vtbl.CreateQueryPool(device, &info, alloc, out);
    vkv4l2_arena_fini(&arena);
    return r;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateQueryPool(VkDevice device,
                                                      const VkQueryPoolCreateInfo *pCreateInfo,
                                                      const VkAllocationCallbacks *pAllocator,
                                                      VkQueryPool *pQueryPool)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.CreateQueryPool(device, pCreateInfo, pAllocator, pQueryPool);
    if (pCreateInfo->queryType != VK_QUERY_TYPE_RESULT_STATUS_ONLY_KHR)
        return create_driver_pool(dev, device, pCreateInfo, pAllocator, pQueryPool);

    /* The profile makes the pool compatible with sessions of that profile;
     * one we cannot decode is a pool no session of ours can use. */
    const VkVideoProfileInfoKHR *profile =
        vkv4l2_find_struct(pCreateInfo->pNext, VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR);
    if (profile) {
        VkResult r = vkv4l2_video_profile_check(&dev->pd->support, profile);
        if (r != VK_SUCCESS) {
            vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,
                            "vkCreateQueryPool: unsupported video profile (%d)", r);
            return r;
        }
    }
    struct vkv4l2_query_pool *pool;
    int ret = vkv4l2_query_pool_create(dev, pCreateInfo->queryCount, &pool);
    if (ret == -EINVAL) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,
                        "vkCreateQueryPool: VUID-VkQueryPoolCreateInfo-queryCount-02763: "
                        "queryCount must be greater than 0");
        return VK_ERROR_VALIDATION_FAILED_EXT;
    }
    if (ret)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    if (vkv4l2_object_map_insert(&dev->query_pools, (uintptr_t)pool, pool) != 0) {
        vkv4l2_query_pool_destroy(pool);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    *pQueryPool = (VkQueryPool)(uintptr_t)pool;
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyQueryPool(VkDevice device, VkQueryPool queryPool,
                                                   const VkAllocationCallbacks *pAllocator)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    struct vkv4l2_query_pool *pool =
        queryPool ? vkv4l2_object_map_remove(&dev->query_pools, (uintptr_t)queryPool) : NULL;
    if (pool)
        vkv4l2_query_pool_destroy(pool);
    else
        dev->vtbl.DestroyQueryPool(device, queryPool, pAllocator);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_ResetQueryPool(VkDevice device, VkQueryPool queryPool,
                                                 uint32_t firstQuery, uint32_t queryCount)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    struct vkv4l2_query_pool *pool = vkv4l2_query_pool_get(dev, queryPool);
    if (pool) {
        if (vkv4l2_query_reset(pool, firstQuery, queryCount) != 0)
            vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,
                            "vkResetQueryPool: VUID-vkResetQueryPool-firstQuery-09436/09437: "
                            "queries %u..+%u outside the pool", firstQuery, queryCount);
        return;
    }
    /* Core 1.2 or VK_EXT_host_query_reset, whichever the app enabled. */
    if (dev->vtbl.ResetQueryPool)
        dev->vtbl.ResetQueryPool(device, queryPool, firstQuery, queryCount);
    else if (dev->vtbl.ResetQueryPoolEXT)
        dev->vtbl.ResetQueryPoolEXT(device, queryPool, firstQuery, queryCount);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetQueryPoolResults(VkDevice device, VkQueryPool queryPool,
                                                          uint32_t firstQuery, uint32_t queryCount,
                                                          size_t dataSize, void *pData,
                                                          VkDeviceSize stride,
                                                          VkQueryResultFlags flags)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    struct vkv4l2_query_pool *pool = vkv4l2_query_pool_get(dev, queryPool);
    if (!pool)
        return dev->vtbl.GetQueryPoolResults(device, queryPool, firstQuery, queryCount, dataSize,
                                             pData, stride, flags);
    VkResult r = vkv4l2_query_pool_results(pool, firstQuery, queryCount, dataSize, pData,
                                           stride, flags);
    if (r == VK_ERROR_VALIDATION_FAILED_EXT)
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,
                        "vkGetQueryPoolResults: VUID-vkGetQueryPoolResults-firstQuery-09437 / "
                        "dataSize-00817: queries %u..+%u, dataSize %zu, stride %llu do not fit",
                        firstQuery, queryCount, dataSize, (unsigned long long)stride);
    return r;
}
