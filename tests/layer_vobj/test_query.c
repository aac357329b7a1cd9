/* RESULT_STATUS_ONLY query pool semantics (layer/query_pool.c). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "query_pool.h"

#define STATUS VK_QUERY_RESULT_WITH_STATUS_BIT_KHR
static const int owner_a, owner_b; /* two "devices" */

static struct vkv4l2_query_pool *make_pool(const void *owner, uint32_t count)
{
    struct vkv4l2_query_pool *pool = NULL;
    CHECK_EQ(vkv4l2_query_pool_create(owner, count, &pool), 0);
    return pool;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static void test_create(void)
{
    struct vkv4l2_query_pool *pool = (void *)&owner_a;
    CHECK_EQ(vkv4l2_query_pool_create(&owner_a, 0, &pool), -EINVAL);
    CHECK(pool == (void *)&owner_a); /* untouched */
    pool = make_pool(&owner_a, 4);
    CHECK_EQ(vkv4l2_query_begin(pool, 4), -EINVAL);
    CHECK_EQ(vkv4l2_query_complete(pool, 9, VK_QUERY_RESULT_STATUS_COMPLETE_KHR), -EINVAL);
    CHECK_EQ(vkv4l2_query_reset(pool, 3, 2), -EINVAL);
    CHECK_EQ(vkv4l2_query_reset(pool, 3, 1), 0);
    CHECK_EQ(vkv4l2_query_reset(pool, 7, 0), 0); /* empty range: nothing to do */
    vkv4l2_query_pool_destroy(pool);
}

static void test_status_32_and_64(void)
{
    struct vkv4l2_query_pool *pool = make_pool(&owner_a, 3);
    if (!pool)
        return;
    CHECK_EQ(vkv4l2_query_reset(pool, 0, 3), 0);
    vkv4l2_query_begin(pool, 0);
    vkv4l2_query_complete(pool, 0, VK_QUERY_RESULT_STATUS_COMPLETE_KHR);
    vkv4l2_query_begin(pool, 1);
    vkv4l2_query_complete(pool, 1, VK_QUERY_RESULT_STATUS_ERROR_KHR);
    vkv4l2_query_begin(pool, 2); /* still running */

    /* 32-bit, tightly packed. */
    int32_t v32[3];
    memset(v32, 0x7f, sizeof(v32));
    CHECK_EQ(vkv4l2_query_pool_results(pool, 0, 3, sizeof(v32), v32, 4, STATUS), VK_NOT_READY);
    CHECK_EQ(v32[0], VK_QUERY_RESULT_STATUS_COMPLETE_KHR);
    CHECK_EQ(v32[1], VK_QUERY_RESULT_STATUS_ERROR_KHR);
    CHECK_EQ(v32[2], VK_QUERY_RESULT_STATUS_NOT_READY_KHR); /* written although unavailable */

    CHECK_EQ(vkv4l2_query_pool_results(pool, 0, 2, sizeof(v32), v32, 4, STATUS), VK_SUCCESS);

    /* 64-bit with a stride of 3 values: the gaps stay untouched. */
    int64_t v64[9];
    memset(v64, 0x11, sizeof(v64));
    const int64_t gap = v64[1];
    CHECK_EQ(vkv4l2_query_pool_results(pool, 0, 3, sizeof(v64), v64, 24,
                                       STATUS | VK_QUERY_RESULT_64_BIT), VK_NOT_READY);
    CHECK_EQ(v64[0], 1);
    CHECK_EQ(v64[3], -1); /* sign-extended */
    CHECK_EQ(v64[6], 0);
    CHECK(v64[1] == gap && v64[2] == gap && v64[4] == gap && v64[8] == gap);

    /* A sub-range starting in the middle. */
    int64_t one = 42;
    CHECK_EQ(vkv4l2_query_pool_results(pool, 1, 1, sizeof(one), &one, 0,
                                       STATUS | VK_QUERY_RESULT_64_BIT), VK_SUCCESS);
    CHECK_EQ(one, -1);
    vkv4l2_query_pool_destroy(pool);
}

static void test_availability_and_partial(void)
{
    struct vkv4l2_query_pool *pool = make_pool(&owner_a, 2);
    if (!pool)
        return;
    vkv4l2_query_reset(pool, 0, 2);
    vkv4l2_query_begin(pool, 0);
    vkv4l2_query_complete(pool, 0, VK_QUERY_RESULT_STATUS_COMPLETE_KHR);

    /* Availability alone (not valid on a status pool, but well defined):
     * one value per query, 1 / 0. */
    uint32_t a[2] = { 7, 7 };
    CHECK_EQ(vkv4l2_query_pool_results(pool, 0, 2, sizeof(a), a, 4,
                                       VK_QUERY_RESULT_WITH_AVAILABILITY_BIT), VK_NOT_READY);
    CHECK_EQ(a[0], 1);
    CHECK_EQ(a[1], 0);

    /* PARTIAL: status-only queries have no values to approximate; the
     * unavailable one still reports NOT_READY. */
    int32_t s[2] = { 7, 7 };
    CHECK_EQ(vkv4l2_query_pool_results(pool, 0, 2, sizeof(s), s, 4,
                                       STATUS | VK_QUERY_RESULT_PARTIAL_BIT), VK_NOT_READY);
    CHECK_EQ(s[0], 1);
    CHECK_EQ(s[1], 0);

    /* No value requested: nothing written, availability still reported. */
    CHECK_EQ(vkv4l2_query_pool_results(pool, 0, 2, 0, NULL, 0, 0), VK_NOT_READY);
    CHECK_EQ(vkv4l2_query_pool_results(pool, 0, 1, 0, NULL, 0, 0), VK_SUCCESS);

    /* Reset makes an available query unavailable again. */
    vkv4l2_query_reset(pool, 0, 1);
    s[0] = 7;
    CHECK_EQ(vkv4l2_query_pool_results(pool, 0, 1, sizeof(s), s, 4, STATUS), VK_NOT_READY);
    CHECK_EQ(s[0], 0);
    vkv4l2_query_pool_destroy(pool);
}

static void test_bad_ranges(void)
{
    struct vkv4l2_query_pool *pool = make_pool(&owner_a, 2);
    if (!pool)
        return;
    vkv4l2_query_begin(pool, 0);
    vkv4l2_query_complete(pool, 0, VK_QUERY_RESULT_STATUS_COMPLETE_KHR);
    int64_t v[2] = { 5, 5 };
    CHECK_EQ(vkv4l2_query_pool_results(pool, 1, 2, sizeof(v), v, 8, STATUS | VK_QUERY_RESULT_64_BIT),
             VK_ERROR_VALIDATION_FAILED_EXT);
    CHECK_EQ(vkv4l2_query_pool_results(pool, 2, 1, sizeof(v), v, 8, STATUS | VK_QUERY_RESULT_64_BIT),
             VK_ERROR_VALIDATION_FAILED_EXT);
    /* Too small for the 64-bit layout: refused before anything is written. */
    CHECK_EQ(vkv4l2_query_pool_results(pool, 0, 2, 12, v, 8, STATUS | VK_QUERY_RESULT_64_BIT),
             VK_ERROR_VALIDATION_FAILED_EXT);
    CHECK(v[0] == 5 && v[1] == 5);
    /* ... but enough for the 32-bit one. */
    CHECK_EQ(vkv4l2_query_pool_results(pool, 0, 2, 8, v, 4, STATUS), VK_NOT_READY);
    vkv4l2_query_pool_destroy(pool);
}

struct waiter {
    struct vkv4l2_query_pool *pool;
    uint32_t first, count;
    VkQueryResultFlags flags;
    int64_t values[4];
    VkResult result;
    volatile int done;
};

static void *waiter_main(void *arg)
{
    struct waiter *w = arg;
    w->result = vkv4l2_query_pool_results(w->pool, w->first, w->count, sizeof(w->values),
                                          w->values, 8, w->flags);
    __atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static int is_done(struct waiter *w)
{
    return __atomic_load_n(&w->done, __ATOMIC_SEQ_CST);
}

static void test_wait_from_another_thread(void)
{
    struct vkv4l2_query_pool *pool = make_pool(&owner_a, 2);
    if (!pool)
        return;
    vkv4l2_query_reset(pool, 0, 2);
    vkv4l2_query_begin(pool, 0);
    vkv4l2_query_begin(pool, 1);

    struct waiter w = { .pool = pool, .first = 0, .count = 2,
                        .flags = STATUS | VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT };
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, waiter_main, &w), 0);
    sleep_ms(50);
    CHECK(!is_done(&w));
    /* One of two available: still waiting. */
    vkv4l2_query_complete(pool, 1, VK_QUERY_RESULT_STATUS_ERROR_KHR);
    sleep_ms(50);
    CHECK(!is_done(&w));
    vkv4l2_query_complete(pool, 0, VK_QUERY_RESULT_STATUS_COMPLETE_KHR);
    pthread_join(t, NULL);
    CHECK_EQ(w.result, VK_SUCCESS);
    CHECK_EQ(w.values[0], 1);
    CHECK_EQ(w.values[1], -1);

    /* WAIT on queries already available returns at once. */
    w.done = 0;
    waiter_main(&w);
    CHECK_EQ(w.result, VK_SUCCESS);
    vkv4l2_query_pool_destroy(pool);
}

static void test_device_lost(void)
{
    struct vkv4l2_query_pool *a = make_pool(&owner_a, 1);
    struct vkv4l2_query_pool *b = make_pool(&owner_b, 1);
    if (!a || !b)
        return;
    vkv4l2_query_reset(a, 0, 1);
    vkv4l2_query_begin(a, 0);
    vkv4l2_query_reset(b, 0, 1);
    vkv4l2_query_begin(b, 0);

    struct waiter w = { .pool = a, .first = 0, .count = 1,
                        .flags = STATUS | VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT };
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, waiter_main, &w), 0);
    sleep_ms(30);
    CHECK(!is_done(&w));
    vkv4l2_query_pools_device_lost(&owner_a);
    pthread_join(t, NULL);
    CHECK_EQ(w.result, VK_ERROR_DEVICE_LOST);
    CHECK_EQ(w.values[0], 0);

    /* Without WAIT too; the other device's pool is unaffected. */
    int32_t s = 7;
    CHECK_EQ(vkv4l2_query_pool_results(a, 0, 1, sizeof(s), &s, 4, STATUS), VK_ERROR_DEVICE_LOST);
    CHECK_EQ(vkv4l2_query_pool_results(b, 0, 1, sizeof(s), &s, 4, STATUS), VK_NOT_READY);
    /* A query that completed stays readable on a lost device. */
    vkv4l2_query_complete(a, 0, VK_QUERY_RESULT_STATUS_COMPLETE_KHR);
    CHECK_EQ(vkv4l2_query_pool_results(a, 0, 1, sizeof(s), &s, 4, STATUS), VK_SUCCESS);
    CHECK_EQ(s, 1);
    vkv4l2_query_pool_destroy(a);
    vkv4l2_query_pool_destroy(b);
}

int main(void)
{
    RUN(test_create);
    RUN(test_status_32_and_64);
    RUN(test_availability_and_partial);
    RUN(test_bad_ranges);
    RUN(test_wait_from_another_thread);
    RUN(test_device_lost);
    return check_failures ? 1 : 0;
}
