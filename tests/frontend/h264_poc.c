#include "h264_poc.h"

static void poc_type0(const struct fe_poc_state *st, const StdVideoH264SequenceParameterSet *sps,
                      const struct vkv4l2_h264_slice_header *sh, struct fe_poc *out)
{
    int32_t max_lsb = 1 << (sps->log2_max_pic_order_cnt_lsb_minus4 + 4);
    int32_t lsb = (int32_t)sh->pic_order_cnt_lsb;
    int32_t prev_msb = sh->nal_unit_type == 5 ? 0 : st->prev_poc_msb;
    int32_t prev_lsb = sh->nal_unit_type == 5 ? 0 : st->prev_poc_lsb;
    int32_t msb;

    if (lsb < prev_lsb && prev_lsb - lsb >= max_lsb / 2)
        msb = prev_msb + max_lsb;
    else if (lsb > prev_lsb && lsb - prev_lsb > max_lsb / 2)
        msb = prev_msb - max_lsb;
    else
        msb = prev_msb;
    out->poc_msb = msb;
    if (!sh->field_pic_flag) {
        out->top = msb + lsb;
        out->bottom = out->top + sh->delta_pic_order_cnt_bottom;
    } else if (!sh->bottom_field_flag) {
        out->top = msb + lsb;
    } else {
        out->bottom = msb + lsb;
    }
}

static int32_t frame_num_offset(const struct fe_poc_state *st,
                                const StdVideoH264SequenceParameterSet *sps,
                                const struct vkv4l2_h264_slice_header *sh)
{
    int32_t prev = st->prev_had_mmco5 ? 0 : st->prev_frame_num_offset;

    if (sh->nal_unit_type == 5)
        return 0;
    if (st->prev_frame_num > sh->frame_num)
        return prev + (1 << (sps->log2_max_frame_num_minus4 + 4));
    return prev;
}

static void poc_type1(const struct fe_poc_state *st, const StdVideoH264SequenceParameterSet *sps,
                      const struct vkv4l2_h264_slice_header *sh, struct fe_poc *out)
{
    int32_t offset = frame_num_offset(st, sps, sh);
    uint32_t cycle = sps->num_ref_frames_in_pic_order_cnt_cycle;
    int32_t abs_frame_num = cycle ? offset + (int32_t)sh->frame_num : 0;
    int32_t expected = 0;

    if (sh->nal_ref_idc == 0 && abs_frame_num > 0)
        abs_frame_num--;
    if (abs_frame_num > 0) {
        int32_t delta_per_cycle = 0;
        for (uint32_t i = 0; i < cycle; i++)
            delta_per_cycle += sps->pOffsetForRefFrame[i];
        int32_t cycle_cnt = (abs_frame_num - 1) / (int32_t)cycle;
        int32_t in_cycle = (abs_frame_num - 1) % (int32_t)cycle;
        expected = cycle_cnt * delta_per_cycle;
        for (int32_t i = 0; i <= in_cycle; i++)
            expected += sps->pOffsetForRefFrame[i];
    }
    if (sh->nal_ref_idc == 0)
        expected += sps->offset_for_non_ref_pic;
    out->frame_num_offset = offset;
    if (!sh->field_pic_flag) {
        out->top = expected + sh->delta_pic_order_cnt[0];
        out->bottom = out->top + sps->offset_for_top_to_bottom_field + sh->delta_pic_order_cnt[1];
    } else if (!sh->bottom_field_flag) {
        out->top = expected + sh->delta_pic_order_cnt[0];
    } else {
        out->bottom = expected + sps->offset_for_top_to_bottom_field + sh->delta_pic_order_cnt[0];
    }
}

static void poc_type2(const struct fe_poc_state *st, const StdVideoH264SequenceParameterSet *sps,
                      const struct vkv4l2_h264_slice_header *sh, struct fe_poc *out)
{
    int32_t offset = frame_num_offset(st, sps, sh);
    int32_t temp = 0;

    if (sh->nal_unit_type != 5)
        temp = 2 * (offset + (int32_t)sh->frame_num) - (sh->nal_ref_idc == 0);
    out->frame_num_offset = offset;
    out->top = out->bottom = temp;
}

void fe_poc_compute(const struct fe_poc_state *st, const StdVideoH264SequenceParameterSet *sps,
                    const struct vkv4l2_h264_slice_header *sh, struct fe_poc *out)
{
    *out = (struct fe_poc){ 0 };
    switch (sps->pic_order_cnt_type) {
    case STD_VIDEO_H264_POC_TYPE_0: poc_type0(st, sps, sh, out); break;
    case STD_VIDEO_H264_POC_TYPE_1: poc_type1(st, sps, sh, out); break;
    default: poc_type2(st, sps, sh, out); break;
    }
}

void fe_poc_update(struct fe_poc_state *st, const StdVideoH264SequenceParameterSet *sps,
                   const struct vkv4l2_h264_slice_header *sh, const struct fe_poc *poc,
                   bool mmco5)
{
    if (sps->pic_order_cnt_type == STD_VIDEO_H264_POC_TYPE_0) {
        /* Only reference pictures feed the next prevPicOrderCnt{Msb,Lsb}. */
        if (sh->nal_ref_idc != 0) {
            if (mmco5) {
                st->prev_poc_msb = 0;
                st->prev_poc_lsb = sh->field_pic_flag && sh->bottom_field_flag ? 0 : poc->top;
            } else {
                st->prev_poc_msb = poc->poc_msb;
                st->prev_poc_lsb = (int32_t)sh->pic_order_cnt_lsb;
            }
        }
    } else {
        st->prev_frame_num_offset = poc->frame_num_offset;
        st->prev_had_mmco5 = mmco5;
    }
    /* After memory_management_control_operation 5 frame_num counts as 0. */
    st->prev_frame_num = mmco5 ? 0 : sh->frame_num;
}

void fe_poc_gap_frame(struct fe_poc_state *st, uint32_t frame_num, uint32_t max_frame_num)
{
    if (st->prev_had_mmco5)
        st->prev_frame_num_offset = 0;
    if (st->prev_frame_num > frame_num)
        st->prev_frame_num_offset += (int32_t)max_frame_num;
    st->prev_frame_num = frame_num;
    st->prev_had_mmco5 = false;
}
