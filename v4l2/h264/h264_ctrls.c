/* H.264: Vulkan std structs -> V4L2 SPS, PPS, decode and slice params;
 * see h264_ctrls.h.  Scaling matrices live in h264_scaling.c. */
#include "h264_ctrls.h"

#include <errno.h>
#include <string.h>

int vkv4l2_h264_level_idc(StdVideoH264LevelIdc level)
{
    static const uint8_t idc[] = {
        10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62,
    };

    if ((unsigned)level >= sizeof(idc))
        return -EINVAL;
    return idc[level];
}

int vkv4l2_h264_fill_sps(const StdVideoH264SequenceParameterSet *sps,
                         struct v4l2_ctrl_h264_sps *out)
{
    const StdVideoH264SpsFlags *f;
    int level;

    if (!sps)
        return -EINVAL;
    f = &sps->flags;
    level = vkv4l2_h264_level_idc(sps->level_idc);
    if (level < 0 || (unsigned)sps->profile_idc > 255 ||
        (unsigned)sps->chroma_format_idc > 3 ||
        sps->bit_depth_luma_minus8 > 6 || sps->bit_depth_chroma_minus8 > 6 ||
        sps->log2_max_frame_num_minus4 > 12 ||
        (unsigned)sps->pic_order_cnt_type > 2 ||
        sps->log2_max_pic_order_cnt_lsb_minus4 > 12 ||
        sps->max_num_ref_frames > V4L2_H264_REF_LIST_LEN ||
        sps->pic_width_in_mbs_minus1 > UINT16_MAX ||
        sps->pic_height_in_map_units_minus1 > UINT16_MAX)
        return -EINVAL;

    memset(out, 0, sizeof(*out));
    out->profile_idc = sps->profile_idc;
    out->constraint_set_flags =
        (f->constraint_set0_flag ? V4L2_H264_SPS_CONSTRAINT_SET0_FLAG : 0) |
        (f->constraint_set1_flag ? V4L2_H264_SPS_CONSTRAINT_SET1_FLAG : 0) |
        (f->constraint_set2_flag ? V4L2_H264_SPS_CONSTRAINT_SET2_FLAG : 0) |
        (f->constraint_set3_flag ? V4L2_H264_SPS_CONSTRAINT_SET3_FLAG : 0) |
        (f->constraint_set4_flag ? V4L2_H264_SPS_CONSTRAINT_SET4_FLAG : 0) |
        (f->constraint_set5_flag ? V4L2_H264_SPS_CONSTRAINT_SET5_FLAG : 0);
    out->level_idc = level;
    out->seq_parameter_set_id = sps->seq_parameter_set_id;
    out->chroma_format_idc = sps->chroma_format_idc;
    out->bit_depth_luma_minus8 = sps->bit_depth_luma_minus8;
    out->bit_depth_chroma_minus8 = sps->bit_depth_chroma_minus8;
    out->log2_max_frame_num_minus4 = sps->log2_max_frame_num_minus4;
    out->pic_order_cnt_type = sps->pic_order_cnt_type;
    out->max_num_ref_frames = sps->max_num_ref_frames;
    out->pic_width_in_mbs_minus1 = sps->pic_width_in_mbs_minus1;
    out->pic_height_in_map_units_minus1 = sps->pic_height_in_map_units_minus1;
    out->flags =
        (f->separate_colour_plane_flag ? V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE : 0) |
        (f->qpprime_y_zero_transform_bypass_flag ? V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS : 0) |
        (f->delta_pic_order_always_zero_flag ? V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO : 0) |
        (f->gaps_in_frame_num_value_allowed_flag ? V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED : 0) |
        (f->frame_mbs_only_flag ? V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY : 0) |
        (f->mb_adaptive_frame_field_flag ? V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD : 0) |
        (f->direct_8x8_inference_flag ? V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE : 0);

    /* Elements that exist only for one POC type are 0 otherwise, as the
     * kernel and GStreamer's parser have them. */
    if (sps->pic_order_cnt_type == STD_VIDEO_H264_POC_TYPE_0)
        out->log2_max_pic_order_cnt_lsb_minus4 = sps->log2_max_pic_order_cnt_lsb_minus4;
    if (sps->pic_order_cnt_type == STD_VIDEO_H264_POC_TYPE_1) {
        unsigned n = sps->num_ref_frames_in_pic_order_cnt_cycle;
        if (n && !sps->pOffsetForRefFrame)
            return -EINVAL;
        out->num_ref_frames_in_pic_order_cnt_cycle = n;
        out->offset_for_non_ref_pic = sps->offset_for_non_ref_pic;
        out->offset_for_top_to_bottom_field = sps->offset_for_top_to_bottom_field;
        for (unsigned i = 0; i < n; i++)
            out->offset_for_ref_frame[i] = sps->pOffsetForRefFrame[i];
    }

    /* Mirror std_validate_compound(): chroma_format_idc and bit depths are
     * only coded for the high profiles (7.3.2.1.1), inferred 4:2:0 / 8-bit
     * otherwise; 4:2:2 needs profile_idc >= 122, 4:4:4 needs 244. */
    if (!V4L2_H264_SPS_HAS_CHROMA_FORMAT(out)) {
        out->chroma_format_idc = 1;
        out->bit_depth_luma_minus8 = 0;
        out->bit_depth_chroma_minus8 = 0;
        out->flags &= ~V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS;
    }
    if (out->chroma_format_idc < 3)
        out->flags &= ~V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE;
    if (out->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY)
        out->flags &= ~V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD;
    if ((out->profile_idc < 122 && out->chroma_format_idc > 1) ||
        (out->profile_idc < 244 && out->chroma_format_idc > 2))
        return -EINVAL;
    return 0;
}

int vkv4l2_h264_fill_pps(const StdVideoH264SequenceParameterSet *sps,
                         const StdVideoH264PictureParameterSet *pps,
                         struct v4l2_ctrl_h264_pps *out)
{
    const StdVideoH264PpsFlags *f;

    if (!sps || !pps || pps->seq_parameter_set_id != sps->seq_parameter_set_id)
        return -EINVAL;
    f = &pps->flags;
    /* 7.4.2.2 ranges (the kernel's are the same or looser). */
    int qp_bd_offset = 6 * sps->bit_depth_luma_minus8;
    if (pps->num_ref_idx_l0_default_active_minus1 > 31 ||
        pps->num_ref_idx_l1_default_active_minus1 > 31 ||
        (unsigned)pps->weighted_bipred_idc > 2 ||
        pps->pic_init_qp_minus26 < -(26 + qp_bd_offset) || pps->pic_init_qp_minus26 > 25 ||
        pps->pic_init_qs_minus26 < -26 || pps->pic_init_qs_minus26 > 25 ||
        pps->chroma_qp_index_offset < -12 || pps->chroma_qp_index_offset > 12 ||
        pps->second_chroma_qp_index_offset < -12 || pps->second_chroma_qp_index_offset > 12)
        return -EINVAL;

    memset(out, 0, sizeof(*out));
    out->pic_parameter_set_id = pps->pic_parameter_set_id;
    out->seq_parameter_set_id = pps->seq_parameter_set_id;
    out->num_slice_groups_minus1 = 0; /* Vulkan has no slice groups */
    out->num_ref_idx_l0_default_active_minus1 = pps->num_ref_idx_l0_default_active_minus1;
    out->num_ref_idx_l1_default_active_minus1 = pps->num_ref_idx_l1_default_active_minus1;
    out->weighted_bipred_idc = pps->weighted_bipred_idc;
    out->pic_init_qp_minus26 = pps->pic_init_qp_minus26;
    out->pic_init_qs_minus26 = pps->pic_init_qs_minus26;
    out->chroma_qp_index_offset = pps->chroma_qp_index_offset;
    out->second_chroma_qp_index_offset = pps->second_chroma_qp_index_offset;
    out->flags =
        (f->entropy_coding_mode_flag ? V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE : 0) |
        (f->bottom_field_pic_order_in_frame_present_flag ? V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT : 0) |
        (f->weighted_pred_flag ? V4L2_H264_PPS_FLAG_WEIGHTED_PRED : 0) |
        (f->deblocking_filter_control_present_flag ? V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT : 0) |
        (f->constrained_intra_pred_flag ? V4L2_H264_PPS_FLAG_CONSTRAINED_INTRA_PRED : 0) |
        (f->redundant_pic_cnt_present_flag ? V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT : 0) |
        (f->transform_8x8_mode_flag ? V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE : 0) |
        (vkv4l2_h264_scaling_matrix_present(sps, pps) ? V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT : 0);
    return 0;
}

/* Fills one dpb entry from a reference (or merges a second reference with
 * the same buffer into it).  pic_num is PicNum / LongTermPicNum (8.2.4.1)
 * as seen from the current picture; the kernel helpers and hantro/rkvdec
 * use frame_num (FrameNum, or LongTermFrameIdx for long-term entries, as
 * in Vulkan's FrameNum) and only print pic_num. */
static int add_ref(struct v4l2_h264_dpb_entry *e, const struct vkv4l2_h264_ref *r,
                   const StdVideoDecodeH264PictureInfo *pic, uint32_t max_frame_num)
{
    const StdVideoDecodeH264ReferenceInfo *info = r->info;
    bool long_term = info->flags.used_for_long_term_reference;
    uint8_t fields = (r->top_field_ref ? V4L2_H264_TOP_FIELD_REF : 0) |
                     (r->bottom_field_ref ? V4L2_H264_BOTTOM_FIELD_REF : 0);
    bool merging = e->flags & V4L2_H264_DPB_ENTRY_FLAG_VALID;

    if (!fields || info->FrameNum >= max_frame_num)
        return -EINVAL;
    if (merging && (e->frame_num != info->FrameNum ||
                    !!(e->flags & V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM) != long_term))
        return -EINVAL;

    e->reference_ts = r->reference_ts;
    e->frame_num = info->FrameNum;
    e->fields |= fields;

    int32_t x = info->FrameNum;
    if (!long_term && info->FrameNum > pic->frame_num)
        x -= (int32_t)max_frame_num; /* FrameNumWrap, (8-27) */
    if (pic->flags.field_pic_flag) {
        /* (8-30)..(8-33): the field of the current parity has 2X+1, the
         * other 2X; an entry holding both is named by the former. */
        bool same = pic->flags.bottom_field_flag ? (e->fields & V4L2_H264_BOTTOM_FIELD_REF)
                                                 : (e->fields & V4L2_H264_TOP_FIELD_REF);
        x = 2 * x + (same ? 1 : 0);
    }
    e->pic_num = (uint32_t)x;
    if (fields & V4L2_H264_TOP_FIELD_REF)
        e->top_field_order_cnt = info->PicOrderCnt[0];
    if (fields & V4L2_H264_BOTTOM_FIELD_REF)
        e->bottom_field_order_cnt = info->PicOrderCnt[1];
    e->flags = V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE |
               (long_term ? V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM : 0) |
               /* Only one field of this entry is used (uAPI doc). */
               (e->fields != V4L2_H264_FRAME_REF ? V4L2_H264_DPB_ENTRY_FLAG_FIELD : 0);
    return 0;
}

int vkv4l2_h264_fill_decode_params(const StdVideoH264SequenceParameterSet *sps,
                                   const StdVideoDecodeH264PictureInfo *pic,
                                   const struct vkv4l2_h264_slice_header *sh,
                                   const struct vkv4l2_h264_ref *refs,
                                   size_t num_refs,
                                   struct v4l2_ctrl_h264_decode_params *out)
{
    unsigned num_entries = 0;

    if (!sps || !pic || !sh || (num_refs && !refs) || sps->log2_max_frame_num_minus4 > 12)
        return -EINVAL;
    /* The parsed header must describe the same picture. */
    if (sh->nal_ref_idc > 3 || sh->frame_num != pic->frame_num ||
        sh->field_pic_flag != pic->flags.field_pic_flag ||
        sh->bottom_field_flag != pic->flags.bottom_field_flag ||
        (sh->nal_unit_type == 5) != pic->flags.IdrPicFlag ||
        sh->idr_pic_id > UINT16_MAX || sh->pic_order_cnt_lsb > UINT16_MAX)
        return -EINVAL;

    uint32_t max_frame_num = 1u << (sps->log2_max_frame_num_minus4 + 4);
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < num_refs; i++) {
        unsigned j;
        if (!refs[i].info)
            return -EINVAL;
        for (j = 0; j < num_entries; j++)
            if (out->dpb[j].reference_ts == refs[i].reference_ts)
                break;
        if (j == num_entries && num_entries++ == V4L2_H264_NUM_DPB_ENTRIES)
            return -EINVAL;
        if (add_ref(&out->dpb[j], &refs[i], pic, max_frame_num) < 0)
            return -EINVAL;
    }

    out->nal_ref_idc = sh->nal_ref_idc;
    out->frame_num = pic->frame_num;
    /* A field picture carries only its own field's order count. */
    if (!pic->flags.field_pic_flag || !pic->flags.bottom_field_flag)
        out->top_field_order_cnt = pic->PicOrderCnt[0];
    if (!pic->flags.field_pic_flag || pic->flags.bottom_field_flag)
        out->bottom_field_order_cnt = pic->PicOrderCnt[1];
    out->idr_pic_id = sh->idr_pic_id;
    out->pic_order_cnt_lsb = sh->pic_order_cnt_lsb;
    out->delta_pic_order_cnt_bottom = sh->delta_pic_order_cnt_bottom;
    out->delta_pic_order_cnt0 = sh->delta_pic_order_cnt[0];
    out->delta_pic_order_cnt1 = sh->delta_pic_order_cnt[1];
    out->dec_ref_pic_marking_bit_size = sh->dec_ref_pic_marking_bit_size;
    out->pic_order_cnt_bit_size = sh->pic_order_cnt_bit_size;
    out->slice_group_change_cycle = sh->slice_group_change_cycle;
    /* P/B from the first slice's type (SP counts as P): tegra-vde uses
     * them to pick the reference lists to build. */
    out->flags = (pic->flags.IdrPicFlag ? V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC : 0) |
                 (pic->flags.field_pic_flag ? V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC : 0) |
                 (pic->flags.bottom_field_flag ? V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD : 0) |
                 (sh->slice_type == V4L2_H264_SLICE_TYPE_P || sh->slice_type == V4L2_H264_SLICE_TYPE_SP
                      ? V4L2_H264_DECODE_PARAM_FLAG_PFRAME : 0) |
                 (sh->slice_type == V4L2_H264_SLICE_TYPE_B ? V4L2_H264_DECODE_PARAM_FLAG_BFRAME : 0);
    return 0;
}

int vkv4l2_h264_fill_picture_ctrls(const StdVideoH264SequenceParameterSet *sps,
                                   const StdVideoH264PictureParameterSet *pps,
                                   const StdVideoDecodeH264PictureInfo *pic,
                                   const struct vkv4l2_h264_slice_header *sh,
                                   const struct vkv4l2_h264_ref *refs,
                                   size_t num_refs,
                                   struct vkv4l2_h264_picture_ctrls *out)
{
    int ret;

    if ((ret = vkv4l2_h264_fill_sps(sps, &out->sps)) < 0 ||
        (ret = vkv4l2_h264_fill_pps(sps, pps, &out->pps)) < 0 ||
        (ret = vkv4l2_h264_fill_scaling_matrix(sps, pps, &out->scaling_matrix)) < 0 ||
        (ret = vkv4l2_h264_fill_decode_params(sps, pic, sh, refs, num_refs,
                                              &out->decode_params)) < 0)
        return ret;
    if (sh->pic_parameter_set_id != pps->pic_parameter_set_id)
        return -EINVAL;
    return 0;
}

unsigned vkv4l2_h264_frame_ext_ctrls(struct vkv4l2_h264_picture_ctrls *c,
                                     struct v4l2_ext_control out[VKV4L2_H264_FRAME_CTRLS])
{
    memset(out, 0, sizeof(*out) * VKV4L2_H264_FRAME_CTRLS);
    out[0].id = V4L2_CID_STATELESS_H264_SPS;
    out[0].size = sizeof(c->sps);
    out[0].ptr = &c->sps;
    out[1].id = V4L2_CID_STATELESS_H264_PPS;
    out[1].size = sizeof(c->pps);
    out[1].ptr = &c->pps;
    out[2].id = V4L2_CID_STATELESS_H264_SCALING_MATRIX;
    out[2].size = sizeof(c->scaling_matrix);
    out[2].ptr = &c->scaling_matrix;
    out[3].id = V4L2_CID_STATELESS_H264_DECODE_PARAMS;
    out[3].size = sizeof(c->decode_params);
    out[3].ptr = &c->decode_params;
    return VKV4L2_H264_FRAME_CTRLS;
}

int vkv4l2_h264_fill_slice_params(const struct vkv4l2_h264_slice_header *sh,
                                  const struct v4l2_h264_reference *ref_pic_list0,
                                  const struct v4l2_h264_reference *ref_pic_list1,
                                  struct v4l2_ctrl_h264_slice_params *out)
{
    uint8_t t;

    if (!sh || sh->slice_type > 4 || sh->colour_plane_id > 2 || sh->cabac_init_idc > 2 ||
        sh->redundant_pic_cnt > 127 || sh->disable_deblocking_filter_idc > 2 ||
        sh->slice_qp_delta < INT8_MIN || sh->slice_qp_delta > INT8_MAX ||
        sh->slice_qs_delta < INT8_MIN || sh->slice_qs_delta > INT8_MAX ||
        sh->slice_alpha_c0_offset_div2 < -6 || sh->slice_alpha_c0_offset_div2 > 6 ||
        sh->slice_beta_offset_div2 < -6 || sh->slice_beta_offset_div2 > 6 ||
        sh->num_ref_idx_l0_active_minus1 >= V4L2_H264_REF_LIST_LEN ||
        sh->num_ref_idx_l1_active_minus1 >= V4L2_H264_REF_LIST_LEN)
        return -EINVAL;
    t = sh->slice_type;

    memset(out, 0, sizeof(*out));
    out->header_bit_size = sh->header_bit_size;
    out->first_mb_in_slice = sh->first_mb_in_slice;
    out->slice_type = t;
    out->colour_plane_id = sh->colour_plane_id;
    out->redundant_pic_cnt = sh->redundant_pic_cnt;
    out->cabac_init_idc = sh->cabac_init_idc;
    out->slice_qp_delta = sh->slice_qp_delta;
    out->slice_qs_delta = sh->slice_qs_delta;
    out->disable_deblocking_filter_idc = sh->disable_deblocking_filter_idc;
    out->slice_alpha_c0_offset_div2 = sh->slice_alpha_c0_offset_div2;
    out->slice_beta_offset_div2 = sh->slice_beta_offset_div2;
    /* Unused lists are 0 / 0xff ("no reference") as the kernel and
     * GStreamer leave them. */
    memset(out->ref_pic_list0, 0xff, sizeof(out->ref_pic_list0));
    memset(out->ref_pic_list1, 0xff, sizeof(out->ref_pic_list1));
    if (t == V4L2_H264_SLICE_TYPE_P || t == V4L2_H264_SLICE_TYPE_SP || t == V4L2_H264_SLICE_TYPE_B) {
        if (!ref_pic_list0)
            return -EINVAL;
        out->num_ref_idx_l0_active_minus1 = sh->num_ref_idx_l0_active_minus1;
        memcpy(out->ref_pic_list0, ref_pic_list0,
               (sh->num_ref_idx_l0_active_minus1 + 1) * sizeof(*ref_pic_list0));
    }
    if (t == V4L2_H264_SLICE_TYPE_B) {
        if (!ref_pic_list1)
            return -EINVAL;
        out->num_ref_idx_l1_active_minus1 = sh->num_ref_idx_l1_active_minus1;
        memcpy(out->ref_pic_list1, ref_pic_list1,
               (sh->num_ref_idx_l1_active_minus1 + 1) * sizeof(*ref_pic_list1));
    }
    out->flags = (t == V4L2_H264_SLICE_TYPE_B && sh->direct_spatial_mv_pred_flag
                      ? V4L2_H264_SLICE_FLAG_DIRECT_SPATIAL_MV_PRED : 0) |
                 (sh->sp_for_switch_flag ? V4L2_H264_SLICE_FLAG_SP_FOR_SWITCH : 0);
    return 0;
}

int vkv4l2_h264_fill_pred_weights(const struct vkv4l2_h264_slice_header *sh,
                                  struct v4l2_ctrl_h264_pred_weights *out)
{
    const struct vkv4l2_h264_pred_weight_table *p = &sh->pwt;

    memset(out, 0, sizeof(*out));
    if (!sh->has_pred_weight_table)
        return 0;
    if (p->luma_log2_weight_denom > 7 || p->chroma_log2_weight_denom > 7 ||
        sh->num_ref_idx_l0_active_minus1 >= VKV4L2_H264_MAX_REFS ||
        sh->num_ref_idx_l1_active_minus1 >= VKV4L2_H264_MAX_REFS)
        return -EINVAL;
    out->luma_log2_weight_denom = p->luma_log2_weight_denom;
    out->chroma_log2_weight_denom = p->chroma_log2_weight_denom;
    unsigned lists = sh->slice_type == V4L2_H264_SLICE_TYPE_B ? 2 : 1;
    for (unsigned l = 0; l < lists; l++) {
        uint32_t n = (l ? sh->num_ref_idx_l1_active_minus1 : sh->num_ref_idx_l0_active_minus1) + 1;
        struct v4l2_h264_weight_factors *w = &out->weight_factors[l];
        for (uint32_t i = 0; i < n; i++) {
            w->luma_weight[i] = p->luma_weight[l][i];
            w->luma_offset[i] = p->luma_offset[l][i];
            for (unsigned j = 0; j < 2; j++) {
                w->chroma_weight[i][j] = p->chroma_weight[l][i][j];
                w->chroma_offset[i][j] = p->chroma_offset[l][i][j];
            }
        }
    }
    return 0;
}
