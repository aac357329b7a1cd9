/* Unit test of the layer's handle -> object map: semantics, growth past
 * many rehashes with tombstones, and concurrent use from several threads. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>

#include "object_map.h"

#define EXPECT(cond)                                                        \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: expectation failed: %s\n", __FILE__,    \
                    __LINE__, #cond);                                       \
            exit(1);                                                        \
        }                                                                   \
    } while (0)

static struct vkv4l2_object_map shared_map = VKV4L2_OBJECT_MAP_INIT;

static void *worker(void *arg)
{
    uintptr_t base = (uintptr_t)arg * 1000000u + 16;
    for (int round = 0; round < 50; round++) {
        for (uintptr_t k = 0; k < 200; k++)
            EXPECT(vkv4l2_object_map_insert(&shared_map, base + k * 8, (void *)(base + k)) == 0);
        for (uintptr_t k = 0; k < 200; k++)
            EXPECT(vkv4l2_object_map_get(&shared_map, base + k * 8) == (void *)(base + k));
        for (uintptr_t k = 0; k < 200; k++)
            EXPECT(vkv4l2_object_map_remove(&shared_map, base + k * 8) == (void *)(base + k));
    }
    return NULL;
}

int main(void)
{
    struct vkv4l2_object_map map = VKV4L2_OBJECT_MAP_INIT;
    int a, b;

    EXPECT(vkv4l2_object_map_get(&map, 0x1000) == NULL);
    EXPECT(vkv4l2_object_map_insert(&map, 0, &a) == -EINVAL);
    EXPECT(vkv4l2_object_map_insert(&map, 0x1000, &a) == 0);
    EXPECT(vkv4l2_object_map_insert(&map, 0x1000, &b) == -EEXIST);
    EXPECT(vkv4l2_object_map_get(&map, 0x1000) == &a);
    EXPECT(vkv4l2_object_map_remove(&map, 0x1000) == &a);
    EXPECT(vkv4l2_object_map_remove(&map, 0x1000) == NULL);
    EXPECT(vkv4l2_object_map_get(&map, 0x1000) == NULL);

    /* Insert/remove churn leaves tombstones; every live key must stay
     * reachable across the rehashes that follow. */
    for (uintptr_t k = 1; k <= 5000; k++) {
        EXPECT(vkv4l2_object_map_insert(&map, k * 64, (void *)k) == 0);
        if (k % 3 == 0)
            EXPECT(vkv4l2_object_map_remove(&map, (k - 1) * 64) == (void *)(k - 1));
    }
    uint32_t live = 0;
    for (uintptr_t k = 1; k <= 5000; k++) {
        void *v = vkv4l2_object_map_get(&map, k * 64);
        bool removed = (k + 1) % 3 == 0 && k + 1 <= 5000;
        EXPECT(removed ? v == NULL : v == (void *)k);
        live += !removed;
    }
    EXPECT(vkv4l2_object_map_count(&map) == live);
    vkv4l2_object_map_fini(&map);

    pthread_t t[4];
    for (uintptr_t i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)(i + 1));
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    EXPECT(vkv4l2_object_map_count(&shared_map) == 0);
    vkv4l2_object_map_fini(&shared_map);
    printf("object_map: ok\n");
    return 0;
}
