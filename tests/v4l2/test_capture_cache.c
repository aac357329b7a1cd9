/* The CAPTURE index cache: hits keep their index, new dma-bufs take never
 * used indices first and then the least recently used free one, queued
 * indices and indices holding a referenced picture are never taken, and
 * any number of dma-bufs can pass through over a session's life. */
#include <errno.h>
#include <stdlib.h>

#include "capture_cache.h"
#include "check.h"

static unsigned get(struct vkv4l2_capture_cache *c, uint64_t ino)
{
    unsigned index = 99;
    CHECK_EQ(vkv4l2_capture_cache_get(c, 1, ino, NULL, 0, &index), 0);
    return index;
}

static void test_unused_first_then_lru(void)
{
    struct vkv4l2_capture_cache c;
    vkv4l2_capture_cache_init(&c, 4);
    unsigned a = get(&c, 10), b = get(&c, 11), d = get(&c, 12);
    CHECK(a != b && b != d && a != d);
    CHECK_EQ(get(&c, 10), a); /* a hit: same index, now most recent */
    unsigned e = get(&c, 13);  /* the never-used index, though b is older */
    CHECK(e != a && e != b && e != d);
    CHECK_EQ(c.evictions, 0);
    CHECK_EQ(get(&c, 14), b); /* all bound: least recently used is b */
    CHECK_EQ(c.evictions, 1);
    CHECK_EQ(get(&c, 15), d);
    CHECK_EQ(get(&c, 11), a); /* b's dma-buf again: a new index (a is LRU now) */
    CHECK_EQ(c.evictions, 3);
    /* A forgotten index is taken before any cached one. */
    CHECK_EQ(vkv4l2_capture_cache_forget(&c, 1, 14), 0);
    CHECK_EQ(vkv4l2_capture_cache_forget(&c, 1, 14), -ENOENT);
    CHECK_EQ(get(&c, 16), b);
    CHECK_EQ(c.evictions, 3);
}

static void test_queued_never_taken(void)
{
    struct vkv4l2_capture_cache c;
    vkv4l2_capture_cache_init(&c, 2);
    unsigned a = get(&c, 10), b = get(&c, 11);
    c.e[a].queued = true;
    CHECK_EQ(get(&c, 12), b); /* a is older but queued */
    CHECK_EQ(vkv4l2_capture_cache_forget(&c, 1, 10), -EBUSY);
    c.e[b].queued = true;
    unsigned index = 99;
    CHECK_EQ(vkv4l2_capture_cache_get(&c, 1, 13, NULL, 0, &index), -ENOSPC);
    CHECK_EQ(index, 99);
    /* A queued dma-buf still finds its own index (the caller refuses the
     * job as already in flight). */
    CHECK_EQ(get(&c, 10), a);
    /* An image destroyed while its buffer was queued could not be
     * forgotten (-EBUSY above): once the decode is done its index is just
     * the least recently used one, not lost for good. */
    c.e[a].queued = c.e[b].queued = false;
    CHECK_EQ(get(&c, 12), b);
    CHECK_EQ(get(&c, 13), a);
}

static void test_references_protected(void)
{
    struct vkv4l2_capture_cache c;
    vkv4l2_capture_cache_init(&c, 3);
    unsigned a = get(&c, 10), b = get(&c, 11), d = get(&c, 12);
    vkv4l2_capture_cache_set_ts(&c, a, 1000);
    vkv4l2_capture_cache_set_ts(&c, b, 2000);
    vkv4l2_capture_cache_set_ts(&c, d, 3000);
    CHECK_EQ(vkv4l2_capture_cache_find_ts(&c, 2000), (int)b);
    CHECK_EQ(vkv4l2_capture_cache_find_ts(&c, 4000), -ENOENT);
    /* a is least recently used but holds a reference of this job. */
    const uint64_t refs[] = { 1000 };
    unsigned index;
    CHECK_EQ(vkv4l2_capture_cache_get(&c, 1, 13, refs, 1, &index), 0);
    CHECK_EQ(index, b);
    /* The evicted picture's timestamp names no buffer any more. */
    CHECK_EQ(vkv4l2_capture_cache_find_ts(&c, 2000), -ENOENT);
    /* Referenced counts as used: a is now more recent than d. */
    CHECK_EQ(get(&c, 14), d);
    /* Every free index holds a reference: nothing to take. */
    vkv4l2_capture_cache_set_ts(&c, b, 5000);
    vkv4l2_capture_cache_set_ts(&c, d, 6000);
    const uint64_t all[] = { 1000, 5000, 6000 };
    CHECK_EQ(vkv4l2_capture_cache_get(&c, 1, 15, all, 3, &index), -ENOSPC);
    /* The job's own target may be one of its references. */
    CHECK_EQ(vkv4l2_capture_cache_get(&c, 1, 10, all, 3, &index), 0);
    CHECK_EQ(index, a);
}

/* Many dma-bufs over a long life, a window of them in use at a time (like
 * a player re-creating its images at each size change): never -ENOSPC,
 * a dma-buf seen again while cached keeps its index, and no index is ever
 * bound to two dma-bufs. */
static void test_long_life(void)
{
    struct vkv4l2_capture_cache c;
    vkv4l2_capture_cache_init(&c, 32);
    unsigned last_index[1000];
    uint64_t last_use[1000] = { 0 };
    srand(1);
    for (unsigned round = 0; round < 20000; round++) {
        unsigned window = round / 500 * 20; /* 20 new dma-bufs every 500 */
        unsigned buf = window + (unsigned)rand() % 24;
        uint64_t ts = (round + 1) * 1000ull;
        /* The two most recent pictures are references. */
        const uint64_t refs[2] = { ts - 1000, ts - 2000 };
        unsigned index;
        int ret = vkv4l2_capture_cache_get(&c, 1, buf, refs, round >= 2 ? 2 : 0, &index);
        CHECK_EQ(ret, 0);
        if (ret)
            return;
        /* Used within the last 24 lookups: cannot have been evicted (an
         * eviction takes the least recently used of at least 32 - 2). */
        if (last_use[buf] && c.clock - last_use[buf] <= 24)
            CHECK_EQ(index, last_index[buf]);
        last_index[buf] = index;
        last_use[buf] = c.clock;
        vkv4l2_capture_cache_set_ts(&c, index, ts);
        for (unsigned i = 0; i < c.n; i++)
            for (unsigned j = i + 1; j < c.n; j++)
                CHECK(!c.e[i].bound || !c.e[j].bound || c.e[i].ino != c.e[j].ino);
    }
    CHECK(c.evictions > 700);
}

int main(void)
{
    test_unused_first_then_lru();
    test_queued_never_taken();
    test_references_protected();
    test_long_life();
    return check_result("capture_cache");
}
