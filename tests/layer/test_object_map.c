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

struct sum {
    uintptr_t keys, values;
    unsigned calls, stop_after;
};

static int add_entry(uintptr_t key, void *value, void *ctx)
{
    struct sum *sum = ctx;
    sum->keys += key;
    sum->values += (uintptr_t)value;
    return ++sum->calls == sum->stop_after ? 7 : 0;
}

static int first_key(uintptr_t key, void *value, void *ctx)
{
    *(uintptr_t *)ctx = key;
    return 1;
}

/* Iteration, what device teardown uses to free leaked objects: each live
 * entry is visited exactly once, tombstones never; teardown's pattern (find
 * one, remove it, again) empties the map. */
static void test_iterate(void)
{
    struct vkv4l2_object_map map = VKV4L2_OBJECT_MAP_INIT;
    struct sum sum = { 0 };
    EXPECT(vkv4l2_object_map_for_each(&map, add_entry, &sum) == 0 && sum.calls == 0);

    uintptr_t want_keys = 0, want_values = 0;
    for (uintptr_t k = 1; k <= 300; k++) {
        EXPECT(vkv4l2_object_map_insert(&map, k * 16, (void *)(k + 1000)) == 0);
        if (k % 4 == 0) {
            EXPECT(vkv4l2_object_map_remove(&map, k * 16) == (void *)(k + 1000));
        } else {
            want_keys += k * 16;
            want_values += k + 1000;
        }
    }
    EXPECT(vkv4l2_object_map_for_each(&map, add_entry, &sum) == 0);
    EXPECT(sum.calls == 225 && sum.keys == want_keys && sum.values == want_values);
    sum = (struct sum){ .stop_after = 10 };
    EXPECT(vkv4l2_object_map_for_each(&map, add_entry, &sum) == 7 && sum.calls == 10);

    uintptr_t popped_keys = 0, popped_values = 0, key = 0;
    unsigned n = 0;
    while (vkv4l2_object_map_for_each(&map, first_key, &key)) {
        void *v = vkv4l2_object_map_remove(&map, key);
        EXPECT((uintptr_t)v == key / 16 + 1000);
        EXPECT(vkv4l2_object_map_get(&map, key) == NULL);
        popped_keys += key;
        popped_values += (uintptr_t)v;
        n++;
    }
    EXPECT(n == 225 && popped_keys == want_keys && popped_values == want_values);
    EXPECT(vkv4l2_object_map_count(&map) == 0 && map.slots == NULL);
    vkv4l2_object_map_fini(&map);
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
    test_iterate();
    printf("object_map: ok\n");
    return 0;
}
