/* Decoded picture buffer of the test frontend: DPB slots like a Vulkan
 * Video client's, reference marking of ITU-T H.264 8.2.5 (sliding window,
 * memory_management_control_operation 1..6, IDR, frame_num gaps) and the
 * reference list a client hands with each decode.  Frames only for now
 * (field pictures are refused by the frontend).  Pure logic. */
#ifndef VKV4L2_FE_H264_DPB_H
#define VKV4L2_FE_H264_DPB_H

#include <stdbool.h>
#include <stdint.h>

#include <vk_video/vulkan_video_codec_h264std_decode.h>

#include "h264/h264_slice.h"

/* 16 reference frames + the current picture. */
#define FE_MAX_SLOTS 17

struct fe_dpb_pic {
    bool ref;                  /* used for reference (short or long) */
    bool long_term;
    bool non_existing;         /* inferred by the frame_num gap process */
    bool needed_for_output;    /* decoded, waiting for its output turn */
    bool held;                 /* handed out for output, not yet released */
    bool allocated;            /* the current picture, being decoded */
    uint32_t frame_num;
    uint32_t long_term_frame_idx;
    int32_t poc[2];            /* top, bottom */
    uint64_t short_term_seq;   /* when it became short-term (list order) */
    uint64_t user;             /* caller's tag (decode index) */
};

struct fe_dpb {
    struct fe_dpb_pic slot[FE_MAX_SLOTS];
    int32_t max_long_term_frame_idx;   /* -1: "no long-term frame indices" */
    uint64_t seq;
};

void fe_dpb_init(struct fe_dpb *dpb);

static inline bool fe_dpb_slot_busy(const struct fe_dpb_pic *p)
{
    return p->ref || p->needed_for_output || p->held || p->allocated;
}

/* Lowest free slot, marked allocated; -ENOSPC when all are busy. */
int fe_dpb_alloc_slot(struct fe_dpb *dpb);

/* The reference list of the next decode, in FFmpeg's order: short-term
 * references most recent first, then long-term ones by LongTermFrameIdx.
 * Returns the count; slots[] and infos[] get FE_MAX_SLOTS entries at most. */
unsigned fe_dpb_active_refs(const struct fe_dpb *dpb, int slots[FE_MAX_SLOTS],
                            StdVideoDecodeH264ReferenceInfo infos[FE_MAX_SLOTS]);

/* 8.2.5.2: infers the frames of a gap before a picture with `frame_num`
 * after a reference picture with `prev_ref_frame_num`.  Each inferred frame
 * takes a slot (as in FFmpeg) and is marked by the sliding window.  `cb`
 * is called for each inferred frame number, before it is stored (the POC
 * state needs it).  Returns the number of frames or -ENOSPC. */
int fe_dpb_fill_gap(struct fe_dpb *dpb, uint32_t prev_ref_frame_num, uint32_t frame_num,
                    uint32_t max_frame_num, uint32_t max_num_ref_frames,
                    bool gaps_allowed, void (*cb)(void *ctx, uint32_t frame_num), void *ctx);

/* 8.2.5.1: marks the decoded current picture held in `cur` (frame).  sets
 * *mmco5 when operation 5 ran; the caller then adjusts POC and frame_num
 * of the current picture.  Returns 0 or -EINVAL for an operation that
 * names no picture (corrupt stream). */
int fe_dpb_mark(struct fe_dpb *dpb, int cur, const struct vkv4l2_h264_slice_header *sh,
                uint32_t max_frame_num, uint32_t max_num_ref_frames, bool *mmco5);

#endif
