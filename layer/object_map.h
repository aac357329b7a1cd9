/* Thread-safe map from a Vulkan handle (or dispatch key) to a layer object.
 * Open addressing with linear probing and tombstones; readers take a shared
 * lock, so lookups on the hot path (every intercepted call) do not contend. */
#ifndef VKV4L2_OBJECT_MAP_H
#define VKV4L2_OBJECT_MAP_H

#include <pthread.h>
#include <stdint.h>

struct vkv4l2_object_map {
    pthread_rwlock_t lock;
    struct vkv4l2_object_map_slot *slots;
    uint32_t capacity; /* power of two, or 0 before the first insert */
    uint32_t used;     /* live entries + tombstones */
    uint32_t live;
};

#define VKV4L2_OBJECT_MAP_INIT { PTHREAD_RWLOCK_INITIALIZER, NULL, 0, 0, 0 }

/* For maps not initialized with VKV4L2_OBJECT_MAP_INIT. */
void vkv4l2_object_map_init(struct vkv4l2_object_map *map);
/* Returns 0, -EEXIST when the key is present, or -ENOMEM. Key 0 is invalid. */
int vkv4l2_object_map_insert(struct vkv4l2_object_map *map, uintptr_t key, void *value);
/* Returns the value or NULL. */
void *vkv4l2_object_map_get(struct vkv4l2_object_map *map, uintptr_t key);
/* Removes and returns the value, or NULL when absent. */
void *vkv4l2_object_map_remove(struct vkv4l2_object_map *map, uintptr_t key);
uint32_t vkv4l2_object_map_count(struct vkv4l2_object_map *map);
/* Calls fn for every entry under the read lock, stopping at the first
 * non-zero return, which it returns (0 when fn returned 0 throughout).
 * fn must not modify the map: device teardown finds one entry this way,
 * then destroys it with the lock released. */
int vkv4l2_object_map_for_each(struct vkv4l2_object_map *map,
                               int (*fn)(uintptr_t key, void *value, void *ctx), void *ctx);
/* Frees the table (entries are not touched). */
void vkv4l2_object_map_fini(struct vkv4l2_object_map *map);

/* Key of a dispatchable object: the loader's dispatch table pointer stored
 * at its start, shared by a device and all its queues and command buffers. */
static inline uintptr_t vkv4l2_dispatch_key(const void *dispatchable)
{
    return (uintptr_t)*(void *const *)dispatchable;
}

#endif
