#include "dpb_track.h"

#include <errno.h>
#include <string.h>

static struct vkv4l2_dpb_entry *find(struct vkv4l2_dpb_track *t, uint64_t buffer)
{
    for (unsigned i = 0; i < VKV4L2_DPB_TRACK_MAX; i++) {
        if (t->e[i].buffer == buffer)
            return &t->e[i];
    }
    return NULL;
}

static const struct vkv4l2_dpb_entry *find_const(const struct vkv4l2_dpb_track *t,
                                                 uint64_t buffer)
{
    return find((struct vkv4l2_dpb_track *)t, buffer);
}

int vkv4l2_dpb_reference_ts(const struct vkv4l2_dpb_track *t, uint64_t buffer, uint64_t *ts)
{
    const struct vkv4l2_dpb_entry *e = buffer ? find_const(t, buffer) : NULL;
    if (!e || !e->ts)
        return -ENOENT;
    *ts = e->ts;
    return 0;
}

bool vkv4l2_dpb_idle(const struct vkv4l2_dpb_track *t, uint64_t buffer)
{
    const struct vkv4l2_dpb_entry *e = find_const(t, buffer);
    return !e || (!e->pending_writes && !e->pending_reads);
}

bool vkv4l2_dpb_holds(const struct vkv4l2_dpb_track *t, uint64_t buffer, uint64_t tag)
{
    const struct vkv4l2_dpb_entry *e = buffer ? find_const(t, buffer) : NULL;
    return e && e->ts && e->tag == tag;
}

int vkv4l2_dpb_begin(struct vkv4l2_dpb_track *t, uint64_t target, uint64_t ts, uint64_t tag,
                     const uint64_t *refs, uint32_t nrefs)
{
    if (!target || !ts)
        return -EINVAL;
    struct vkv4l2_dpb_entry *e = find(t, target);
    if (e && (e->pending_writes || e->pending_reads))
        return -EBUSY;
    for (uint32_t i = 0; i < nrefs; i++) {
        const struct vkv4l2_dpb_entry *r = find_const(t, refs[i]);
        if (!r || !r->ts)
            return -ENOENT;
    }
    if (!e) {
        e = find(t, 0);
        if (!e)
            return -ENOSPC;
        e->buffer = target;
    }
    for (uint32_t i = 0; i < nrefs; i++)
        find(t, refs[i])->pending_reads++;
    e->ts = ts;
    e->tag = tag;
    e->failed = false;
    e->pending_writes++;
    return 0;
}

void vkv4l2_dpb_end(struct vkv4l2_dpb_track *t, uint64_t target, const uint64_t *refs,
                    uint32_t nrefs)
{
    struct vkv4l2_dpb_entry *e = find(t, target);
    if (e && e->pending_writes)
        e->pending_writes--;
    for (uint32_t i = 0; i < nrefs; i++) {
        struct vkv4l2_dpb_entry *r = find(t, refs[i]);
        if (r && r->pending_reads)
            r->pending_reads--;
    }
}

bool vkv4l2_dpb_picture(const struct vkv4l2_dpb_track *t, uint64_t buffer, uint64_t *tag,
                        bool *failed)
{
    const struct vkv4l2_dpb_entry *e = buffer ? find_const(t, buffer) : NULL;
    if (!e || (!e->ts && !e->failed))
        return false;
    *tag = e->tag;
    *failed = e->failed;
    return true;
}

int vkv4l2_dpb_mark_failed(struct vkv4l2_dpb_track *t, uint64_t buffer, uint64_t tag)
{
    if (!buffer)
        return -EINVAL;
    struct vkv4l2_dpb_entry *e = find(t, buffer);
    if (!e) {
        e = find(t, 0);
        if (!e)
            return -ENOSPC;
        e->buffer = buffer;
    }
    e->ts = 0;
    e->tag = tag;
    e->failed = true;
    return 0;
}

int vkv4l2_dpb_forget(struct vkv4l2_dpb_track *t, uint64_t buffer)
{
    struct vkv4l2_dpb_entry *e = find(t, buffer);
    if (!e)
        return 0;
    if (e->pending_writes || e->pending_reads)
        return -EBUSY;
    memset(e, 0, sizeof(*e));
    return 0;
}

void vkv4l2_dpb_reset(struct vkv4l2_dpb_track *t)
{
    for (unsigned i = 0; i < VKV4L2_DPB_TRACK_MAX; i++) {
        t->e[i].ts = 0;
        t->e[i].failed = false;
        if (!t->e[i].pending_writes && !t->e[i].pending_reads)
            t->e[i].buffer = 0;
    }
}
