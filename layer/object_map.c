/* The handle -> object map: open addressing with tombstones under a rwlock. */
#include "object_map.h"

#include <errno.h>
#include <stdlib.h>

#define TOMBSTONE ((uintptr_t)1)

struct vkv4l2_object_map_slot {
    uintptr_t key; /* 0 = empty, TOMBSTONE = deleted */
    void *value;
};

static uint32_t hash_key(uintptr_t key)
{
    /* Handles are pointers or small counters; mix the bits (splitmix64). */
    uint64_t x = key;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return (uint32_t)x;
}

static struct vkv4l2_object_map_slot *find(const struct vkv4l2_object_map *map, uintptr_t key)
{
    if (!map->capacity)
        return NULL;
    uint32_t mask = map->capacity - 1;
    for (uint32_t i = hash_key(key) & mask, n = 0; n < map->capacity; i = (i + 1) & mask, n++) {
        struct vkv4l2_object_map_slot *s = &map->slots[i];
        if (s->key == key)
            return s;
        if (s->key == 0)
            return NULL;
    }
    return NULL;
}

static int grow(struct vkv4l2_object_map *map)
{
    uint32_t cap = map->capacity ? map->capacity : 16;
    /* Rehash into a table where live entries fill at most a quarter. */
    while (cap < 4 * (map->live + 1))
        cap *= 2;
    struct vkv4l2_object_map_slot *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return -ENOMEM;
    for (uint32_t i = 0; i < map->capacity; i++) {
        uintptr_t key = map->slots[i].key;
        if (key == 0 || key == TOMBSTONE)
            continue;
        uint32_t j = hash_key(key) & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = map->slots[i];
    }
    free(map->slots);
    map->slots = slots;
    map->capacity = cap;
    map->used = map->live;
    return 0;
}

void vkv4l2_object_map_init(struct vkv4l2_object_map *map)
{
    pthread_rwlock_init(&map->lock, NULL);
    map->slots = NULL;
    map->capacity = map->used = map->live = 0;
}

int vkv4l2_object_map_insert(struct vkv4l2_object_map *map, uintptr_t key, void *value)
{
    if (key == 0 || key == TOMBSTONE)
        return -EINVAL;
    int ret = 0;
    pthread_rwlock_wrlock(&map->lock);
    if (find(map, key)) {
        ret = -EEXIST;
        goto out;
    }
    if ((map->used + 1) * 4 > map->capacity * 3) {
        ret = grow(map);
        if (ret)
            goto out;
    }
    uint32_t mask = map->capacity - 1;
    uint32_t i = hash_key(key) & mask;
    while (map->slots[i].key != 0 && map->slots[i].key != TOMBSTONE)
        i = (i + 1) & mask;
    if (map->slots[i].key == 0)
        map->used++;
    map->slots[i].key = key;
    map->slots[i].value = value;
    map->live++;
out:
    pthread_rwlock_unlock(&map->lock);
    return ret;
}

void *vkv4l2_object_map_get(struct vkv4l2_object_map *map, uintptr_t key)
{
    pthread_rwlock_rdlock(&map->lock);
    struct vkv4l2_object_map_slot *s = find(map, key);
    void *value = s ? s->value : NULL;
    pthread_rwlock_unlock(&map->lock);
    return value;
}

/* Turns a live slot into a tombstone (write lock held); returns its value. */
static void *take(struct vkv4l2_object_map *map, struct vkv4l2_object_map_slot *s)
{
    void *value = s->value;
    s->key = TOMBSTONE;
    s->value = NULL;
    map->live--;
    /* An empty map holds no memory: the process-wide maps must not keep
     * any once the last instance is gone and the loader unloads the layer. */
    if (map->live == 0) {
        free(map->slots);
        map->slots = NULL;
        map->capacity = map->used = 0;
    }
    return value;
}

void *vkv4l2_object_map_remove(struct vkv4l2_object_map *map, uintptr_t key)
{
    pthread_rwlock_wrlock(&map->lock);
    struct vkv4l2_object_map_slot *s = find(map, key);
    void *value = s ? take(map, s) : NULL;
    pthread_rwlock_unlock(&map->lock);
    return value;
}

int vkv4l2_object_map_for_each(struct vkv4l2_object_map *map,
                               int (*fn)(uintptr_t key, void *value, void *ctx), void *ctx)
{
    int ret = 0;
    pthread_rwlock_rdlock(&map->lock);
    for (uint32_t i = 0; i < map->capacity && !ret; i++) {
        const struct vkv4l2_object_map_slot *s = &map->slots[i];
        if (s->key != 0 && s->key != TOMBSTONE)
            ret = fn(s->key, s->value, ctx);
    }
    pthread_rwlock_unlock(&map->lock);
    return ret;
}

uint32_t vkv4l2_object_map_count(struct vkv4l2_object_map *map)
{
    pthread_rwlock_rdlock(&map->lock);
    uint32_t n = map->live;
    pthread_rwlock_unlock(&map->lock);
    return n;
}

void vkv4l2_object_map_fini(struct vkv4l2_object_map *map)
{
    pthread_rwlock_wrlock(&map->lock);
    free(map->slots);
    map->slots = NULL;
    map->capacity = map->used = map->live = 0;
    pthread_rwlock_unlock(&map->lock);
}
