/* H.264 slice-header parsing (7.3.3, semantics and ranges from 7.4.3);
 * see h264_slice.h. */
#include "h264_slice.h"

#include <errno.h>
#include <string.h>

#include "h264_bitreader.h"

enum { SLICE_P = 0, SLICE_B = 1, SLICE_I = 2, SLICE_SP = 3, SLICE_SI = 4 };

/* Each helper returns 0 or -EINVAL; TRY keeps the syntax tables readable. */
#define TRY(expr)                  \
    do {                           \
        int err_ = (expr);         \
        if (err_ < 0)              \
            return err_;           \
    } while (0)

static int read_ue_max(struct vkv4l2_bitreader *br, uint32_t max, uint32_t *out)
{
    TRY(vkv4l2_br_read_ue(br, out));
    return *out <= max ? 0 : -EINVAL;
}

static int read_se_range(struct vkv4l2_bitreader *br, int32_t min, int32_t max,
                         int32_t *out)
{
    TRY(vkv4l2_br_read_se(br, out));
    return *out >= min && *out <= max ? 0 : -EINVAL;
}

int vkv4l2_h264_next_nal(const uint8_t *data, size_t size, size_t *pos,
                         const uint8_t **nal, size_t *nal_size)
{
    size_t i = *pos;

    for (;;) {
        /* Find 00 00 01. */
        while (i + 3 <= size &&
               !(data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1))
            i++;
        if (i + 3 > size) {
            *pos = size;
            return -ENOENT;
        }
        size_t start = i + 3, end = start;
        /* The NAL ends at the next 00 00 00 or 00 00 01 (B.2). */
        while (end + 3 <= size &&
               !(data[end] == 0 && data[end + 1] == 0 && data[end + 2] <= 1))
            end++;
        if (end + 3 > size)
            end = size;
        i = end;
        /* trailing_zero_8bits (and the first 00 of a 4-byte start code)
         * belong to the byte stream, not the NAL: a NAL never ends in 00. */
        while (end > start && data[end - 1] == 0)
            end--;
        if (end == start)
            continue;
        *pos = i;
        *nal = data + start;
        *nal_size = end - start;
        return 0;
    }
}

static int parse_nal_header(struct vkv4l2_bitreader *br, uint8_t *ref_idc,
                            uint8_t *type)
{
    uint32_t forbidden, idc, t;

    TRY(vkv4l2_br_read_bits(br, 1, &forbidden));
    TRY(vkv4l2_br_read_bits(br, 2, &idc));
    TRY(vkv4l2_br_read_bits(br, 5, &t));
    /* Only coded slices of non-IDR (1) and IDR (5) pictures; an IDR
     * picture is always a reference (7.4.1). */
    if (forbidden || (t != 1 && t != 5) || (t == 5 && idc == 0))
        return -EINVAL;
    *ref_idc = idc;
    *type = t;
    return 0;
}

int vkv4l2_h264_slice_pps_id(const uint8_t *nal, size_t size)
{
    struct vkv4l2_bitreader br;
    uint8_t ref_idc, type;
    uint32_t first_mb, slice_type, pps_id;

    vkv4l2_br_init(&br, nal, size);
    TRY(parse_nal_header(&br, &ref_idc, &type));
    TRY(vkv4l2_br_read_ue(&br, &first_mb));
    TRY(read_ue_max(&br, 9, &slice_type));
    TRY(read_ue_max(&br, 255, &pps_id));
    return (int)pps_id;
}

/* 7.3.3.1 (non-MVC): idc 0/1 carry abs_diff_pic_num_minus1, 2 carries
 * long_term_pic_num, 3 ends the list. */
static int parse_rplm_list(struct vkv4l2_bitreader *br,
                           struct vkv4l2_h264_slice_header *sh, unsigned list)
{
    bool flag;

    sh->num_rplm[list] = 0;
    TRY(vkv4l2_br_read_flag(br, &flag));
    if (!flag)
        return 0;
    for (;;) {
        uint32_t idc, value;
        TRY(read_ue_max(br, 3, &idc));
        if (idc == 3)
            return 0;
        TRY(vkv4l2_br_read_ue(br, &value));
        if (sh->num_rplm[list] == VKV4L2_H264_MAX_REFS)
            return -EINVAL;
        sh->rplm[list][sh->num_rplm[list]++] =
            (struct vkv4l2_h264_rplm){ .modification_of_pic_nums_idc = idc,
                                       .value = value };
    }
}

static int parse_weights(struct vkv4l2_bitreader *br,
                         struct vkv4l2_h264_pred_weight_table *pwt,
                         unsigned list, uint32_t num_active_minus1,
                         bool has_chroma)
{
    for (uint32_t i = 0; i <= num_active_minus1; i++) {
        bool flag;
        int32_t w, o;

        pwt->luma_weight[list][i] = 1 << pwt->luma_log2_weight_denom;
        pwt->luma_offset[list][i] = 0;
        TRY(vkv4l2_br_read_flag(br, &flag));
        if (flag) {
            TRY(read_se_range(br, -128, 127, &w));
            TRY(read_se_range(br, -128, 127, &o));
            pwt->luma_weight[list][i] = w;
            pwt->luma_offset[list][i] = o;
        }
        if (!has_chroma)
            continue;
        for (unsigned j = 0; j < 2; j++) {
            pwt->chroma_weight[list][i][j] = 1 << pwt->chroma_log2_weight_denom;
            pwt->chroma_offset[list][i][j] = 0;
        }
        TRY(vkv4l2_br_read_flag(br, &flag));
        if (!flag)
            continue;
        for (unsigned j = 0; j < 2; j++) {
            TRY(read_se_range(br, -128, 127, &w));
            TRY(read_se_range(br, -128, 127, &o));
            pwt->chroma_weight[list][i][j] = w;
            pwt->chroma_offset[list][i][j] = o;
        }
    }
    return 0;
}

/* 7.3.3.2; ChromaArrayType is 0 for monochrome or separate colour planes. */
static int parse_pred_weight_table(struct vkv4l2_bitreader *br,
                                   const StdVideoH264SequenceParameterSet *sps,
                                   struct vkv4l2_h264_slice_header *sh)
{
    struct vkv4l2_h264_pred_weight_table *pwt = &sh->pwt;
    bool has_chroma = !sps->flags.separate_colour_plane_flag &&
                      sps->chroma_format_idc != STD_VIDEO_H264_CHROMA_FORMAT_IDC_MONOCHROME;

    TRY(read_ue_max(br, 7, &pwt->luma_log2_weight_denom));
    if (has_chroma)
        TRY(read_ue_max(br, 7, &pwt->chroma_log2_weight_denom));
    TRY(parse_weights(br, pwt, 0, sh->num_ref_idx_l0_active_minus1, has_chroma));
    if (sh->slice_type == SLICE_B)
        TRY(parse_weights(br, pwt, 1, sh->num_ref_idx_l1_active_minus1, has_chroma));
    sh->has_pred_weight_table = true;
    return 0;
}

/* 7.3.3.3 */
static int parse_dec_ref_pic_marking(struct vkv4l2_bitreader *br,
                                     struct vkv4l2_h264_slice_header *sh)
{
    if (sh->nal_unit_type == 5) {
        TRY(vkv4l2_br_read_flag(br, &sh->no_output_of_prior_pics_flag));
        return vkv4l2_br_read_flag(br, &sh->long_term_reference_flag);
    }
    TRY(vkv4l2_br_read_flag(br, &sh->adaptive_ref_pic_marking_mode_flag));
    if (!sh->adaptive_ref_pic_marking_mode_flag)
        return 0;
    for (;;) {
        uint32_t op;
        TRY(read_ue_max(br, 6, &op));
        if (op == 0)
            return 0;
        if (sh->num_mmco == VKV4L2_H264_MAX_MMCO)
            return -EINVAL;
        struct vkv4l2_h264_mmco *m = &sh->mmco[sh->num_mmco++];
        m->op = op;
        if (op == 1 || op == 3)
            TRY(vkv4l2_br_read_ue(br, &m->difference_of_pic_nums_minus1));
        if (op == 2)
            TRY(vkv4l2_br_read_ue(br, &m->long_term_pic_num));
        if (op == 3 || op == 6)
            TRY(vkv4l2_br_read_ue(br, &m->long_term_frame_idx));
        if (op == 4)
            TRY(vkv4l2_br_read_ue(br, &m->max_long_term_frame_idx_plus1));
    }
}

/* Everything from pic_order_cnt_lsb to the end of the POC syntax, the
 * span V4L2's pic_order_cnt_bit_size measures. */
static int parse_poc(struct vkv4l2_bitreader *br,
                     const StdVideoH264SequenceParameterSet *sps,
                     const StdVideoH264PictureParameterSet *pps,
                     struct vkv4l2_h264_slice_header *sh)
{
    bool bottom_present = pps->flags.bottom_field_pic_order_in_frame_present_flag &&
                          !sh->field_pic_flag;

    if (sps->pic_order_cnt_type == STD_VIDEO_H264_POC_TYPE_0) {
        TRY(vkv4l2_br_read_bits(br, sps->log2_max_pic_order_cnt_lsb_minus4 + 4,
                                &sh->pic_order_cnt_lsb));
        if (bottom_present)
            TRY(vkv4l2_br_read_se(br, &sh->delta_pic_order_cnt_bottom));
    }
    if (sps->pic_order_cnt_type == STD_VIDEO_H264_POC_TYPE_1 &&
        !sps->flags.delta_pic_order_always_zero_flag) {
        TRY(vkv4l2_br_read_se(br, &sh->delta_pic_order_cnt[0]));
        if (bottom_present)
            TRY(vkv4l2_br_read_se(br, &sh->delta_pic_order_cnt[1]));
    }
    return 0;
}

static int check_params(const StdVideoH264SequenceParameterSet *sps,
                        const StdVideoH264PictureParameterSet *pps)
{
    if (!sps || !pps || pps->seq_parameter_set_id != sps->seq_parameter_set_id)
        return -EINVAL;
    if (sps->log2_max_frame_num_minus4 > 12 ||
        sps->log2_max_pic_order_cnt_lsb_minus4 > 12 ||
        (unsigned)sps->pic_order_cnt_type > 2 ||
        (unsigned)sps->chroma_format_idc > 3)
        return -EINVAL;
    return 0;
}

/* From slice_type to the end of dec_ref_pic_marking(): the part that
 * depends on the slice type and reference lists. */
static int parse_ref_part(struct vkv4l2_bitreader *br,
                          const StdVideoH264SequenceParameterSet *sps,
                          const StdVideoH264PictureParameterSet *pps,
                          struct vkv4l2_h264_slice_header *sh)
{
    uint8_t t = sh->slice_type;
    /* 7.4.3: up to 15 for frames, 31 for fields. */
    uint32_t max_idx = sh->field_pic_flag ? 31 : 15;

    if (pps->flags.redundant_pic_cnt_present_flag)
        TRY(read_ue_max(br, 127, &sh->redundant_pic_cnt));
    if (t == SLICE_B)
        TRY(vkv4l2_br_read_flag(br, &sh->direct_spatial_mv_pred_flag));
    if (t == SLICE_P || t == SLICE_SP || t == SLICE_B) {
        sh->num_ref_idx_l0_active_minus1 = pps->num_ref_idx_l0_default_active_minus1;
        if (t == SLICE_B)
            sh->num_ref_idx_l1_active_minus1 = pps->num_ref_idx_l1_default_active_minus1;
        TRY(vkv4l2_br_read_flag(br, &sh->num_ref_idx_active_override_flag));
        if (sh->num_ref_idx_active_override_flag) {
            TRY(read_ue_max(br, max_idx, &sh->num_ref_idx_l0_active_minus1));
            if (t == SLICE_B)
                TRY(read_ue_max(br, max_idx, &sh->num_ref_idx_l1_active_minus1));
        }
        if (sh->num_ref_idx_l0_active_minus1 > max_idx ||
            sh->num_ref_idx_l1_active_minus1 > max_idx)
            return -EINVAL;
    }
    if (t != SLICE_I && t != SLICE_SI)
        TRY(parse_rplm_list(br, sh, 0));
    if (t == SLICE_B)
        TRY(parse_rplm_list(br, sh, 1));
    if ((pps->flags.weighted_pred_flag && (t == SLICE_P || t == SLICE_SP)) ||
        (pps->weighted_bipred_idc == STD_VIDEO_H264_WEIGHTED_BIPRED_IDC_EXPLICIT &&
         t == SLICE_B))
        TRY(parse_pred_weight_table(br, sps, sh));
    if (sh->nal_ref_idc != 0) {
        uint64_t start = vkv4l2_br_position(br);
        TRY(parse_dec_ref_pic_marking(br, sh));
        sh->dec_ref_pic_marking_bit_size = (uint32_t)(vkv4l2_br_position(br) - start);
    }
    return 0;
}

/* From cabac_init_idc to the end of slice_header(). */
static int parse_tail(struct vkv4l2_bitreader *br,
                      const StdVideoH264SequenceParameterSet *sps,
                      const StdVideoH264PictureParameterSet *pps,
                      struct vkv4l2_h264_slice_header *sh)
{
    uint8_t t = sh->slice_type;
    int32_t qp_bd_offset = 6 * sps->bit_depth_luma_minus8;
    int32_t init_qp = 26 + pps->pic_init_qp_minus26;
    int32_t init_qs = 26 + pps->pic_init_qs_minus26;

    if (pps->flags.entropy_coding_mode_flag && t != SLICE_I && t != SLICE_SI)
        TRY(read_ue_max(br, 2, &sh->cabac_init_idc));
    /* SliceQPY = 26 + pic_init_qp_minus26 + slice_qp_delta in
     * -QpBdOffsetY..51 (7.4.3). */
    TRY(read_se_range(br, -qp_bd_offset - init_qp, 51 - init_qp, &sh->slice_qp_delta));
    if (t == SLICE_SP || t == SLICE_SI) {
        if (t == SLICE_SP)
            TRY(vkv4l2_br_read_flag(br, &sh->sp_for_switch_flag));
        TRY(read_se_range(br, -init_qs, 51 - init_qs, &sh->slice_qs_delta));
    }
    if (pps->flags.deblocking_filter_control_present_flag) {
        TRY(read_ue_max(br, 2, &sh->disable_deblocking_filter_idc));
        if (sh->disable_deblocking_filter_idc != 1) {
            TRY(read_se_range(br, -6, 6, &sh->slice_alpha_c0_offset_div2));
            TRY(read_se_range(br, -6, 6, &sh->slice_beta_offset_div2));
        }
    }
    /* slice_group_change_cycle only exists with num_slice_groups_minus1 > 0,
     * which Vulkan's PPS cannot describe. */
    return 0;
}

int vkv4l2_h264_parse_slice_header(const uint8_t *nal, size_t size,
                                   const StdVideoH264SequenceParameterSet *sps,
                                   const StdVideoH264PictureParameterSet *pps,
                                   struct vkv4l2_h264_slice_header *sh)
{
    struct vkv4l2_bitreader br;
    uint32_t v;

    TRY(check_params(sps, pps));
    memset(sh, 0, sizeof(*sh));
    vkv4l2_br_init(&br, nal, size);
    TRY(parse_nal_header(&br, &sh->nal_ref_idc, &sh->nal_unit_type));

    uint32_t frame_height_mbs = (sps->pic_height_in_map_units_minus1 + 1) *
                                (sps->flags.frame_mbs_only_flag ? 1 : 2);
    uint64_t frame_mbs = (uint64_t)(sps->pic_width_in_mbs_minus1 + 1) * frame_height_mbs;
    TRY(vkv4l2_br_read_ue(&br, &sh->first_mb_in_slice));
    if (sh->first_mb_in_slice >= frame_mbs)
        return -EINVAL;
    TRY(read_ue_max(&br, 9, &v));
    sh->slice_type = v % 5;
    /* 7.4.3: an IDR picture has only I or SI slices. */
    if (sh->nal_unit_type == 5 && sh->slice_type != SLICE_I && sh->slice_type != SLICE_SI)
        return -EINVAL;
    TRY(read_ue_max(&br, 255, &v));
    if (v != pps->pic_parameter_set_id)
        return -EINVAL;
    sh->pic_parameter_set_id = v;
    if (sps->flags.separate_colour_plane_flag) {
        TRY(vkv4l2_br_read_bits(&br, 2, &v));
        if (v > 2)
            return -EINVAL;
        sh->colour_plane_id = v;
    }
    TRY(vkv4l2_br_read_bits(&br, sps->log2_max_frame_num_minus4 + 4, &sh->frame_num));
    if (!sps->flags.frame_mbs_only_flag) {
        TRY(vkv4l2_br_read_flag(&br, &sh->field_pic_flag));
        if (sh->field_pic_flag)
            TRY(vkv4l2_br_read_flag(&br, &sh->bottom_field_flag));
    }
    if (sh->nal_unit_type == 5)
        TRY(read_ue_max(&br, 65535, &sh->idr_pic_id));

    uint64_t poc_start = vkv4l2_br_position(&br);
    TRY(parse_poc(&br, sps, pps, sh));
    sh->pic_order_cnt_bit_size = (uint32_t)(vkv4l2_br_position(&br) - poc_start);

    TRY(parse_ref_part(&br, sps, pps, sh));
    TRY(parse_tail(&br, sps, pps, sh));
    sh->header_bit_size = (uint32_t)vkv4l2_br_position(&br);
    sh->header_epb_count = (uint32_t)br.epb_count;
    return 0;
}
