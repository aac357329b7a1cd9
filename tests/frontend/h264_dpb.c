#include "h264_dpb.h"

#include <errno.h>
#include <string.h>

void fe_dpb_init(struct fe_dpb *dpb)
{
    memset(dpb, 0, sizeof(*dpb));
    dpb->max_long_term_frame_idx = -1;
}

int fe_dpb_alloc_slot(struct fe_dpb *dpb)
{
    for (int i = 0; i < FE_MAX_SLOTS; i++) {
        if (!fe_dpb_slot_busy(&dpb->slot[i])) {
            dpb->slot[i] = (struct fe_dpb_pic){ .allocated = true };
            return i;
        }
    }
    return -ENOSPC;
}

static void unmark(struct fe_dpb_pic *p)
{
    p->ref = false;
    p->long_term = false;
}

/* FrameNumWrap (8.2.4.1), which is also PicNum for frames. */
static int32_t frame_num_wrap(const struct fe_dpb_pic *p, uint32_t cur_frame_num,
                              uint32_t max_frame_num)
{
    return p->frame_num > cur_frame_num ? (int32_t)p->frame_num - (int32_t)max_frame_num
                                        : (int32_t)p->frame_num;
}

unsigned fe_dpb_active_refs(const struct fe_dpb *dpb, int slots[FE_MAX_SLOTS],
                            StdVideoDecodeH264ReferenceInfo infos[FE_MAX_SLOTS])
{
    bool taken[FE_MAX_SLOTS] = { false };
    unsigned n = 0;

    /* Short-term: most recently marked first (FFmpeg's short_ref[]). */
    for (;;) {
        int best = -1;
        for (int i = 0; i < FE_MAX_SLOTS; i++) {
            const struct fe_dpb_pic *p = &dpb->slot[i];
            if (p->ref && !p->long_term && !taken[i] &&
                (best < 0 || p->short_term_seq > dpb->slot[best].short_term_seq))
                best = i;
        }
        if (best < 0)
            break;
        taken[best] = true;
        slots[n++] = best;
    }
    /* Long-term: by LongTermFrameIdx (FFmpeg's long_ref[]). */
    for (;;) {
        int best = -1;
        for (int i = 0; i < FE_MAX_SLOTS; i++) {
            const struct fe_dpb_pic *p = &dpb->slot[i];
            if (p->ref && p->long_term && !taken[i] &&
                (best < 0 || p->long_term_frame_idx < dpb->slot[best].long_term_frame_idx))
                best = i;
        }
        if (best < 0)
            break;
        taken[best] = true;
        slots[n++] = best;
    }
    for (unsigned i = 0; i < n; i++) {
        const struct fe_dpb_pic *p = &dpb->slot[slots[i]];
        infos[i] = (StdVideoDecodeH264ReferenceInfo){
            .flags = {
                .used_for_long_term_reference = p->long_term,
                .is_non_existing = p->non_existing,
            },
            .FrameNum = (uint16_t)(p->long_term ? p->long_term_frame_idx : p->frame_num),
            .PicOrderCnt = { p->poc[0], p->poc[1] },
        };
    }
    return n;
}

static unsigned count_refs(const struct fe_dpb *dpb, int except)
{
    unsigned n = 0;
    for (int i = 0; i < FE_MAX_SLOTS; i++)
        n += i != except && dpb->slot[i].ref;
    return n;
}

/* 8.2.5.3; `cur` (or -1) is the picture being marked, not counted. */
static void sliding_window(struct fe_dpb *dpb, int cur, uint32_t cur_frame_num,
                           uint32_t max_frame_num, uint32_t max_num_ref_frames)
{
    uint32_t limit = max_num_ref_frames ? max_num_ref_frames : 1;

    while (count_refs(dpb, cur) >= limit) {
        int oldest = -1;
        for (int i = 0; i < FE_MAX_SLOTS; i++) {
            const struct fe_dpb_pic *p = &dpb->slot[i];
            if (i == cur || !p->ref || p->long_term)
                continue;
            if (oldest < 0 || frame_num_wrap(p, cur_frame_num, max_frame_num) <
                                  frame_num_wrap(&dpb->slot[oldest], cur_frame_num, max_frame_num))
                oldest = i;
        }
        if (oldest < 0)
            return; /* only long-term refs left: the stream is non-conforming */
        unmark(&dpb->slot[oldest]);
    }
}

static void mark_short_term(struct fe_dpb *dpb, struct fe_dpb_pic *p)
{
    p->ref = true;
    p->long_term = false;
    p->short_term_seq = ++dpb->seq;
}

int fe_dpb_fill_gap(struct fe_dpb *dpb, uint32_t prev_ref_frame_num, uint32_t frame_num,
                    uint32_t max_frame_num, uint32_t max_num_ref_frames,
                    bool gaps_allowed, void (*cb)(void *ctx, uint32_t frame_num), void *ctx)
{
    int count = 0;

    for (uint32_t fn = (prev_ref_frame_num + 1) % max_frame_num; fn != frame_num;
         fn = (fn + 1) % max_frame_num) {
        if (cb)
            cb(ctx, fn);
        sliding_window(dpb, -1, fn, max_frame_num, max_num_ref_frames);
        int s = fe_dpb_alloc_slot(dpb);
        if (s < 0)
            return s;
        struct fe_dpb_pic *p = &dpb->slot[s];
        p->allocated = false;
        p->frame_num = fn;
        /* FFmpeg flags the frame non-existing only when gaps are not
         * allowed (otherwise it conceals it with a copy). */
        p->non_existing = !gaps_allowed;
        mark_short_term(dpb, p);
        count++;
    }
    return count;
}

static int find_short(const struct fe_dpb *dpb, int cur, int32_t pic_num,
                      uint32_t cur_frame_num, uint32_t max_frame_num)
{
    for (int i = 0; i < FE_MAX_SLOTS; i++) {
        const struct fe_dpb_pic *p = &dpb->slot[i];
        if (i != cur && p->ref && !p->long_term &&
            frame_num_wrap(p, cur_frame_num, max_frame_num) == pic_num)
            return i;
    }
    return -1;
}

static void unmark_long_idx(struct fe_dpb *dpb, int keep, uint32_t idx)
{
    for (int i = 0; i < FE_MAX_SLOTS; i++)
        if (i != keep && dpb->slot[i].ref && dpb->slot[i].long_term &&
            dpb->slot[i].long_term_frame_idx == idx)
            unmark(&dpb->slot[i]);
}

/* 8.2.5.4 for frames. */
static int adaptive_marking(struct fe_dpb *dpb, int cur, const struct vkv4l2_h264_slice_header *sh,
                            uint32_t max_frame_num, bool *mmco5, bool *cur_long)
{
    int32_t curr_pic_num = (int32_t)sh->frame_num;

    for (uint32_t k = 0; k < sh->num_mmco; k++) {
        const struct vkv4l2_h264_mmco *m = &sh->mmco[k];
        int32_t pic_num_x = curr_pic_num - (int32_t)(m->difference_of_pic_nums_minus1 + 1);
        int s;

        switch (m->op) {
        case 1:
            s = find_short(dpb, cur, pic_num_x, sh->frame_num, max_frame_num);
            if (s < 0)
                return -EINVAL;
            unmark(&dpb->slot[s]);
            break;
        case 2:
            s = -1;
            for (int i = 0; i < FE_MAX_SLOTS; i++)
                if (i != cur && dpb->slot[i].ref && dpb->slot[i].long_term &&
                    dpb->slot[i].long_term_frame_idx == m->long_term_pic_num)
                    s = i;
            if (s < 0)
                return -EINVAL;
            unmark(&dpb->slot[s]);
            break;
        case 3:
            s = find_short(dpb, cur, pic_num_x, sh->frame_num, max_frame_num);
            if (s < 0 || (int32_t)m->long_term_frame_idx > dpb->max_long_term_frame_idx)
                return -EINVAL;
            unmark_long_idx(dpb, s, m->long_term_frame_idx);
            dpb->slot[s].long_term = true;
            dpb->slot[s].long_term_frame_idx = m->long_term_frame_idx;
            break;
        case 4:
            dpb->max_long_term_frame_idx = (int32_t)m->max_long_term_frame_idx_plus1 - 1;
            for (int i = 0; i < FE_MAX_SLOTS; i++)
                if (i != cur && dpb->slot[i].ref && dpb->slot[i].long_term &&
                    (int32_t)dpb->slot[i].long_term_frame_idx > dpb->max_long_term_frame_idx)
                    unmark(&dpb->slot[i]);
            break;
        case 5:
            for (int i = 0; i < FE_MAX_SLOTS; i++)
                if (i != cur)
                    unmark(&dpb->slot[i]);
            dpb->max_long_term_frame_idx = -1;
            *mmco5 = true;
            break;
        case 6:
            if ((int32_t)m->long_term_frame_idx > dpb->max_long_term_frame_idx)
                return -EINVAL;
            unmark_long_idx(dpb, cur, m->long_term_frame_idx);
            dpb->slot[cur].ref = true;
            dpb->slot[cur].long_term = true;
            dpb->slot[cur].long_term_frame_idx = m->long_term_frame_idx;
            *cur_long = true;
            break;
        default:
            return -EINVAL;
        }
    }
    return 0;
}

int fe_dpb_mark(struct fe_dpb *dpb, int cur, const struct vkv4l2_h264_slice_header *sh,
                uint32_t max_frame_num, uint32_t max_num_ref_frames, bool *mmco5)
{
    struct fe_dpb_pic *c = &dpb->slot[cur];
    bool cur_long = false;

    *mmco5 = false;
    if (sh->nal_ref_idc == 0)
        return 0;
    if (sh->nal_unit_type == 5) {
        for (int i = 0; i < FE_MAX_SLOTS; i++)
            if (i != cur)
                unmark(&dpb->slot[i]);
        if (sh->long_term_reference_flag) {
            c->ref = c->long_term = true;
            c->long_term_frame_idx = 0;
            dpb->max_long_term_frame_idx = 0;
        } else {
            mark_short_term(dpb, c);
            dpb->max_long_term_frame_idx = -1;
        }
        return 0;
    }
    if (sh->adaptive_ref_pic_marking_mode_flag) {
        int ret = adaptive_marking(dpb, cur, sh, max_frame_num, mmco5, &cur_long);
        if (ret)
            return ret;
    } else {
        sliding_window(dpb, cur, sh->frame_num, max_frame_num, max_num_ref_frames);
    }
    if (!cur_long)
        mark_short_term(dpb, c);
    return 0;
}
