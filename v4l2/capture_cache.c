/* CAPTURE index cache: dma-buf identity -> V4L2 index, reused LRU. */
#include "capture_cache.h"

#include <errno.h>
#include <string.h>

void vkv4l2_capture_cache_init(struct vkv4l2_capture_cache *c, unsigned n)
{
    memset(c, 0, sizeof(*c));
    c->n = n > VKV4L2_MAX_CAPTURE_BUFFERS ? VKV4L2_MAX_CAPTURE_BUFFERS : n;
}

static bool referenced(const struct vkv4l2_capture_entry *e, const uint64_t *ref_ts,
                       unsigned n_refs)
{
    for (unsigned i = 0; e->has_ts && i < n_refs; i++)
        if (ref_ts[i] == e->ts_ns)
            return true;
    return false;
}

int vkv4l2_capture_cache_get(struct vkv4l2_capture_cache *c, uint64_t dev, uint64_t ino,
                             const uint64_t *ref_ts, unsigned n_refs, unsigned *index)
{
    uint64_t now = ++c->clock;
    int hit = -1, victim = -1;
    for (unsigned i = 0; i < c->n; i++) {
        struct vkv4l2_capture_entry *e = &c->e[i];
        if (e->bound && e->dev == dev && e->ino == ino)
            hit = (int)i;
        if (referenced(e, ref_ts, n_refs)) {
            e->last_use = now;
            continue;
        }
        if (e->queued)
            continue;
        /* An unbound index is free for nothing: take it before evicting. */
        const struct vkv4l2_capture_entry *v = victim >= 0 ? &c->e[victim] : NULL;
        if (!v || (v->bound && (!e->bound || e->last_use < v->last_use)))
            victim = (int)i;
    }
    if (hit < 0) {
        if (victim < 0)
            return -ENOSPC;
        hit = victim;
        struct vkv4l2_capture_entry *e = &c->e[hit];
        c->evictions += e->bound;
        *e = (struct vkv4l2_capture_entry){ .bound = true, .dev = dev, .ino = ino };
    }
    c->e[hit].last_use = now;
    *index = (unsigned)hit;
    return 0;
}

int vkv4l2_capture_cache_find_ts(const struct vkv4l2_capture_cache *c, uint64_t ts)
{
    for (unsigned i = 0; i < c->n; i++)
        if (c->e[i].bound && c->e[i].has_ts && c->e[i].ts_ns == ts)
            return (int)i;
    return -ENOENT;
}

void vkv4l2_capture_cache_set_ts(struct vkv4l2_capture_cache *c, unsigned index, uint64_t ts)
{
    if (index >= c->n)
        return;
    c->e[index].has_ts = true;
    c->e[index].ts_ns = ts;
}

int vkv4l2_capture_cache_forget(struct vkv4l2_capture_cache *c, uint64_t dev, uint64_t ino)
{
    for (unsigned i = 0; i < c->n; i++) {
        struct vkv4l2_capture_entry *e = &c->e[i];
        if (e->bound && e->dev == dev && e->ino == ino) {
            if (e->queued)
                return -EBUSY;
            memset(e, 0, sizeof(*e));
            return 0;
        }
    }
    return -ENOENT;
}
