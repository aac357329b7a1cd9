/* VK_QUERY_TYPE_RESULT_STATUS_ONLY_KHR query pools: objects of the layer
 * alone (the driver below has no video).  Other query types belong to the
 * driver; the entry points pass those down (query_pool_entry.c).
 *
 * Each query is unavailable (after creation or reset), active (its begin
 * executed on the decode queue) or available with a VkQueryResultStatusKHR.
 * The executor drives the states; vkGetQueryPoolResults reads them and may
 * block on the pool's condition variable for WAIT.
 *
 * Handles: the address of the struct, key of dev->query_pools. */
#ifndef VKV4L2_QUERY_POOL_H
#define VKV4L2_QUERY_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vulkan/vulkan.h>

struct vkv4l2_device;

enum vkv4l2_query_state {
    VKV4L2_QUERY_UNAVAILABLE = 0,
    VKV4L2_QUERY_ACTIVE,
    VKV4L2_QUERY_AVAILABLE,
};

struct vkv4l2_query {
    enum vkv4l2_query_state state;
    VkQueryResultStatusKHR status; /* meaningful when AVAILABLE */
};

struct vkv4l2_query_pool {
    const void *owner; /* the device; only compared (device loss) */
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a query became available, or the device was lost */
    bool lost;
    uint32_t count;
    struct vkv4l2_query *queries;
    struct vkv4l2_query_pool *next; /* registry of live pools (device loss) */
};

/* Pure.  Returns 0 and *out, -EINVAL for count 0, or -ENOMEM.  `owner`
 * groups pools for vkv4l2_query_pools_device_lost. */
int vkv4l2_query_pool_create(const void *owner, uint32_t count, struct vkv4l2_query_pool **out);
/* No thread may be waiting in it (the spec's rule for vkDestroyQueryPool). */
void vkv4l2_query_pool_destroy(struct vkv4l2_query_pool *pool);

/* Executor side.  Each returns 0, or -EINVAL for a range outside the pool
 * (nothing changes then). */
int vkv4l2_query_reset(struct vkv4l2_query_pool *pool, uint32_t first, uint32_t count);
int vkv4l2_query_begin(struct vkv4l2_query_pool *pool, uint32_t index);
/* Makes the query available with `status` and wakes waiters. */
int vkv4l2_query_complete(struct vkv4l2_query_pool *pool, uint32_t index,
                          VkQueryResultStatusKHR status);

/* Every pool of `owner` fails its waits with VK_ERROR_DEVICE_LOST from now. */
void vkv4l2_query_pools_device_lost(const void *owner);

/* vkGetQueryPoolResults on a layer pool (also usable by the executor for
 * vkCmdCopyQueryPoolResults into mapped memory).  Per query, at
 * data + i * stride: no result values (status-only queries have none),
 * then the status (WITH_STATUS_BIT_KHR: the VkQueryResultStatusKHR when
 * available, 0 = NOT_READY otherwise) and/or the availability (1/0), each
 * 32 or 64 bits (64_BIT).  Status and availability are written for every
 * query, available or not.  Returns:
 *   VK_SUCCESS        every query was available
 *   VK_NOT_READY      some query was unavailable (never with WAIT)
 *   VK_ERROR_DEVICE_LOST  the device was lost and some query unavailable
 *   VK_ERROR_VALIDATION_FAILED_EXT  range outside the pool, or data_size too
 *                     small for the layout (nothing is written) */
VkResult vkv4l2_query_pool_results(struct vkv4l2_query_pool *pool, uint32_t first,
                                   uint32_t count, size_t data_size, void *data,
                                   VkDeviceSize stride, VkQueryResultFlags flags);

/* Our pool behind a handle of dev, or NULL (a driver pool, or none). */
struct vkv4l2_query_pool *vkv4l2_query_pool_get(struct vkv4l2_device *dev, VkQueryPool handle);

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateQueryPool(VkDevice device,
                                                      const VkQueryPoolCreateInfo *pCreateInfo,
                                                      const VkAllocationCallbacks *pAllocator,
                                                      VkQueryPool *pQueryPool);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyQueryPool(VkDevice device, VkQueryPool queryPool,
                                                   const VkAllocationCallbacks *pAllocator);
/* Also serves vkResetQueryPoolEXT. */
VKAPI_ATTR void VKAPI_CALL vkv4l2_ResetQueryPool(VkDevice device, VkQueryPool queryPool,
                                                 uint32_t firstQuery, uint32_t queryCount);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetQueryPoolResults(VkDevice device, VkQueryPool queryPool,
                                                          uint32_t firstQuery, uint32_t queryCount,
                                                          size_t dataSize, void *pData,
                                                          VkDeviceSize stride,
                                                          VkQueryResultFlags flags);

#endif
