/* Decodes in flight: slots, CAPTURE indices, completion matching. */
#include "inflight.h"

#include <errno.h>
#include <string.h>

void vkv4l2_inflight_init(struct vkv4l2_inflight *t, unsigned n_slots, unsigned n_captures)
{
    memset(t, 0, sizeof(*t));
    t->n_slots = n_slots > VKV4L2_MAX_REQUESTS ? VKV4L2_MAX_REQUESTS : n_slots;
    vkv4l2_capture_cache_init(&t->captures, n_captures);
}

int vkv4l2_inflight_capture_index(struct vkv4l2_inflight *t, uint64_t dev, uint64_t ino,
                                  const uint64_t *ref_ts, unsigned n_refs, unsigned *index)
{
    return vkv4l2_capture_cache_get(&t->captures, dev, ino, ref_ts, n_refs, index);
}

int vkv4l2_inflight_capture_forget(struct vkv4l2_inflight *t, uint64_t dev, uint64_t ino)
{
    return vkv4l2_capture_cache_forget(&t->captures, dev, ino);
}

int vkv4l2_inflight_reserve(struct vkv4l2_inflight *t, unsigned capture_index,
                            uint64_t timestamp_ns, uint64_t user_data)
{
    if (capture_index >= t->captures.n || !t->captures.e[capture_index].bound)
        return -EINVAL;
    if (t->captures.e[capture_index].queued)
        return -EBUSY;
    int free_slot = -1;
    for (unsigned i = 0; i < t->n_slots; i++) {
        const struct vkv4l2_job_slot *s = &t->slots[i];
        if (s->state == VKV4L2_SLOT_FREE) {
            if (free_slot < 0)
                free_slot = (int)i;
        } else if (s->timestamp_ns == timestamp_ns) {
            return -EEXIST;
        }
    }
    if (free_slot < 0)
        return -EAGAIN;
    struct vkv4l2_job_slot *s = &t->slots[free_slot];
    memset(s, 0, sizeof(*s));
    s->state = VKV4L2_SLOT_RESERVED;
    s->seq = t->next_seq++;
    s->timestamp_ns = timestamp_ns;
    s->user_data = user_data;
    s->capture_index = capture_index;
    t->captures.e[capture_index].queued = true;
    return free_slot;
}

void vkv4l2_inflight_commit(struct vkv4l2_inflight *t, unsigned slot)
{
    if (slot < t->n_slots && t->slots[slot].state == VKV4L2_SLOT_RESERVED) {
        t->slots[slot].state = VKV4L2_SLOT_QUEUED;
        vkv4l2_capture_cache_set_ts(&t->captures, t->slots[slot].capture_index,
                                    t->slots[slot].timestamp_ns);
    }
}

void vkv4l2_inflight_cancel(struct vkv4l2_inflight *t, unsigned slot)
{
    if (slot >= t->n_slots || t->slots[slot].state == VKV4L2_SLOT_FREE)
        return;
    t->captures.e[t->slots[slot].capture_index].queued = false;
    memset(&t->slots[slot], 0, sizeof(t->slots[slot]));
}

int vkv4l2_inflight_output_done(struct vkv4l2_inflight *t, unsigned output_index, bool error)
{
    if (output_index >= t->n_slots)
        return -ENOENT;
    struct vkv4l2_job_slot *s = &t->slots[output_index];
    if (s->state != VKV4L2_SLOT_QUEUED || s->output_done)
        return -ENOENT;
    s->output_done = true;
    if (error && !s->status)
        s->status = -EIO;
    return 0;
}

int vkv4l2_inflight_capture_done(struct vkv4l2_inflight *t, unsigned capture_index,
                                 uint64_t timestamp_ns, bool error)
{
    for (unsigned i = 0; i < t->n_slots; i++) {
        struct vkv4l2_job_slot *s = &t->slots[i];
        if (s->state != VKV4L2_SLOT_QUEUED || s->capture_done || s->capture_index != capture_index)
            continue;
        s->capture_done = true;
        /* The kernel pairs OUTPUT and CAPTURE buffers in queue order and
         * copies the OUTPUT timestamp; another value means the pairing
         * drifted and the picture belongs to some other job. */
        if (timestamp_ns != s->timestamp_ns)
            s->status = -EPROTO;
        else if (error && !s->status)
            s->status = -EIO;
        return 0;
    }
    return -ENOENT;
}

void vkv4l2_inflight_request_done(struct vkv4l2_inflight *t, unsigned slot)
{
    if (slot < t->n_slots && t->slots[slot].state == VKV4L2_SLOT_QUEUED)
        t->slots[slot].request_done = true;
}

int vkv4l2_inflight_take_finished(struct vkv4l2_inflight *t, struct vkv4l2_decode_result *out)
{
    int best = -1;
    for (unsigned i = 0; i < t->n_slots; i++) {
        const struct vkv4l2_job_slot *s = &t->slots[i];
        if (s->state == VKV4L2_SLOT_QUEUED && s->output_done && s->capture_done &&
            s->request_done && (best < 0 || s->seq < t->slots[best].seq))
            best = (int)i;
    }
    if (best < 0)
        return -EAGAIN;
    struct vkv4l2_job_slot *s = &t->slots[best];
    out->timestamp_ns = s->timestamp_ns;
    out->user_data = s->user_data;
    out->capture_index = s->capture_index;
    out->status = s->status;
    vkv4l2_inflight_cancel(t, (unsigned)best);
    return best;
}

unsigned vkv4l2_inflight_count(const struct vkv4l2_inflight *t)
{
    unsigned n = 0;
    for (unsigned i = 0; i < t->n_slots; i++)
        n += t->slots[i].state == VKV4L2_SLOT_QUEUED;
    return n;
}
