/* Picture order count, ITU-T H.264 8.2.1 (types 0, 1 and 2).
 * Pure: the state carries what the standard calls prevPicOrderCntMsb,
 * prevPicOrderCntLsb, prevFrameNumOffset and prevFrameNum. */
#ifndef VKV4L2_FE_H264_POC_H
#define VKV4L2_FE_H264_POC_H

#include <stdbool.h>
#include <stdint.h>

#include <vk_video/vulkan_video_codec_h264std.h>

#include "h264/h264_slice.h"

struct fe_poc_state {
    int32_t prev_poc_msb, prev_poc_lsb;     /* of the previous reference picture */
    int32_t prev_frame_num_offset;
    uint32_t prev_frame_num;                /* of the previous picture */
    bool prev_had_mmco5;                    /* previous picture (type 1/2) */
};

struct fe_poc {
    int32_t top, bottom;                    /* TopFieldOrderCnt, BottomFieldOrderCnt */
    int32_t poc_msb, frame_num_offset;      /* kept for the state update */
};

/* Computes the POCs of the picture whose first slice header is `sh`. */
void fe_poc_compute(const struct fe_poc_state *st, const StdVideoH264SequenceParameterSet *sps,
                    const struct vkv4l2_h264_slice_header *sh, struct fe_poc *out);

/* Updates the state once the picture is decoded and marked.  `mmco5` says
 * whether its dec_ref_pic_marking had operation 5; `poc` holds its POCs
 * after the 8.2.1 adjustment (tempPicOrderCnt subtracted) in that case. */
void fe_poc_update(struct fe_poc_state *st, const StdVideoH264SequenceParameterSet *sps,
                   const struct vkv4l2_h264_slice_header *sh, const struct fe_poc *poc,
                   bool mmco5);

/* Advances prevFrameNum / prevFrameNumOffset over a frame inferred by the
 * gap process (8.2.5.2). */
void fe_poc_gap_frame(struct fe_poc_state *st, uint32_t frame_num, uint32_t max_frame_num);

#endif
