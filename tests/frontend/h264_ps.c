#include "h264_ps.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bitreader.h"

/* Default scaling lists (Tables 7-3, 7-4), in bitstream (zig-zag) order. */
static const uint8_t default_4x4[2][16] = {
    { 6, 13, 13, 20, 20, 20, 28, 28, 28, 28, 32, 32, 32, 37, 37, 42 },
    { 10, 14, 14, 20, 20, 20, 24, 24, 24, 24, 27, 27, 27, 30, 30, 34 },
};
static const uint8_t default_8x8[2][64] = {
    { 6, 10, 10, 13, 11, 13, 16, 16, 16, 16, 18, 18, 18, 18, 18, 23,
      23, 23, 23, 23, 23, 25, 25, 25, 25, 25, 25, 25, 27, 27, 27, 27,
      27, 27, 27, 27, 29, 29, 29, 29, 29, 29, 29, 31, 31, 31, 31, 31,
      31, 33, 33, 33, 33, 33, 36, 36, 36, 36, 38, 38, 38, 40, 40, 42 },
    { 9, 13, 13, 15, 13, 15, 17, 17, 17, 17, 19, 19, 19, 19, 19, 21,
      21, 21, 21, 21, 21, 22, 22, 22, 22, 22, 22, 22, 24, 24, 24, 24,
      24, 24, 24, 24, 25, 25, 25, 25, 25, 25, 25, 27, 27, 27, 27, 27,
      27, 28, 28, 28, 28, 28, 30, 30, 30, 30, 32, 32, 32, 33, 33, 35 },
};

/* Table E-1: sample aspect ratios of aspect_ratio_idc 0..16 (FFmpeg hands
 * the table value, not the coded one, to Vulkan). */
static const uint16_t sar_table[17][2] = {
    { 0, 1 }, { 1, 1 }, { 12, 11 }, { 10, 11 }, { 16, 11 }, { 40, 33 },
    { 24, 11 }, { 20, 11 }, { 32, 11 }, { 80, 33 }, { 18, 11 }, { 15, 11 },
    { 64, 33 }, { 160, 99 }, { 4, 3 }, { 3, 2 }, { 2, 1 },
};

/* Table A-1: level_idc -> MaxDpbMbs, and the Vulkan level enum. */
static const struct {
    uint8_t level_idc;
    uint32_t max_dpb_mbs;
    StdVideoH264LevelIdc vk;
} levels[] = {
    { 10, 396, STD_VIDEO_H264_LEVEL_IDC_1_0 },
    { 11, 900, STD_VIDEO_H264_LEVEL_IDC_1_1 },
    { 12, 2376, STD_VIDEO_H264_LEVEL_IDC_1_2 },
    { 13, 2376, STD_VIDEO_H264_LEVEL_IDC_1_3 },
    { 20, 2376, STD_VIDEO_H264_LEVEL_IDC_2_0 },
    { 21, 4752, STD_VIDEO_H264_LEVEL_IDC_2_1 },
    { 22, 8100, STD_VIDEO_H264_LEVEL_IDC_2_2 },
    { 30, 8100, STD_VIDEO_H264_LEVEL_IDC_3_0 },
    { 31, 18000, STD_VIDEO_H264_LEVEL_IDC_3_1 },
    { 32, 20480, STD_VIDEO_H264_LEVEL_IDC_3_2 },
    { 40, 32768, STD_VIDEO_H264_LEVEL_IDC_4_0 },
    { 41, 32768, STD_VIDEO_H264_LEVEL_IDC_4_1 },
    { 42, 34816, STD_VIDEO_H264_LEVEL_IDC_4_2 },
    { 50, 110400, STD_VIDEO_H264_LEVEL_IDC_5_0 },
    { 51, 184320, STD_VIDEO_H264_LEVEL_IDC_5_1 },
    { 52, 184320, STD_VIDEO_H264_LEVEL_IDC_5_2 },
    { 60, 696320, STD_VIDEO_H264_LEVEL_IDC_6_0 },
    { 61, 696320, STD_VIDEO_H264_LEVEL_IDC_6_1 },
    { 62, 696320, STD_VIDEO_H264_LEVEL_IDC_6_2 },
};

void fe_sps_fixup(struct fe_sps *sps)
{
    sps->std.pOffsetForRefFrame = sps->offset_for_ref_frame;
    sps->std.pScalingLists = &sps->scaling;
    sps->std.pSequenceParameterSetVui = &sps->vui;
    sps->vui.pHrdParameters = &sps->hrd;
}

void fe_pps_fixup(struct fe_pps *pps)
{
    pps->std.pScalingLists = &pps->scaling;
}

/* scaling_list() of 7.3.2.1.1.1 with the fall-back rules: a list not coded
 * is `fallback`, a list coded as "use default" is `deflt`. */
static void parse_scaling_list(struct fe_bits *b, uint8_t *list, unsigned size,
                               const uint8_t *deflt, const uint8_t *fallback,
                               uint16_t *present_mask, unsigned index)
{
    if (!fe_bits_flag(b)) {
        memcpy(list, fallback, size);
        return;
    }
    *present_mask |= (uint16_t)(1u << index);
    int last = 8, next = 8;
    for (unsigned j = 0; j < size; j++) {
        if (next != 0) {
            next = (last + fe_bits_se(b) + 256) % 256;
            if (j == 0 && next == 0) {
                memcpy(list, deflt, size);
                return;
            }
        }
        list[j] = (uint8_t)(next == 0 ? last : next);
        last = list[j];
    }
}

/* The 6 (+2 or +6) lists of an SPS or PPS.  `base` is Fall-back rule A's
 * defaults or rule B's SPS lists for lists 0, 3, 6 and 7. */
static void parse_scaling_matrices(struct fe_bits *b, StdVideoH264ScalingLists *s,
                                   const StdVideoH264ScalingLists *base,
                                   unsigned num_8x8)
{
    s->scaling_list_present_mask = 0;
    s->use_default_scaling_matrix_mask = 0;
    for (unsigned i = 0; i < 6; i++) {
        const uint8_t *fb = i == 0 || i == 3 ? base->ScalingList4x4[i]
                                             : s->ScalingList4x4[i - 1];
        parse_scaling_list(b, s->ScalingList4x4[i], 16, default_4x4[i / 3], fb,
                           &s->scaling_list_present_mask, i);
    }
    for (unsigned i = 0; i < num_8x8; i++) {
        const uint8_t *fb = i < 2 ? base->ScalingList8x8[i] : s->ScalingList8x8[i - 2];
        parse_scaling_list(b, s->ScalingList8x8[i], 64, default_8x8[i % 2], fb,
                           &s->scaling_list_present_mask, 6 + i);
    }
}

static StdVideoH264ScalingLists defaults_as_base(void)
{
    StdVideoH264ScalingLists d = { 0 };
    for (unsigned i = 0; i < 6; i++)
        memcpy(d.ScalingList4x4[i], default_4x4[i / 3], 16);
    for (unsigned i = 0; i < 6; i++)
        memcpy(d.ScalingList8x8[i], default_8x8[i % 2], 64);
    return d;
}

static void parse_hrd(struct fe_bits *b, StdVideoH264HrdParameters *h)
{
    memset(h, 0, sizeof(*h));
    uint32_t cpb_cnt_minus1 = fe_bits_ue(b);
    if (cpb_cnt_minus1 >= STD_VIDEO_H264_CPB_CNT_LIST_SIZE) {
        b->overrun = true;
        return;
    }
    h->cpb_cnt_minus1 = (uint8_t)cpb_cnt_minus1;
    h->bit_rate_scale = (uint8_t)fe_bits_u(b, 4);
    h->cpb_size_scale = (uint8_t)fe_bits_u(b, 4);
    for (uint32_t i = 0; i <= cpb_cnt_minus1; i++) {
        h->bit_rate_value_minus1[i] = fe_bits_ue(b);
        h->cpb_size_value_minus1[i] = fe_bits_ue(b);
        h->cbr_flag[i] = fe_bits_flag(b);
    }
    h->initial_cpb_removal_delay_length_minus1 = fe_bits_u(b, 5);
    h->cpb_removal_delay_length_minus1 = fe_bits_u(b, 5);
    h->dpb_output_delay_length_minus1 = fe_bits_u(b, 5);
    h->time_offset_length = fe_bits_u(b, 5);
}

static int parse_vui(struct fe_bits *b, struct fe_sps *sps)
{
    StdVideoH264SequenceParameterSetVui *v = &sps->vui;
    StdVideoH264SpsVuiFlags *f = &v->flags;

    v->sar_width = 0;
    v->sar_height = 1;
    f->aspect_ratio_info_present_flag = fe_bits_flag(b);
    if (f->aspect_ratio_info_present_flag) {
        uint32_t idc = fe_bits_u(b, 8);
        v->aspect_ratio_idc = (StdVideoH264AspectRatioIdc)idc;
        if (idc == 255) {
            v->sar_width = (uint16_t)fe_bits_u(b, 16);
            v->sar_height = (uint16_t)fe_bits_u(b, 16);
        } else if (idc < 17) {
            v->sar_width = sar_table[idc][0];
            v->sar_height = sar_table[idc][1];
        } else {
            return -EINVAL;
        }
    }
    f->overscan_info_present_flag = fe_bits_flag(b);
    if (f->overscan_info_present_flag)
        f->overscan_appropriate_flag = fe_bits_flag(b);
    v->video_format = 5;
    v->colour_primaries = v->transfer_characteristics = v->matrix_coefficients = 2;
    f->video_signal_type_present_flag = fe_bits_flag(b);
    if (f->video_signal_type_present_flag) {
        v->video_format = (uint8_t)fe_bits_u(b, 3);
        f->video_full_range_flag = fe_bits_flag(b);
        f->color_description_present_flag = fe_bits_flag(b);
        if (f->color_description_present_flag) {
            v->colour_primaries = (uint8_t)fe_bits_u(b, 8);
            v->transfer_characteristics = (uint8_t)fe_bits_u(b, 8);
            v->matrix_coefficients = (uint8_t)fe_bits_u(b, 8);
        }
    }
    f->chroma_loc_info_present_flag = fe_bits_flag(b);
    if (f->chroma_loc_info_present_flag) {
        v->chroma_sample_loc_type_top_field = (uint8_t)fe_bits_ue(b);
        v->chroma_sample_loc_type_bottom_field = (uint8_t)fe_bits_ue(b);
    }
    f->timing_info_present_flag = fe_bits_flag(b);
    if (f->timing_info_present_flag) {
        v->num_units_in_tick = fe_bits_u(b, 32);
        v->time_scale = fe_bits_u(b, 32);
        f->fixed_frame_rate_flag = fe_bits_flag(b);
    }
    /* One HRD struct in Vulkan: like FFmpeg, the VCL set overwrites the
     * NAL set when both are present. */
    f->nal_hrd_parameters_present_flag = fe_bits_flag(b);
    if (f->nal_hrd_parameters_present_flag)
        parse_hrd(b, &sps->hrd);
    f->vcl_hrd_parameters_present_flag = fe_bits_flag(b);
    if (f->vcl_hrd_parameters_present_flag)
        parse_hrd(b, &sps->hrd);
    if (f->nal_hrd_parameters_present_flag || f->vcl_hrd_parameters_present_flag)
        fe_bits_flag(b); /* low_delay_hrd_flag */
    fe_bits_flag(b);     /* pic_struct_present_flag */
    f->bitstream_restriction_flag = fe_bits_flag(b);
    if (f->bitstream_restriction_flag) {
        fe_bits_flag(b); /* motion_vectors_over_pic_boundaries_flag */
        fe_bits_ue(b);   /* max_bytes_per_pic_denom */
        fe_bits_ue(b);   /* max_bits_per_mb_denom */
        fe_bits_ue(b);   /* log2_max_mv_length_horizontal */
        fe_bits_ue(b);   /* log2_max_mv_length_vertical */
        uint32_t reorder = fe_bits_ue(b);
        uint32_t dec_buffering = fe_bits_ue(b);
        if (reorder > 16 || dec_buffering > 16)
            return -EINVAL;
        v->max_num_reorder_frames = (uint8_t)reorder;
        v->max_dec_frame_buffering = (uint8_t)dec_buffering;
    }
    return b->overrun ? -EINVAL : 0;
}

static uint32_t level_max_dpb_mbs(uint32_t level_idc)
{
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (levels[i].level_idc == level_idc)
            return levels[i].max_dpb_mbs;
    return 0;
}

static StdVideoH264LevelIdc level_to_vk(uint32_t level_idc)
{
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (levels[i].level_idc == level_idc)
            return levels[i].vk;
    return STD_VIDEO_H264_LEVEL_IDC_6_2; /* FFmpeg's default */
}

static bool profile_has_chroma_info(uint32_t profile_idc)
{
    static const uint8_t p[] = { 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 144 };
    for (size_t i = 0; i < sizeof(p); i++)
        if (p[i] == profile_idc)
            return true;
    return false;
}

/* Sizes, cropping and the DPB capacity, derived once for the consumers. */
static int derive_sps(struct fe_sps *sps, uint32_t level_idc)
{
    StdVideoH264SequenceParameterSet *s = &sps->std;
    uint32_t w_mbs = s->pic_width_in_mbs_minus1 + 1;
    uint32_t h_mbs = (s->pic_height_in_map_units_minus1 + 1) * (2 - s->flags.frame_mbs_only_flag);
    uint32_t crop_x = s->chroma_format_idc == 1 || s->chroma_format_idc == 2 ? 2 : 1;
    uint32_t crop_y = (s->chroma_format_idc == 1 ? 2 : 1) * (2 - s->flags.frame_mbs_only_flag);

    if (w_mbs > 1024 || h_mbs > 1024)
        return -EINVAL;
    sps->width = w_mbs * 16;
    sps->height = h_mbs * 16;
    if ((uint64_t)(sps->crop_raw[0] + sps->crop_raw[1]) * crop_x >= sps->width ||
        (uint64_t)(sps->crop_raw[2] + sps->crop_raw[3]) * crop_y >= sps->height)
        return -EINVAL;
    s->frame_crop_left_offset = sps->crop_raw[0] * crop_x;
    s->frame_crop_right_offset = sps->crop_raw[1] * crop_x;
    s->frame_crop_top_offset = sps->crop_raw[2] * crop_y;
    s->frame_crop_bottom_offset = sps->crop_raw[3] * crop_y;
    sps->display_width = sps->width - s->frame_crop_left_offset - s->frame_crop_right_offset;
    sps->display_height = sps->height - s->frame_crop_top_offset - s->frame_crop_bottom_offset;

    uint32_t max_dpb_mbs = level_max_dpb_mbs(level_idc);
    uint32_t level_frames = max_dpb_mbs ? max_dpb_mbs / (w_mbs * h_mbs) : 16;
    if (level_frames > 16)
        level_frames = 16;
    if (!sps->vui.flags.bitstream_restriction_flag && s->max_num_ref_frames)
        sps->vui.max_num_reorder_frames = (uint8_t)(level_frames < 15 ? level_frames : 15);

    sps->dpb_frames = sps->vui.flags.bitstream_restriction_flag
                          ? sps->vui.max_dec_frame_buffering : level_frames;
    if (sps->dpb_frames < s->max_num_ref_frames)
        sps->dpb_frames = s->max_num_ref_frames;
    if (sps->dpb_frames < 1)
        sps->dpb_frames = 1;
    if (sps->dpb_frames > 16)
        sps->dpb_frames = 16;
    return 0;
}

static int parse_sps_rbsp(struct fe_bits *b, struct fe_sps *sps)
{
    StdVideoH264SequenceParameterSet *s = &sps->std;

    fe_bits_u(b, 8); /* NAL header */
    uint32_t profile_idc = fe_bits_u(b, 8);
    s->profile_idc = (StdVideoH264ProfileIdc)profile_idc;
    s->flags.constraint_set0_flag = fe_bits_flag(b);
    s->flags.constraint_set1_flag = fe_bits_flag(b);
    s->flags.constraint_set2_flag = fe_bits_flag(b);
    s->flags.constraint_set3_flag = fe_bits_flag(b);
    s->flags.constraint_set4_flag = fe_bits_flag(b);
    s->flags.constraint_set5_flag = fe_bits_flag(b);
    fe_bits_u(b, 2);
    uint32_t level_idc = fe_bits_u(b, 8);
    s->level_idc = level_to_vk(level_idc);
    uint32_t id = fe_bits_ue(b);
    if (id >= FE_MAX_SPS)
        return -EINVAL;
    s->seq_parameter_set_id = (uint8_t)id;

    /* Flat 16 unless coded: what FFmpeg passes when no matrix is present. */
    memset(&sps->scaling, 16, sizeof(sps->scaling));
    sps->scaling.scaling_list_present_mask = 0;
    sps->scaling.use_default_scaling_matrix_mask = 0;
    s->chroma_format_idc = STD_VIDEO_H264_CHROMA_FORMAT_IDC_420;
    if (profile_has_chroma_info(profile_idc)) {
        uint32_t cf = fe_bits_ue(b);
        if (cf > 3)
            return -EINVAL;
        s->chroma_format_idc = (StdVideoH264ChromaFormatIdc)cf;
        if (cf == 3 && (s->flags.separate_colour_plane_flag = fe_bits_flag(b)))
            return -EINVAL;
        uint32_t luma = fe_bits_ue(b), chroma = fe_bits_ue(b);
        if (luma > 6 || chroma > 6)
            return -EINVAL;
        s->bit_depth_luma_minus8 = (uint8_t)luma;
        s->bit_depth_chroma_minus8 = (uint8_t)chroma;
        s->flags.qpprime_y_zero_transform_bypass_flag = fe_bits_flag(b);
        s->flags.seq_scaling_matrix_present_flag = fe_bits_flag(b);
        if (s->flags.seq_scaling_matrix_present_flag) {
            StdVideoH264ScalingLists base = defaults_as_base();
            parse_scaling_matrices(b, &sps->scaling, &base, cf == 3 ? 6 : 2);
        }
    }
    uint32_t log2_max_frame_num_minus4 = fe_bits_ue(b);
    if (log2_max_frame_num_minus4 > 12)
        return -EINVAL;
    s->log2_max_frame_num_minus4 = (uint8_t)log2_max_frame_num_minus4;
    uint32_t poc_type = fe_bits_ue(b);
    s->pic_order_cnt_type = (StdVideoH264PocType)poc_type;
    if (poc_type == 0) {
        uint32_t lsb = fe_bits_ue(b);
        if (lsb > 12)
            return -EINVAL;
        s->log2_max_pic_order_cnt_lsb_minus4 = (uint8_t)lsb;
    } else if (poc_type == 1) {
        s->flags.delta_pic_order_always_zero_flag = fe_bits_flag(b);
        s->offset_for_non_ref_pic = fe_bits_se(b);
        s->offset_for_top_to_bottom_field = fe_bits_se(b);
        uint32_t n = fe_bits_ue(b);
        if (n > 255)
            return -EINVAL;
        s->num_ref_frames_in_pic_order_cnt_cycle = (uint8_t)n;
        for (uint32_t i = 0; i < n; i++)
            sps->offset_for_ref_frame[i] = fe_bits_se(b);
    } else if (poc_type != 2) {
        return -EINVAL;
    }
    uint32_t max_refs = fe_bits_ue(b);
    if (max_refs > 16)
        return -EINVAL;
    s->max_num_ref_frames = (uint8_t)max_refs;
    s->flags.gaps_in_frame_num_value_allowed_flag = fe_bits_flag(b);
    s->pic_width_in_mbs_minus1 = fe_bits_ue(b);
    s->pic_height_in_map_units_minus1 = fe_bits_ue(b);
    s->flags.frame_mbs_only_flag = fe_bits_flag(b);
    if (!s->flags.frame_mbs_only_flag)
        s->flags.mb_adaptive_frame_field_flag = fe_bits_flag(b);
    s->flags.direct_8x8_inference_flag = fe_bits_flag(b);
    s->flags.frame_cropping_flag = fe_bits_flag(b);
    if (s->flags.frame_cropping_flag)
        for (unsigned i = 0; i < 4; i++)
            sps->crop_raw[i] = fe_bits_ue(b);
    s->flags.vui_parameters_present_flag = fe_bits_flag(b);
    if (s->flags.vui_parameters_present_flag) {
        int ret = parse_vui(b, sps);
        if (ret)
            return ret;
    }
    if (b->overrun)
        return -EINVAL;
    return derive_sps(sps, level_idc);
}

int fe_parse_sps(const uint8_t *nal, size_t size, struct fe_sps *out)
{
    uint8_t *rbsp = malloc(size ? size : 1);
    struct fe_bits b;

    if (!rbsp)
        return -ENOMEM;
    fe_bits_init(&b, rbsp, fe_rbsp_unescape(nal, size, rbsp));
    memset(out, 0, sizeof(*out));
    int ret = parse_sps_rbsp(&b, out);
    free(rbsp);
    fe_sps_fixup(out);
    return ret;
}

static int parse_pps_rbsp(struct fe_bits *b, const struct fe_sps *const sps_table[FE_MAX_SPS],
                          struct fe_pps *pps)
{
    StdVideoH264PictureParameterSet *p = &pps->std;

    fe_bits_u(b, 8); /* NAL header */
    uint32_t id = fe_bits_ue(b), sps_id = fe_bits_ue(b);
    if (id >= FE_MAX_PPS || sps_id >= FE_MAX_SPS)
        return -EINVAL;
    const struct fe_sps *sps = sps_table[sps_id];
    if (!sps)
        return -ENOENT;
    p->pic_parameter_set_id = (uint8_t)id;
    p->seq_parameter_set_id = (uint8_t)sps_id;
    p->flags.entropy_coding_mode_flag = fe_bits_flag(b);
    p->flags.bottom_field_pic_order_in_frame_present_flag = fe_bits_flag(b);
    if (fe_bits_ue(b) != 0) /* num_slice_groups_minus1: FMO, as FFmpeg refuses */
        return -EINVAL;
    uint32_t l0 = fe_bits_ue(b), l1 = fe_bits_ue(b);
    if (l0 > 31 || l1 > 31)
        return -EINVAL;
    p->num_ref_idx_l0_default_active_minus1 = (uint8_t)l0;
    p->num_ref_idx_l1_default_active_minus1 = (uint8_t)l1;
    p->flags.weighted_pred_flag = fe_bits_flag(b);
    p->weighted_bipred_idc = (StdVideoH264WeightedBipredIdc)fe_bits_u(b, 2);
    /* FFmpeg's init_qp includes QpBdOffset and hands init_qp - 26. */
    int32_t qp_bd_offset = 6 * sps->std.bit_depth_luma_minus8;
    int32_t qp = fe_bits_se(b), qs = fe_bits_se(b), cqp = fe_bits_se(b);
    if (qp < -26 - qp_bd_offset || qp > 25 || qs < -26 || qs > 25 || cqp < -12 || cqp > 12)
        return -EINVAL;
    p->pic_init_qp_minus26 = (int8_t)(qp + qp_bd_offset);
    p->pic_init_qs_minus26 = (int8_t)(qs + qp_bd_offset);
    p->chroma_qp_index_offset = (int8_t)cqp;
    p->second_chroma_qp_index_offset = (int8_t)cqp;
    p->flags.deblocking_filter_control_present_flag = fe_bits_flag(b);
    p->flags.constrained_intra_pred_flag = fe_bits_flag(b);
    p->flags.redundant_pic_cnt_present_flag = fe_bits_flag(b);

    pps->scaling = sps->scaling;
    pps->scaling.scaling_list_present_mask = 0;
    /* FFmpeg ignores trailing PPS data of constrained baseline/main/extended
     * streams (some encoders pad there). */
    bool constrained = (sps->std.profile_idc == 66 || sps->std.profile_idc == 77 ||
                        sps->std.profile_idc == 88) &&
                       (sps->std.flags.constraint_set0_flag || sps->std.flags.constraint_set1_flag ||
                        sps->std.flags.constraint_set2_flag);
    if (fe_bits_more_rbsp_data(b) && !constrained) {
        p->flags.transform_8x8_mode_flag = fe_bits_flag(b);
        p->flags.pic_scaling_matrix_present_flag = fe_bits_flag(b);
        if (p->flags.pic_scaling_matrix_present_flag) {
            /* Fall-back rule A (defaults) or B (the SPS lists). */
            StdVideoH264ScalingLists base = sps->std.flags.seq_scaling_matrix_present_flag
                                                ? sps->scaling : defaults_as_base();
            unsigned num_8x8 = p->flags.transform_8x8_mode_flag
                                   ? (sps->std.chroma_format_idc == 3 ? 6 : 2) : 0;
            parse_scaling_matrices(b, &pps->scaling, &base, num_8x8);
        }
        cqp = fe_bits_se(b);
        if (cqp < -12 || cqp > 12)
            return -EINVAL;
        p->second_chroma_qp_index_offset = (int8_t)cqp;
    }
    return b->overrun ? -EINVAL : 0;
}

int fe_parse_pps(const uint8_t *nal, size_t size,
                 const struct fe_sps *const sps_table[FE_MAX_SPS], struct fe_pps *out)
{
    uint8_t *rbsp = malloc(size ? size : 1);
    struct fe_bits b;

    if (!rbsp)
        return -ENOMEM;
    fe_bits_init(&b, rbsp, fe_rbsp_unescape(nal, size, rbsp));
    memset(out, 0, sizeof(*out));
    int ret = parse_pps_rbsp(&b, sps_table, out);
    free(rbsp);
    fe_pps_fixup(out);
    return ret;
}
