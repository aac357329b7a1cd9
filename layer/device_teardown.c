/* Frees, at vkDestroyDevice, what the application leaked on the device.
 * An implicit layer sits in every Vulkan program: a player that forgets a
 * video session must not leave V4L2 fds, requests and CAPTURE buffers
 * behind in the kernel for the rest of the process. */
#include "device_teardown.h"

#include <stdbool.h>
#include <stdlib.h>

#include "buffer.h"
#include "cmd_buffer.h"
#include "device.h"
#include "image.h"
#include "memory.h"
#include "object_map.h"
#include "query_pool.h"
#include "session_params.h"
#include "video_session.h"

struct first_key {
    bool (*wanted)(const void *value);
    uintptr_t key;
};

static int take_first(uintptr_t key, void *value, void *ctx)
{
    struct first_key *f = ctx;
    if (f->wanted && !f->wanted(value))
        return 0;
    f->key = key;
    return 1;
}

/* Destroys, one at a time and through `destroy` (which removes the key from
 * the map, as the application's destroy call does), every entry of map that
 * `wanted` accepts (all when NULL).  Bounded by the count found at the start
 * so that a destroy path failing to remove its key cannot loop forever. */
static uint32_t destroy_each(struct vkv4l2_device *dev, struct vkv4l2_object_map *map,
                             bool (*wanted)(const void *value),
                             void (*destroy)(struct vkv4l2_device *dev, uintptr_t key))
{
    uint32_t n = 0, bound = vkv4l2_object_map_count(map);
    struct first_key f = { .wanted = wanted };
    while (n < bound && vkv4l2_object_map_for_each(map, take_first, &f)) {
        destroy(dev, f.key);
        n++;
    }
    return n;
}

static void destroy_cmd_pool(struct vkv4l2_device *dev, uintptr_t key)
{
    vkv4l2_DestroyCommandPool(dev->handle, (VkCommandPool)key, NULL);
}

static void destroy_query_pool(struct vkv4l2_device *dev, uintptr_t key)
{
    vkv4l2_DestroyQueryPool(dev->handle, (VkQueryPool)key, NULL);
}

static void destroy_params(struct vkv4l2_device *dev, uintptr_t key)
{
    vkv4l2_DestroyVideoSessionParametersKHR(dev->handle, (VkVideoSessionParametersKHR)key, NULL);
}

static void destroy_session(struct vkv4l2_device *dev, uintptr_t key)
{
    vkv4l2_DestroyVideoSessionKHR(dev->handle, (VkVideoSessionKHR)key, NULL);
}

static void destroy_image_view(struct vkv4l2_device *dev, uintptr_t key)
{
    vkv4l2_DestroyImageView(dev->handle, (VkImageView)key, NULL);
}

static void destroy_image(struct vkv4l2_device *dev, uintptr_t key)
{
    vkv4l2_image_destroy(dev, (VkImage)key, NULL);
}

static void destroy_buffer(struct vkv4l2_device *dev, uintptr_t key)
{
    vkv4l2_buffer_destroy(dev, (VkBuffer)key, NULL);
}

static void free_memory(struct vkv4l2_device *dev, uintptr_t key)
{
    vkv4l2_memory_free(dev, (VkDeviceMemory)key, NULL);
}

static void forget_memory(struct vkv4l2_device *dev, uintptr_t key)
{
    vkv4l2_memory_forget(dev, (VkDeviceMemory)key);
}

/* An allocation that imports a CAPTURE dma-buf: the driver holds the
 * buffer (a mapping, a GEM handle) until it is freed. */
static bool is_import(const void *value)
{
    return ((const struct vkv4l2_memory *)value)->image != NULL;
}

struct vkv4l2_leak_counts vkv4l2_device_free_leaked(struct vkv4l2_device *dev)
{
    struct vkv4l2_leak_counts n = { 0 };
    /* Recorded commands and query results first (they name sessions and
     * pools), then the sessions (their V4L2 sessions hold the CAPTURE
     * buffers queued), views before their images, imports before the
     * images (which clear the memory's back pointer when they go). */
    n.cmd_pools = destroy_each(dev, &dev->cmd_pools, NULL, destroy_cmd_pool);
    n.query_pools = destroy_each(dev, &dev->query_pools, NULL, destroy_query_pool);
    n.session_params = destroy_each(dev, &dev->session_params, NULL, destroy_params);
    n.sessions = destroy_each(dev, &dev->sessions, NULL, destroy_session);
    n.image_views = destroy_each(dev, &dev->image_views, NULL, destroy_image_view);
    n.imported_memories = destroy_each(dev, &dev->memories, is_import, free_memory);
    n.images = destroy_each(dev, &dev->images, NULL, destroy_image);
    n.buffers = destroy_each(dev, &dev->buffers, NULL, destroy_buffer);
    n.memories = destroy_each(dev, &dev->memories, NULL, forget_memory);
    return n;
}
