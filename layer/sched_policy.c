/* The decode queue's scheduling policy (pure; see sched_policy.h). */
#include "sched_policy.h"

#include <stddef.h>

static bool started_lower(const struct vkv4l2_sched_op *op, const struct vkv4l2_sched_sub *const *all,
                          unsigned nall);

static bool same_pic(const void *sa, struct vkv4l2_pic a, const void *sb, struct vkv4l2_pic b)
{
    return sa == sb && a.buffer == b.buffer && a.tag == b.tag;
}

static bool writes_buffer(const struct vkv4l2_sched_sub *s, const void *session, uint64_t buffer)
{
    for (uint32_t k = 0; k < s->ndecodes; k++) {
        if (s->decodes[k].session == session && s->decodes[k].target.buffer == buffer)
            return true;
    }
    return false;
}

static bool produces(const struct vkv4l2_sched_sub *s, const void *session, struct vkv4l2_pic pic)
{
    for (uint32_t k = 0; k < s->ndecodes; k++) {
        if (same_pic(s->decodes[k].session, s->decodes[k].target, session, pic))
            return true;
    }
    return false;
}

static bool reads(const struct vkv4l2_sched_sub *s, const void *session, struct vkv4l2_pic pic)
{
    for (uint32_t k = 0; k < s->ndecodes; k++) {
        const struct vkv4l2_plan_decode *d = &s->decodes[k];
        for (uint32_t r = 0; r < d->nrefs; r++) {
            if (same_pic(d->session, d->refs[r], session, pic))
                return true;
        }
    }
    return false;
}

bool vkv4l2_sched_wait_is_hint(const struct vkv4l2_sched_op *w, const struct vkv4l2_sched_sub *self,
                               const struct vkv4l2_sched_sub *const *all, unsigned nall)
{
    if (!w->timeline)
        return false;
    for (unsigned i = 0; i < nall; i++) {
        if (all[i] == self)
            continue;
        for (uint32_t k = 0; k < all[i]->nsignals; k++) {
            const struct vkv4l2_sched_op *op = &all[i]->signals[k];
            if (!op->done && op->timeline && op->semaphore == w->semaphore &&
                op->value == w->value)
                return true;
        }
    }
    return false;
}

/* Hazards on the buffer decode k of p writes: an earlier pending write
 * (WAW), or a pending reader of the picture it holds now (WAR). */
static bool target_hazard(const struct vkv4l2_sched_sub *const *pending, unsigned npending,
                          const struct vkv4l2_sched_sub *p, const struct vkv4l2_plan_decode *d,
                          const struct vkv4l2_sched_world *world)
{
    uint64_t cur;
    bool failed = false;
    bool held = world->holds(world->ctx, d->session, d->target.buffer, &cur, &failed);
    for (unsigned j = 0; j < npending; j++) {
        const struct vkv4l2_sched_sub *q = pending[j];
        if (q == p)
            continue;
        if (q->seq < p->seq && writes_buffer(q, d->session, d->target.buffer))
            return true;
        if (held && !failed && cur != d->target.tag &&
            reads(q, d->session, (struct vkv4l2_pic){ d->target.buffer, cur }))
            return true;
    }
    return false;
}

enum vkv4l2_sched_verdict vkv4l2_sched_assess(const struct vkv4l2_sched_sub *const *pending,
                                              unsigned npending, unsigned i,
                                              const struct vkv4l2_sched_sub *const *all,
                                              unsigned nall,
                                              const struct vkv4l2_sched_world *world)
{
    const struct vkv4l2_sched_sub *p = pending[i];

    /* The application's own waits come first: they may guard the bitstream
     * buffer or the images, which the data model does not see. */
    for (uint32_t w = 0; w < p->nwaits; w++) {
        if (!vkv4l2_sched_wait_is_hint(&p->waits[w], p, all, nall) &&
            !world->wait_satisfied(world->ctx, &p->waits[w]))
            return VKV4L2_SCHED_WAIT_EXTERNAL;
    }

    bool failing = false, waiting_data = false, missing = false;
    for (uint32_t k = 0; k < p->ndecodes; k++) {
        const struct vkv4l2_plan_decode *d = &p->decodes[k];
        if (target_hazard(pending, npending, p, d, world))
            return VKV4L2_SCHED_WAIT_DATA;
        for (uint32_t r = 0; r < d->nrefs; r++) {
            struct vkv4l2_pic ref = d->refs[r];
            bool own = false;
            for (uint32_t j = 0; j < k && !own; j++)
                own = same_pic(p->decodes[j].session, p->decodes[j].target, d->session, ref);
            if (own)
                continue;
            uint64_t tag;
            bool failed = false;
            if (world->holds(world->ctx, d->session, ref.buffer, &tag, &failed) &&
                tag == ref.tag) {
                failing |= failed;
                continue;
            }
            bool pending_producer = false;
            for (unsigned j = 0; j < npending && !pending_producer; j++)
                pending_producer = pending[j] != p && produces(pending[j], d->session, ref);
            if (pending_producer)
                waiting_data = true;
            else
                missing = true;
        }
    }
    if (failing)
        return VKV4L2_SCHED_RUN_FAILING;
    if (waiting_data)
        return VKV4L2_SCHED_WAIT_DATA;
    if (missing)
        return VKV4L2_SCHED_WAIT_MISSING;
    if (p->ndecodes && !world->targets_idle(world->ctx, p))
        return VKV4L2_SCHED_WAIT_BUSY;
    return VKV4L2_SCHED_RUN;
}

int vkv4l2_sched_pick(const struct vkv4l2_sched_sub *const *pending, unsigned npending,
                      const struct vkv4l2_sched_sub *const *all, unsigned nall,
                      const struct vkv4l2_sched_world *world,
                      const struct vkv4l2_sched_timing *timing, uint64_t *blocked_since,
                      bool *late)
{
    *late = false;
    uint64_t now = timing->now_ns ? timing->now_ns : 1;
    int first_data = -1;
    bool others_may_progress = false;
    for (unsigned i = 0; i < npending; i++) {
        enum vkv4l2_sched_verdict v = vkv4l2_sched_assess(pending, npending, i, all, nall, world);
        if (v == VKV4L2_SCHED_RUN || v == VKV4L2_SCHED_RUN_FAILING) {
            blocked_since[i] = 0;
            return (int)i;
        }
        if (v == VKV4L2_SCHED_WAIT_EXTERNAL) {
            blocked_since[i] = 0;
            others_may_progress = true;
            continue;
        }
        if (!blocked_since[i])
            blocked_since[i] = now;
        uint64_t waited = now - blocked_since[i];
        switch (v) {
        case VKV4L2_SCHED_WAIT_MISSING:
            others_may_progress = true;
            if (waited >= timing->reorder_wait_ns) {
                *late = true;
                return (int)i;
            }
            break;
        case VKV4L2_SCHED_WAIT_BUSY:
            others_may_progress = true;
            if (waited >= timing->gate_timeout_ns) {
                *late = true;
                return (int)i;
            }
            break;
        default: /* WAIT_DATA: its producer or its readers are pending */
            if (first_data < 0)
                first_data = (int)i;
            break;
        }
    }
    /* Only data hazards among pending submissions and nothing else that
     * could move: a cycle no valid stream makes.  Break it in arrival
     * order once the reorder timeout is over. */
    if (first_data >= 0 && !others_may_progress &&
        now - blocked_since[first_data] >= timing->reorder_wait_ns) {
        *late = true;
        return first_data;
    }
    return -1;
}

bool vkv4l2_sched_signal_ready(const struct vkv4l2_sched_sub *s, uint32_t k,
                               const struct vkv4l2_sched_sub *const *all, unsigned nall)
{
    const struct vkv4l2_sched_op *op = &s->signals[k];
    return !op->timeline || !started_lower(op, all, nall);
}

/* Some started submission still has to signal a lower value of the
 * semaphore (it finishes soon, without our help). */
static bool started_lower(const struct vkv4l2_sched_op *op, const struct vkv4l2_sched_sub *const *all,
                          unsigned nall)
{
    for (unsigned i = 0; i < nall; i++) {
        for (uint32_t j = 0; j < all[i]->nsignals; j++) {
            const struct vkv4l2_sched_op *o = &all[i]->signals[j];
            if (all[i]->started && !o->done && o->timeline && o->semaphore == op->semaphore &&
                o->value < op->value)
                return true;
        }
    }
    return false;
}

bool vkv4l2_sched_early_signal(const struct vkv4l2_sched_sub *const *pending, unsigned npending,
                               const struct vkv4l2_sched_sub *const *all, unsigned nall,
                               const struct vkv4l2_sched_world *world, unsigned *x,
                               uint32_t *k)
{
    for (unsigned y = 0; y < npending; y++) {
        const struct vkv4l2_sched_sub *Y = pending[y];
        for (uint32_t w = 0; w < Y->nwaits; w++) {
            const struct vkv4l2_sched_op *wait = &Y->waits[w];
            if (!wait->timeline || vkv4l2_sched_wait_is_hint(wait, Y, all, nall) ||
                world->wait_satisfied(world->ctx, wait))
                continue;
            for (unsigned i = 0; i < npending; i++) {
                const struct vkv4l2_sched_sub *X = pending[i];
                if (i == y)
                    continue;
                for (uint32_t s = 0; s < X->nsignals; s++) {
                    const struct vkv4l2_sched_op *op = &X->signals[s];
                    if (op->done || !op->timeline || op->semaphore != wait->semaphore ||
                        op->value >= wait->value || started_lower(op, all, nall))
                        continue;
                    enum vkv4l2_sched_verdict v =
                        vkv4l2_sched_assess(pending, npending, i, all, nall, world);
                    if (v != VKV4L2_SCHED_WAIT_DATA && v != VKV4L2_SCHED_WAIT_MISSING)
                        continue;
                    *x = i;
                    *k = s;
                    return true;
                }
            }
        }
    }
    return false;
}
