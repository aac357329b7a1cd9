/* Pure logic of the layer's RESULT_STATUS_ONLY query pools (the entry
 * points are in query_pool_entry.c). */
#include "query_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Live pools, so that a device loss can wake every waiter of the device.
 * Lock order: registry_lock, then a pool's lock. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vkv4l2_query_pool *registry;

int vkv4l2_query_pool_create(const void *owner, uint32_t count, struct vkv4l2_query_pool **out)
{
    if (count == 0)
        return -EINVAL;
    struct vkv4l2_query_pool *pool = calloc(1, sizeof(*pool));
    if (!pool)
        return -ENOMEM;
    /* calloc: every query starts unavailable, as after a reset (the spec
     * requires a reset before first use anyway). */
    pool->queries = calloc(count, sizeof(*pool->queries));
    if (!pool->queries) {
        free(pool);
        return -ENOMEM;
    }
    pool->owner = owner;
    pool->count = count;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->changed, NULL);

    pthread_mutex_lock(&registry_lock);
    pool->next = registry;
    registry = pool;
    pthread_mutex_unlock(&registry_lock);
    *out = pool;
    return 0;
}

void vkv4l2_query_pool_destroy(struct vkv4l2_query_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&registry_lock);
    for (struct vkv4l2_query_pool **p = &registry; *p; p = &(*p)->next) {
        if (*p == pool) {
            *p = pool->next;
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
    pthread_cond_destroy(&pool->changed);
    pthread_mutex_destroy(&pool->lock);
    free(pool->queries);
    free(pool);
}

static bool in_range(const struct vkv4l2_query_pool *pool, uint32_t first, uint32_t count)
{
    return first < pool->count && count <= pool->count - first;
}

int vkv4l2_query_reset(struct vkv4l2_query_pool *pool, uint32_t first, uint32_t count)
{
    if (count == 0)
        return 0;
    if (!in_range(pool, first, count))
        return -EINVAL;
    pthread_mutex_lock(&pool->lock);
    for (uint32_t i = first; i < first + count; i++)
        pool->queries[i] = (struct vkv4l2_query){ VKV4L2_QUERY_UNAVAILABLE,
                                                  VK_QUERY_RESULT_STATUS_NOT_READY_KHR };
    pthread_mutex_unlock(&pool->lock);
    return 0;
}

int vkv4l2_query_begin(struct vkv4l2_query_pool *pool, uint32_t index)
{
    if (!in_range(pool, index, 1))
        return -EINVAL;
    pthread_mutex_lock(&pool->lock);
    pool->queries[index] = (struct vkv4l2_query){ VKV4L2_QUERY_ACTIVE,
                                                  VK_QUERY_RESULT_STATUS_NOT_READY_KHR };
    pthread_mutex_unlock(&pool->lock);
    return 0;
}

int vkv4l2_query_complete(struct vkv4l2_query_pool *pool, uint32_t index,
                          VkQueryResultStatusKHR status)
{
    if (!in_range(pool, index, 1))
        return -EINVAL;
    pthread_mutex_lock(&pool->lock);
    pool->queries[index] = (struct vkv4l2_query){ VKV4L2_QUERY_AVAILABLE, status };
    pthread_cond_broadcast(&pool->changed);
    pthread_mutex_unlock(&pool->lock);
    return 0;
}

void vkv4l2_query_pools_device_lost(const void *owner)
{
    pthread_mutex_lock(&registry_lock);
    for (struct vkv4l2_query_pool *pool = registry; pool; pool = pool->next) {
        if (pool->owner != owner)
            continue;
        pthread_mutex_lock(&pool->lock);
        pool->lost = true;
        pthread_cond_broadcast(&pool->changed);
        pthread_mutex_unlock(&pool->lock);
    }
    pthread_mutex_unlock(&registry_lock);
}

static bool all_available_locked(const struct vkv4l2_query_pool *pool, uint32_t first,
                                 uint32_t count)
{
    for (uint32_t i = first; i < first + count; i++) {
        if (pool->queries[i].state != VKV4L2_QUERY_AVAILABLE)
            return false;
    }
    return true;
}

/* memcpy: the application's pointer need not be aligned for us (the spec
 * asks for 4 / 8 byte alignment, but a misaligned store is UB in C). */
static void put_value(uint8_t *dst, bool wide, int64_t value)
{
    if (wide) {
        memcpy(dst, &value, sizeof(value));
    } else {
        int32_t v32 = (int32_t)value;
        memcpy(dst, &v32, sizeof(v32));
    }
}

VkResult vkv4l2_query_pool_results(struct vkv4l2_query_pool *pool, uint32_t first,
                                   uint32_t count, size_t data_size, void *data,
                                   VkDeviceSize stride, VkQueryResultFlags flags)
{
    if (count == 0)
        return VK_SUCCESS;
    if (!in_range(pool, first, count))
        return VK_ERROR_VALIDATION_FAILED_EXT;

    const bool wide = flags & VK_QUERY_RESULT_64_BIT;
    const bool with_status = flags & VK_QUERY_RESULT_WITH_STATUS_BIT_KHR;
    const bool with_avail = flags & VK_QUERY_RESULT_WITH_AVAILABILITY_BIT;
    const size_t elem = wide ? 8 : 4;
    const size_t entry = elem * ((with_status ? 1 : 0) + (with_avail ? 1 : 0));
    /* Status-only queries have no result values: PARTIAL changes nothing. */
    if (entry && (stride > SIZE_MAX / count ||
                  (size_t)stride * (count - 1) + entry > data_size || !data))
        return VK_ERROR_VALIDATION_FAILED_EXT;

    pthread_mutex_lock(&pool->lock);
    if (flags & VK_QUERY_RESULT_WAIT_BIT) {
        while (!pool->lost && !all_available_locked(pool, first, count))
            pthread_cond_wait(&pool->changed, &pool->lock);
    }

    bool unavailable = false;
    for (uint32_t i = 0; i < count; i++) {
        const struct vkv4l2_query *q = &pool->queries[first + i];
        const bool available = q->state == VKV4L2_QUERY_AVAILABLE;
        uint8_t *dst = (uint8_t *)data + (size_t)stride * i;
        unavailable |= !available;
        /* With both flags (invalid usage, VUID-vkGetQueryPoolResults-
         * flags-09443) the status comes first, availability last. */
        if (with_status) {
            put_value(dst, wide, available ? q->status : VK_QUERY_RESULT_STATUS_NOT_READY_KHR);
            dst += elem;
        }
        if (with_avail)
            put_value(dst, wide, available ? 1 : 0);
    }
    const bool lost = pool->lost;
    pthread_mutex_unlock(&pool->lock);

    if (!unavailable)
        return VK_SUCCESS;
    return lost ? VK_ERROR_DEVICE_LOST : VK_NOT_READY;
}
