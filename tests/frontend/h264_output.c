#include "h264_output.h"

#include <errno.h>

static int32_t frame_poc(const struct fe_dpb_pic *p)
{
    return p->poc[0] < p->poc[1] ? p->poc[0] : p->poc[1];
}

int fe_output_bump(struct fe_dpb *dpb, struct fe_output *out)
{
    int best = -1;

    for (int i = 0; i < FE_MAX_SLOTS; i++) {
        const struct fe_dpb_pic *p = &dpb->slot[i];
        if (p->needed_for_output &&
            (best < 0 || frame_poc(p) < frame_poc(&dpb->slot[best])))
            best = i;
    }
    if (best < 0)
        return -ENOENT;
    dpb->slot[best].needed_for_output = false;
    dpb->slot[best].held = true;
    out->fifo[(out->head + out->count) % FE_MAX_SLOTS] = best;
    out->count++;
    return 0;
}

void fe_output_flush(struct fe_dpb *dpb, struct fe_output *out)
{
    while (fe_output_bump(dpb, out) == 0)
        ;
}

void fe_output_after_store(struct fe_dpb *dpb, struct fe_output *out,
                           uint32_t dpb_frames, uint32_t max_reorder)
{
    for (;;) {
        uint32_t stored = 0, waiting = 0;
        for (int i = 0; i < FE_MAX_SLOTS; i++) {
            const struct fe_dpb_pic *p = &dpb->slot[i];
            stored += p->ref || p->needed_for_output;
            waiting += p->needed_for_output;
        }
        if (stored <= dpb_frames && waiting <= max_reorder)
            return;
        if (fe_output_bump(dpb, out) < 0)
            return;
    }
}

int fe_output_pop(struct fe_output *out)
{
    if (!out->count)
        return -ENOENT;
    int slot = out->fifo[out->head];
    out->head = (out->head + 1) % FE_MAX_SLOTS;
    out->count--;
    return slot;
}
