/* H.264 SPS/PPS re-serialisation from V4L2 controls (see emu_h264_rbsp.h). */
#include "emu_h264_rbsp.h"

#include <errno.h>
#include <string.h>

void emu_bw_init(struct emu_bitwriter *bw, uint8_t *buf, size_t cap)
{
    bw->buf = buf;
    bw->cap = cap;
    bw->bits = 0;
    bw->overflow = false;
    memset(buf, 0, cap);
}

void emu_bw_bits(struct emu_bitwriter *bw, uint32_t value, unsigned n)
{
    for (unsigned i = n; i-- > 0;) {
        size_t byte = bw->bits / 8;
        if (byte >= bw->cap) {
            bw->overflow = true;
            return;
        }
        if ((value >> i) & 1)
            bw->buf[byte] |= (uint8_t)(0x80u >> (bw->bits % 8));
        bw->bits++;
    }
}

void emu_bw_ue(struct emu_bitwriter *bw, uint32_t value)
{
    uint64_t v = (uint64_t)value + 1;
    unsigned len = 0;
    while ((v >> len) > 1)
        len++;
    emu_bw_bits(bw, 0, len);
    /* len + 1 bits of v: a leading 1 then the low len bits */
    emu_bw_bits(bw, 1, 1);
    if (len)
        emu_bw_bits(bw, (uint32_t)(v & ((1ull << len) - 1)), len);
}

void emu_bw_se(struct emu_bitwriter *bw, int32_t value)
{
    /* 9.1.1: k > 0 -> 2k - 1, k <= 0 -> -2k */
    uint32_t code = value > 0 ? (uint32_t)value * 2 - 1 : (uint32_t)(-(int64_t)value) * 2;
    emu_bw_ue(bw, code);
}

size_t emu_bw_trailing(struct emu_bitwriter *bw)
{
    emu_bw_bits(bw, 1, 1);
    while (bw->bits % 8)
        emu_bw_bits(bw, 0, 1);
    return bw->bits / 8;
}

static bool high_profile(uint8_t profile_idc)
{
    switch (profile_idc) {
    case 100: case 110: case 122: case 244: case 44: case 83:
    case 86: case 118: case 128: case 138: case 139: case 134: case 135:
        return true;
    }
    return false;
}

void emu_h264_sps_head(struct emu_bitwriter *bw, const struct v4l2_ctrl_h264_sps *sps)
{
    emu_bw_bits(bw, sps->profile_idc, 8);
    /* V4L2 keeps constraint_set0_flag in bit 0; the bitstream sends it first. */
    uint32_t cs = 0;
    for (unsigned i = 0; i < 6; i++)
        if (sps->constraint_set_flags & (1u << i))
            cs |= 0x80u >> i;
    emu_bw_bits(bw, cs, 8);
    emu_bw_bits(bw, sps->level_idc, 8);
    emu_bw_ue(bw, sps->seq_parameter_set_id);
    if (high_profile(sps->profile_idc)) {
        emu_bw_ue(bw, sps->chroma_format_idc);
        if (sps->chroma_format_idc == 3)
            emu_bw_bits(bw, !!(sps->flags & V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE), 1);
        emu_bw_ue(bw, sps->bit_depth_luma_minus8);
        emu_bw_ue(bw, sps->bit_depth_chroma_minus8);
        emu_bw_bits(bw, !!(sps->flags & V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS), 1);
        emu_bw_bits(bw, 0, 1); /* seq_scaling_matrix_present_flag: lists go in the PPS */
    }
    emu_bw_ue(bw, sps->log2_max_frame_num_minus4);
    emu_bw_ue(bw, sps->pic_order_cnt_type);
    if (sps->pic_order_cnt_type == 0) {
        emu_bw_ue(bw, sps->log2_max_pic_order_cnt_lsb_minus4);
    } else if (sps->pic_order_cnt_type == 1) {
        emu_bw_bits(bw, !!(sps->flags & V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO), 1);
        emu_bw_se(bw, sps->offset_for_non_ref_pic);
        emu_bw_se(bw, sps->offset_for_top_to_bottom_field);
        emu_bw_ue(bw, sps->num_ref_frames_in_pic_order_cnt_cycle);
        for (unsigned i = 0; i < sps->num_ref_frames_in_pic_order_cnt_cycle; i++)
            emu_bw_se(bw, sps->offset_for_ref_frame[i]);
    }
    emu_bw_ue(bw, sps->max_num_ref_frames);
    emu_bw_bits(bw, !!(sps->flags & V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED), 1);
    emu_bw_ue(bw, sps->pic_width_in_mbs_minus1);
    emu_bw_ue(bw, sps->pic_height_in_map_units_minus1);
    bool frame_mbs_only = sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY;
    emu_bw_bits(bw, frame_mbs_only, 1);
    if (!frame_mbs_only)
        emu_bw_bits(bw, !!(sps->flags & V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD), 1);
    emu_bw_bits(bw, !!(sps->flags & V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE), 1);
}

int emu_h264_sps_rbsp(const struct v4l2_ctrl_h264_sps *sps, uint8_t *out, size_t cap)
{
    struct emu_bitwriter bw;
    emu_bw_init(&bw, out, cap);
    emu_h264_sps_head(&bw, sps);
    emu_bw_bits(&bw, 0, 1); /* frame_cropping_flag: the CAPTURE buffer is the coded size */
    /* A VUI with only bitstream_restriction, announcing the largest
     * reorder depth: libavcodec otherwise guesses the output delay, grows
     * it mid-stream and drops the picture the replay is looking for. */
    emu_bw_bits(&bw, 1, 1); /* vui_parameters_present_flag */
    emu_bw_bits(&bw, 0, 5); /* aspect_ratio, overscan, video_signal, chroma_loc, timing */
    emu_bw_bits(&bw, 0, 2); /* nal_hrd, vcl_hrd */
    emu_bw_bits(&bw, 0, 1); /* pic_struct_present_flag */
    emu_bw_bits(&bw, 1, 1); /* bitstream_restriction_flag */
    emu_bw_bits(&bw, 1, 1); /* motion_vectors_over_pic_boundaries_flag */
    emu_bw_ue(&bw, 0);      /* max_bytes_per_pic_denom: no limit */
    emu_bw_ue(&bw, 0);      /* max_bits_per_mb_denom: no limit */
    emu_bw_ue(&bw, 16);     /* log2_max_mv_length_horizontal */
    emu_bw_ue(&bw, 16);     /* log2_max_mv_length_vertical */
    emu_bw_ue(&bw, 16);     /* max_num_reorder_frames */
    emu_bw_ue(&bw, 16);     /* max_dec_frame_buffering */
    size_t n = emu_bw_trailing(&bw);
    return bw.overflow ? -ENOSPC : (int)n;
}

/* Raster position of the k-th coefficient in zig-zag (frame) scan. */
static const uint8_t zigzag4x4[16] = {0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15};
static const uint8_t zigzag8x8[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

/* scaling_list() with every value explicit (delta coded in zig-zag order). */
static void write_scaling_list(struct emu_bitwriter *bw, const uint8_t *raster, const uint8_t *scan,
                               unsigned n)
{
    int last = 8;
    for (unsigned k = 0; k < n; k++) {
        int v = raster[scan[k]];
        int delta = (v - last + 256) % 256;
        if (delta > 127)
            delta -= 256;
        emu_bw_se(bw, delta);
        last = v;
    }
}

int emu_h264_pps_rbsp(const struct v4l2_ctrl_h264_pps *pps, const struct v4l2_ctrl_h264_sps *sps,
                      const struct v4l2_ctrl_h264_scaling_matrix *sm, uint8_t *out, size_t cap)
{
    if (pps->num_slice_groups_minus1 != 0)
        return -EINVAL; /* the controls carry no slice group map */
    struct emu_bitwriter bw;
    emu_bw_init(&bw, out, cap);
    emu_bw_ue(&bw, pps->pic_parameter_set_id);
    emu_bw_ue(&bw, pps->seq_parameter_set_id);
    emu_bw_bits(&bw, !!(pps->flags & V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE), 1);
    emu_bw_bits(&bw, !!(pps->flags & V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT), 1);
    emu_bw_ue(&bw, 0); /* num_slice_groups_minus1 */
    emu_bw_ue(&bw, pps->num_ref_idx_l0_default_active_minus1);
    emu_bw_ue(&bw, pps->num_ref_idx_l1_default_active_minus1);
    emu_bw_bits(&bw, !!(pps->flags & V4L2_H264_PPS_FLAG_WEIGHTED_PRED), 1);
    emu_bw_bits(&bw, pps->weighted_bipred_idc, 2);
    emu_bw_se(&bw, pps->pic_init_qp_minus26);
    emu_bw_se(&bw, pps->pic_init_qs_minus26);
    emu_bw_se(&bw, pps->chroma_qp_index_offset);
    emu_bw_bits(&bw, !!(pps->flags & V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT), 1);
    emu_bw_bits(&bw, !!(pps->flags & V4L2_H264_PPS_FLAG_CONSTRAINED_INTRA_PRED), 1);
    emu_bw_bits(&bw, !!(pps->flags & V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT), 1);
    bool t8x8 = pps->flags & V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE;
    bool matrix = pps->flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT;
    if (t8x8 || matrix || pps->second_chroma_qp_index_offset != pps->chroma_qp_index_offset) {
        emu_bw_bits(&bw, t8x8, 1);
        emu_bw_bits(&bw, matrix, 1);
        if (matrix) {
            /* Control order: 4x4 Intra Y/Cb/Cr, Inter Y/Cb/Cr (= syntax
             * order); 8x8 Intra Y, Inter Y, Intra Cb, Inter Cb, ... (= syntax
             * order for i = 6..11). */
            for (unsigned i = 0; i < 6; i++) {
                emu_bw_bits(&bw, 1, 1);
                write_scaling_list(&bw, sm->scaling_list_4x4[i], zigzag4x4, 16);
            }
            unsigned n8 = t8x8 ? (sps->chroma_format_idc == 3 ? 6 : 2) : 0;
            for (unsigned i = 0; i < n8; i++) {
                emu_bw_bits(&bw, 1, 1);
                write_scaling_list(&bw, sm->scaling_list_8x8[i], zigzag8x8, 64);
            }
        }
        emu_bw_se(&bw, pps->second_chroma_qp_index_offset);
    }
    size_t n = emu_bw_trailing(&bw);
    return bw.overflow ? -ENOSPC : (int)n;
}

int emu_h264_nal(uint8_t header, const uint8_t *rbsp, size_t len, uint8_t *out, size_t cap)
{
    size_t o = 0;
    static const uint8_t start[4] = {0, 0, 0, 1};
    if (cap < 5)
        return -ENOSPC;
    memcpy(out, start, 4);
    out[4] = header;
    o = 5;
    unsigned zeros = 0;
    for (size_t i = 0; i < len; i++) {
        /* 7.4.1: 00 00 followed by 00..03 gets an emulation_prevention_three_byte */
        if (zeros >= 2 && rbsp[i] <= 3) {
            if (o >= cap)
                return -ENOSPC;
            out[o++] = 3;
            zeros = 0;
        }
        if (o >= cap)
            return -ENOSPC;
        out[o++] = rbsp[i];
        zeros = rbsp[i] == 0 ? zeros + 1 : 0;
    }
    return (int)o;
}
