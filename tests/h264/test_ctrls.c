/* Unit tests of the StdVideo -> V4L2 H.264 control builders on hand-built
 * structs.  Each expectation follows from a rule of the spec or the V4L2
 * uAPI, stated next to it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "h264/h264_ctrls.h"

static int failures;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                    \
        }                                                                  \
    } while (0)

static StdVideoH264SequenceParameterSet high_sps(void)
{
    StdVideoH264SequenceParameterSet s = {
        .profile_idc = STD_VIDEO_H264_PROFILE_IDC_HIGH,
        .level_idc = STD_VIDEO_H264_LEVEL_IDC_3_1,
        .chroma_format_idc = STD_VIDEO_H264_CHROMA_FORMAT_IDC_420,
        .seq_parameter_set_id = 3,
        .log2_max_frame_num_minus4 = 2, /* MaxFrameNum 64 */
        .pic_order_cnt_type = STD_VIDEO_H264_POC_TYPE_0,
        .log2_max_pic_order_cnt_lsb_minus4 = 5,
        .max_num_ref_frames = 4,
        .pic_width_in_mbs_minus1 = 119,
        .pic_height_in_map_units_minus1 = 67,
        /* type-1 fields with junk: must not leak into a type-0 SPS */
        .offset_for_non_ref_pic = 7,
        .num_ref_frames_in_pic_order_cnt_cycle = 2,
    };
    s.flags.constraint_set1_flag = 1;
    s.flags.constraint_set3_flag = 1;
    s.flags.frame_mbs_only_flag = 1;
    s.flags.mb_adaptive_frame_field_flag = 1; /* meaningless with frame_mbs_only */
    s.flags.direct_8x8_inference_flag = 1;
    s.flags.gaps_in_frame_num_value_allowed_flag = 1;
    return s;
}

static void test_sps(void)
{
    StdVideoH264SequenceParameterSet s = high_sps();
    struct v4l2_ctrl_h264_sps v;

    CHECK(vkv4l2_h264_fill_sps(&s, &v) == 0);
    CHECK(v.profile_idc == 100);
    /* constraint_setN_flag is bit N (V4L2_H264_SPS_CONSTRAINT_SETN_FLAG). */
    CHECK(v.constraint_set_flags == (0x02 | 0x08));
    /* level_idc is 10 x the level number (A.3, Table A-1). */
    CHECK(v.level_idc == 31);
    CHECK(v.seq_parameter_set_id == 3);
    CHECK(v.chroma_format_idc == 1);
    CHECK(v.log2_max_frame_num_minus4 == 2);
    CHECK(v.pic_order_cnt_type == 0);
    CHECK(v.log2_max_pic_order_cnt_lsb_minus4 == 5);
    CHECK(v.max_num_ref_frames == 4);
    CHECK(v.num_ref_frames_in_pic_order_cnt_cycle == 0 && v.offset_for_non_ref_pic == 0);
    CHECK(v.pic_width_in_mbs_minus1 == 119 && v.pic_height_in_map_units_minus1 == 67);
    /* mb_adaptive_frame_field_flag is only coded when !frame_mbs_only. */
    CHECK(v.flags == (V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY | V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE |
                      V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED));

    /* Every level enum maps to its number. */
    const int levels[] = { 10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62 };
    for (int i = 0; i <= STD_VIDEO_H264_LEVEL_IDC_6_2; i++)
        CHECK(vkv4l2_h264_level_idc((StdVideoH264LevelIdc)i) == levels[i]);
    CHECK(vkv4l2_h264_level_idc(STD_VIDEO_H264_LEVEL_IDC_INVALID) == -EINVAL);

    /* POC type 1: its fields and the offset list are copied, the type-0
     * lsb length is not coded. */
    const int32_t offsets[3] = { -4, 9, 1 << 20 };
    s = high_sps();
    s.pic_order_cnt_type = STD_VIDEO_H264_POC_TYPE_1;
    s.flags.delta_pic_order_always_zero_flag = 1;
    s.offset_for_non_ref_pic = -2;
    s.offset_for_top_to_bottom_field = 5;
    s.num_ref_frames_in_pic_order_cnt_cycle = 3;
    s.pOffsetForRefFrame = offsets;
    s.flags.frame_mbs_only_flag = 0;
    CHECK(vkv4l2_h264_fill_sps(&s, &v) == 0);
    CHECK(v.pic_order_cnt_type == 1 && v.log2_max_pic_order_cnt_lsb_minus4 == 0);
    CHECK(v.offset_for_non_ref_pic == -2 && v.offset_for_top_to_bottom_field == 5);
    CHECK(v.num_ref_frames_in_pic_order_cnt_cycle == 3);
    CHECK(v.offset_for_ref_frame[0] == -4 && v.offset_for_ref_frame[1] == 9 &&
          v.offset_for_ref_frame[2] == (1 << 20) && v.offset_for_ref_frame[3] == 0);
    CHECK(v.flags == (V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD | V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE |
                      V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED |
                      V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO));
    s.pOffsetForRefFrame = NULL;
    CHECK(vkv4l2_h264_fill_sps(&s, &v) == -EINVAL);

    /* Main profile does not code chroma_format_idc / bit depth: 4:2:0
     * 8-bit is inferred (7.4.2.1.1) whatever the struct says. */
    s = high_sps();
    s.profile_idc = STD_VIDEO_H264_PROFILE_IDC_MAIN;
    s.bit_depth_luma_minus8 = 2;
    s.flags.qpprime_y_zero_transform_bypass_flag = 1;
    CHECK(vkv4l2_h264_fill_sps(&s, &v) == 0);
    CHECK(v.profile_idc == 77 && v.chroma_format_idc == 1 && v.bit_depth_luma_minus8 == 0);
    CHECK(!(v.flags & V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS));

    /* High 4:4:4 keeps 4:4:4, 10-bit and the separate colour planes. */
    s = high_sps();
    s.profile_idc = STD_VIDEO_H264_PROFILE_IDC_HIGH_444_PREDICTIVE;
    s.chroma_format_idc = STD_VIDEO_H264_CHROMA_FORMAT_IDC_444;
    s.bit_depth_luma_minus8 = s.bit_depth_chroma_minus8 = 2;
    s.flags.separate_colour_plane_flag = 1;
    CHECK(vkv4l2_h264_fill_sps(&s, &v) == 0);
    CHECK(v.chroma_format_idc == 3 && v.bit_depth_luma_minus8 == 2 && v.bit_depth_chroma_minus8 == 2);
    CHECK(v.flags & V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE);

    /* Rejections (std_validate_compound / 7.4.2.1.1 ranges). */
    s = high_sps();
    s.chroma_format_idc = STD_VIDEO_H264_CHROMA_FORMAT_IDC_422; /* High < 122 */
    CHECK(vkv4l2_h264_fill_sps(&s, &v) == -EINVAL);
    s = high_sps();
    s.bit_depth_luma_minus8 = 7;
    CHECK(vkv4l2_h264_fill_sps(&s, &v) == -EINVAL);
    s = high_sps();
    s.log2_max_frame_num_minus4 = 13;
    CHECK(vkv4l2_h264_fill_sps(&s, &v) == -EINVAL);
    s = high_sps();
    s.level_idc = STD_VIDEO_H264_LEVEL_IDC_INVALID;
    CHECK(vkv4l2_h264_fill_sps(&s, &v) == -EINVAL);
    s = high_sps();
    s.pic_order_cnt_type = STD_VIDEO_H264_POC_TYPE_INVALID;
    CHECK(vkv4l2_h264_fill_sps(&s, &v) == -EINVAL);
}

static StdVideoH264PictureParameterSet base_pps(void)
{
    StdVideoH264PictureParameterSet p = {
        .seq_parameter_set_id = 3,
        .pic_parameter_set_id = 9,
        .num_ref_idx_l0_default_active_minus1 = 2,
        .num_ref_idx_l1_default_active_minus1 = 1,
        .weighted_bipred_idc = STD_VIDEO_H264_WEIGHTED_BIPRED_IDC_IMPLICIT,
        .pic_init_qp_minus26 = -3,
        .pic_init_qs_minus26 = 4,
        .chroma_qp_index_offset = -2,
        .second_chroma_qp_index_offset = 5,
    };
    p.flags.entropy_coding_mode_flag = 1;
    p.flags.transform_8x8_mode_flag = 1;
    p.flags.deblocking_filter_control_present_flag = 1;
    return p;
}

static void test_pps(void)
{
    StdVideoH264SequenceParameterSet s = high_sps();
    StdVideoH264PictureParameterSet p = base_pps();
    struct v4l2_ctrl_h264_pps v;

    CHECK(vkv4l2_h264_fill_pps(&s, &p, &v) == 0);
    CHECK(v.pic_parameter_set_id == 9 && v.seq_parameter_set_id == 3);
    CHECK(v.num_slice_groups_minus1 == 0);
    CHECK(v.num_ref_idx_l0_default_active_minus1 == 2 && v.num_ref_idx_l1_default_active_minus1 == 1);
    CHECK(v.weighted_bipred_idc == 2);
    CHECK(v.pic_init_qp_minus26 == -3 && v.pic_init_qs_minus26 == 4);
    CHECK(v.chroma_qp_index_offset == -2 && v.second_chroma_qp_index_offset == 5);
    CHECK(v.flags == (V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE | V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE |
                      V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT));

    /* Every other flag maps to its own bit. */
    p.flags.bottom_field_pic_order_in_frame_present_flag = 1;
    p.flags.weighted_pred_flag = 1;
    p.flags.constrained_intra_pred_flag = 1;
    p.flags.redundant_pic_cnt_present_flag = 1;
    CHECK(vkv4l2_h264_fill_pps(&s, &p, &v) == 0);
    CHECK(v.flags == 0x7f);

    /* SCALING_MATRIX_PRESENT: "a non-flat scaling matrix applies", i.e. the
     * SPS or the PPS carries one. */
    StdVideoH264ScalingLists lists = { 0 };
    s.flags.seq_scaling_matrix_present_flag = 1;
    s.pScalingLists = &lists;
    CHECK(vkv4l2_h264_fill_pps(&s, &p, &v) == 0 && (v.flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT));
    s = high_sps();
    p.flags.pic_scaling_matrix_present_flag = 1;
    p.pScalingLists = &lists;
    CHECK(vkv4l2_h264_fill_pps(&s, &p, &v) == 0 && (v.flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT));

    /* pic_init_qp_minus26 in -(26 + QpBdOffsetY)..25 (7.4.2.2). */
    p = base_pps();
    p.pic_init_qp_minus26 = -27;
    CHECK(vkv4l2_h264_fill_pps(&s, &p, &v) == -EINVAL);
    s.bit_depth_luma_minus8 = 2; /* QpBdOffsetY 12 */
    CHECK(vkv4l2_h264_fill_pps(&s, &p, &v) == 0);
    p.chroma_qp_index_offset = 13;
    CHECK(vkv4l2_h264_fill_pps(&s, &p, &v) == -EINVAL);
    p = base_pps();
    p.num_ref_idx_l0_default_active_minus1 = 32;
    CHECK(vkv4l2_h264_fill_pps(&s, &p, &v) == -EINVAL);
    p = base_pps();
    p.seq_parameter_set_id = 4; /* not the SPS given */
    CHECK(vkv4l2_h264_fill_pps(&s, &p, &v) == -EINVAL);
}

/* Zig-zag scan derived independently of the code's tables: walk the
 * anti-diagonals of an n x n block, odd diagonals top-right to bottom-left,
 * even ones bottom-left to top-right (Figure 8-8 / 8-9 a). */
static void zigzag(unsigned n, uint8_t *raster_of_scan)
{
    unsigned k = 0;
    for (unsigned d = 0; d < 2 * n - 1; d++) {
        for (unsigned i = 0; i < n; i++) {
            unsigned row = (d & 1) ? i : d - i;
            if (row > d || row >= n || d - row >= n)
                continue;
            raster_of_scan[k++] = row * n + (d - row);
        }
    }
}

/* The well-known raster forms of Table 7-3 / 7-4 (first rows for 8x8). */
static const uint8_t intra4_raster[16] = { 6, 13, 20, 28, 13, 20, 28, 32, 20, 28, 32, 37, 28, 32, 37, 42 };
static const uint8_t inter4_raster[16] = { 10, 14, 20, 24, 14, 20, 24, 27, 20, 24, 27, 30, 24, 27, 30, 34 };
static const uint8_t intra8_row0[8] = { 6, 10, 13, 16, 18, 23, 25, 27 };
static const uint8_t inter8_row0[8] = { 9, 13, 15, 17, 19, 21, 22, 24 };

static void test_scaling(void)
{
    StdVideoH264SequenceParameterSet s = high_sps();
    StdVideoH264PictureParameterSet p = base_pps();
    struct v4l2_ctrl_h264_scaling_matrix m;
    uint8_t zz4[16], zz8[64];

    zigzag(4, zz4);
    zigzag(8, zz8);
    CHECK(zz4[2] == 4 && zz4[5] == 2 && zz8[2] == 8 && zz8[63] == 63);

    /* No matrix anywhere: Flat_4x4_16 / Flat_8x8_16 (7-8, 7-9). */
    memset(&m, 0, sizeof(m));
    CHECK(vkv4l2_h264_fill_scaling_matrix(&s, &p, &m) == 0);
    for (unsigned i = 0; i < sizeof(m); i++)
        CHECK(((uint8_t *)&m)[i] == 16);

    /* SPS matrix, fall-back rule A:
     * list 0 useDefault -> Default_4x4_Intra; 1, 2 absent -> list 0;
     * list 3 coded with scan value k+1 -> raster[zz[k]] = k+1; 4, 5 -> 3;
     * 8x8 list 6 absent -> Default_8x8_Intra; 7 useDefault -> Inter. */
    StdVideoH264ScalingLists sl = { 0 };
    sl.scaling_list_present_mask = (1 << 0) | (1 << 3) | (1 << 7);
    sl.use_default_scaling_matrix_mask = (1 << 0) | (1 << 7);
    for (unsigned k = 0; k < 16; k++)
        sl.ScalingList4x4[3][k] = k + 1;
    s.flags.seq_scaling_matrix_present_flag = 1;
    s.pScalingLists = &sl;
    CHECK(vkv4l2_h264_fill_scaling_matrix(&s, &p, &m) == 0);
    for (unsigned i = 0; i < 3; i++)
        CHECK(memcmp(m.scaling_list_4x4[i], intra4_raster, 16) == 0);
    for (unsigned i = 3; i < 6; i++)
        for (unsigned k = 0; k < 16; k++)
            CHECK(m.scaling_list_4x4[i][zz4[k]] == k + 1);
    CHECK(memcmp(m.scaling_list_8x8[0], intra8_row0, 8) == 0);
    CHECK(memcmp(m.scaling_list_8x8[1], inter8_row0, 8) == 0);
    CHECK(m.scaling_list_8x8[0][63] == 42 && m.scaling_list_8x8[1][63] == 35);
    /* Chroma 8x8 lists do not exist below 4:4:4: zeroed like GStreamer. */
    for (unsigned i = 2; i < 6; i++)
        for (unsigned k = 0; k < 64; k++)
            CHECK(m.scaling_list_8x8[i][k] == 0);

    /* PPS matrix over that SPS, rule B: absent list 0 / 3 / 6 / 7 take the
     * SPS-level lists; list 1 coded; list 2 absent -> list 1 of the PPS;
     * list 4 useDefault -> Default_4x4_Inter; list 5 absent -> list 4. */
    StdVideoH264ScalingLists pl = { 0 };
    pl.scaling_list_present_mask = (1 << 1) | (1 << 4);
    pl.use_default_scaling_matrix_mask = 1 << 4;
    for (unsigned k = 0; k < 16; k++)
        pl.ScalingList4x4[1][k] = 100 + k;
    p.flags.pic_scaling_matrix_present_flag = 1;
    p.pScalingLists = &pl;
    CHECK(vkv4l2_h264_fill_scaling_matrix(&s, &p, &m) == 0);
    CHECK(memcmp(m.scaling_list_4x4[0], intra4_raster, 16) == 0);
    for (unsigned k = 0; k < 16; k++) {
        CHECK(m.scaling_list_4x4[1][zz4[k]] == 100 + k);
        CHECK(m.scaling_list_4x4[2][zz4[k]] == 100 + k);
        CHECK(m.scaling_list_4x4[3][zz4[k]] == k + 1);
    }
    CHECK(memcmp(m.scaling_list_4x4[4], inter4_raster, 16) == 0);
    CHECK(memcmp(m.scaling_list_4x4[5], inter4_raster, 16) == 0);
    CHECK(memcmp(m.scaling_list_8x8[1], inter8_row0, 8) == 0);

    /* PPS matrix without an SPS matrix: rule A again (7.4.2.2), so an
     * absent list 0 is Default_4x4_Intra, not flat. */
    s = high_sps();
    CHECK(vkv4l2_h264_fill_scaling_matrix(&s, &p, &m) == 0);
    CHECK(memcmp(m.scaling_list_4x4[0], intra4_raster, 16) == 0);
    CHECK(memcmp(m.scaling_list_8x8[0], intra8_row0, 8) == 0);

    /* 4:4:4 keeps all six 8x8 lists: 8 -> 6, 9 -> 7 (rule A). */
    s.profile_idc = STD_VIDEO_H264_PROFILE_IDC_HIGH_444_PREDICTIVE;
    s.chroma_format_idc = STD_VIDEO_H264_CHROMA_FORMAT_IDC_444;
    CHECK(vkv4l2_h264_fill_scaling_matrix(&s, &p, &m) == 0);
    CHECK(memcmp(m.scaling_list_8x8[4], intra8_row0, 8) == 0);
    CHECK(memcmp(m.scaling_list_8x8[5], inter8_row0, 8) == 0);

    /* GStreamer's lists: present mask 1 ("there is a matrix"), every list
     * already resolved; a list not present but filled is taken as given
     * (flat inter lists here, where the fall-back rules would give the
     * default ones), as Mesa's drivers do. */
    s = high_sps();
    p = base_pps();
    StdVideoH264ScalingLists gl = { 0 };
    gl.scaling_list_present_mask = 1;
    for (unsigned i = 0; i < 6; i++)
        for (unsigned k = 0; k < 16; k++)
            gl.ScalingList4x4[i][k] = i < 3 ? 20 + i + k : 16;
    for (unsigned i = 0; i < 6; i++)
        memset(gl.ScalingList8x8[i], i & 1 ? 16 : 30 + i, 64);
    s.flags.seq_scaling_matrix_present_flag = 1;
    s.pScalingLists = &gl;
    CHECK(vkv4l2_h264_fill_scaling_matrix(&s, &p, &m) == 0);
    for (unsigned i = 0; i < 6; i++)
        for (unsigned k = 0; k < 16; k++)
            CHECK(m.scaling_list_4x4[i][zz4[k]] == (i < 3 ? 20 + i + k : 16));
    for (unsigned k = 0; k < 64; k++)
        CHECK(m.scaling_list_8x8[0][k] == 30 && m.scaling_list_8x8[1][k] == 16);
    /* ... while a list left empty still falls back (list 4 -> list 3). */
    memset(gl.ScalingList4x4[4], 0, 16);
    gl.ScalingList4x4[3][0] = 99;
    CHECK(vkv4l2_h264_fill_scaling_matrix(&s, &p, &m) == 0);
    CHECK(m.scaling_list_4x4[4][0] == 99 && m.scaling_list_4x4[4][1] == 16);

    /* A present, non-default list of zeros cannot be coded. */
    s = high_sps();
    s.profile_idc = STD_VIDEO_H264_PROFILE_IDC_HIGH_444_PREDICTIVE;
    s.chroma_format_idc = STD_VIDEO_H264_CHROMA_FORMAT_IDC_444;
    p.flags.pic_scaling_matrix_present_flag = 1;
    p.pScalingLists = &pl;
    pl.scaling_list_present_mask |= 1 << 0;
    CHECK(vkv4l2_h264_fill_scaling_matrix(&s, &p, &m) == -EINVAL);
    p.pScalingLists = NULL;
    CHECK(vkv4l2_h264_fill_scaling_matrix(&s, &p, &m) == -EINVAL);
}

static struct vkv4l2_h264_slice_header header_for(const StdVideoDecodeH264PictureInfo *pic,
                                                  uint8_t slice_type)
{
    struct vkv4l2_h264_slice_header sh = { 0 };
    sh.nal_ref_idc = 2;
    sh.nal_unit_type = pic->flags.IdrPicFlag ? 5 : 1;
    sh.slice_type = slice_type;
    sh.pic_parameter_set_id = 9;
    sh.frame_num = pic->frame_num;
    sh.field_pic_flag = pic->flags.field_pic_flag;
    sh.bottom_field_flag = pic->flags.bottom_field_flag;
    sh.idr_pic_id = pic->idr_pic_id;
    sh.pic_order_cnt_lsb = 12;
    sh.delta_pic_order_cnt_bottom = -1;
    sh.dec_ref_pic_marking_bit_size = 3;
    sh.pic_order_cnt_bit_size = 11;
    return sh;
}

static void test_decode_params_frames(void)
{
    StdVideoH264SequenceParameterSet s = high_sps(); /* MaxFrameNum 64 */
    StdVideoDecodeH264PictureInfo pic = { .frame_num = 5, .PicOrderCnt = { 20, 21 } };
    struct v4l2_ctrl_h264_decode_params d;

    /* IDR, no references. */
    StdVideoDecodeH264PictureInfo idr = { .idr_pic_id = 7 };
    idr.flags.IdrPicFlag = 1;
    struct vkv4l2_h264_slice_header sh = header_for(&idr, V4L2_H264_SLICE_TYPE_I);
    CHECK(vkv4l2_h264_fill_decode_params(&s, &idr, &sh, NULL, 0, &d) == 0);
    CHECK(d.flags == V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC);
    CHECK(d.idr_pic_id == 7 && d.nal_ref_idc == 2 && d.dpb[0].flags == 0);
    CHECK(d.pic_order_cnt_lsb == 12 && d.delta_pic_order_cnt_bottom == -1);
    CHECK(d.dec_ref_pic_marking_bit_size == 3 && d.pic_order_cnt_bit_size == 11);

    /* P frame: short-term refs with FrameNum 4 and 62 (62 > 5 wraps:
     * FrameNumWrap = 62 - 64 = -2, PicNum = FrameNumWrap for frames,
     * 8.2.4.1), a long-term ref with LongTermFrameIdx 1 (Vulkan's FrameNum
     * of a long-term ref; LongTermPicNum = LongTermFrameIdx). */
    StdVideoDecodeH264ReferenceInfo r0 = { .FrameNum = 4, .PicOrderCnt = { 16, 17 } };
    StdVideoDecodeH264ReferenceInfo r1 = { .FrameNum = 62, .PicOrderCnt = { -8, -7 } };
    StdVideoDecodeH264ReferenceInfo lt = { .FrameNum = 1, .PicOrderCnt = { 2, 3 } };
    lt.flags.used_for_long_term_reference = 1;
    struct vkv4l2_h264_ref refs[3] = {
        { 1000, &r0, true, true }, { 2000, &r1, true, true }, { 3000, &lt, true, true },
    };
    sh = header_for(&pic, V4L2_H264_SLICE_TYPE_P);
    CHECK(vkv4l2_h264_fill_decode_params(&s, &pic, &sh, refs, 3, &d) == 0);
    CHECK(d.flags == V4L2_H264_DECODE_PARAM_FLAG_PFRAME);
    CHECK(d.frame_num == 5 && d.top_field_order_cnt == 20 && d.bottom_field_order_cnt == 21);
    CHECK(d.dpb[0].reference_ts == 1000 && d.dpb[0].frame_num == 4 && d.dpb[0].pic_num == 4);
    CHECK(d.dpb[0].fields == V4L2_H264_FRAME_REF);
    CHECK(d.dpb[0].flags == (V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE));
    CHECK(d.dpb[0].top_field_order_cnt == 16 && d.dpb[0].bottom_field_order_cnt == 17);
    CHECK(d.dpb[1].frame_num == 62 && (int32_t)d.dpb[1].pic_num == -2);
    CHECK(d.dpb[2].frame_num == 1 && d.dpb[2].pic_num == 1);
    CHECK(d.dpb[2].flags == (V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE |
                             V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM));
    CHECK(d.dpb[3].flags == 0 && d.dpb[3].reference_ts == 0);

    /* B frame flag. */
    sh = header_for(&pic, V4L2_H264_SLICE_TYPE_B);
    CHECK(vkv4l2_h264_fill_decode_params(&s, &pic, &sh, refs, 2, &d) == 0);
    CHECK(d.flags == V4L2_H264_DECODE_PARAM_FLAG_BFRAME);

    /* Inconsistent inputs. */
    sh.frame_num = 6;
    CHECK(vkv4l2_h264_fill_decode_params(&s, &pic, &sh, refs, 2, &d) == -EINVAL);
    sh = header_for(&pic, V4L2_H264_SLICE_TYPE_B);
    refs[0].top_field_ref = refs[0].bottom_field_ref = false;
    CHECK(vkv4l2_h264_fill_decode_params(&s, &pic, &sh, refs, 2, &d) == -EINVAL);
    refs[0].top_field_ref = refs[0].bottom_field_ref = true;
    r0.FrameNum = 64; /* >= MaxFrameNum */
    CHECK(vkv4l2_h264_fill_decode_params(&s, &pic, &sh, refs, 2, &d) == -EINVAL);
    r0.FrameNum = 4;

    /* 17 distinct buffers do not fit the 16-entry DPB. */
    struct vkv4l2_h264_ref many[17];
    for (unsigned i = 0; i < 17; i++)
        many[i] = (struct vkv4l2_h264_ref){ 100 + i, &r0, true, true };
    CHECK(vkv4l2_h264_fill_decode_params(&s, &pic, &sh, many, 16, &d) == 0);
    CHECK(vkv4l2_h264_fill_decode_params(&s, &pic, &sh, many, 17, &d) == -EINVAL);
}

static void test_decode_params_fields(void)
{
    StdVideoH264SequenceParameterSet s = high_sps();
    s.flags.frame_mbs_only_flag = 0;
    StdVideoDecodeH264PictureInfo pic = { .frame_num = 3, .PicOrderCnt = { 10, 0 } };
    pic.flags.field_pic_flag = 1; /* top field */
    struct v4l2_ctrl_h264_decode_params d;
    struct vkv4l2_h264_slice_header sh = header_for(&pic, V4L2_H264_SLICE_TYPE_P);

    /* Ref A: only its top field is referenced -> fields TOP, FIELD flag,
     * bottom POC not carried, same parity PicNum = 2 * FrameNumWrap + 1.
     * Ref B: both fields, given as two refs with one buffer -> merged,
     * fields FRAME, no FIELD flag, same parity field exists -> 2 * 2 + 1.
     * Ref C: bottom field only -> opposite parity, PicNum 2 * 1. */
    StdVideoDecodeH264ReferenceInfo a = { .FrameNum = 2, .PicOrderCnt = { 6, 7 } };
    a.flags.top_field_flag = 1;
    StdVideoDecodeH264ReferenceInfo bt = { .FrameNum = 2, .PicOrderCnt = { 8, 0 } };
    bt.flags.top_field_flag = 1;
    StdVideoDecodeH264ReferenceInfo bb = { .FrameNum = 2, .PicOrderCnt = { 0, 9 } };
    bb.flags.bottom_field_flag = 1;
    StdVideoDecodeH264ReferenceInfo c = { .FrameNum = 1, .PicOrderCnt = { 4, 5 } };
    c.flags.bottom_field_flag = 1;
    struct vkv4l2_h264_ref refs[4];
    const StdVideoDecodeH264ReferenceInfo *infos[4] = { &a, &bt, &bb, &c };
    const uint64_t ts[4] = { 10, 20, 20, 30 };
    for (unsigned i = 0; i < 4; i++) {
        refs[i].reference_ts = ts[i];
        refs[i].info = infos[i];
        vkv4l2_h264_ref_fields(infos[i], &refs[i].top_field_ref, &refs[i].bottom_field_ref);
    }
    CHECK(vkv4l2_h264_fill_decode_params(&s, &pic, &sh, refs, 4, &d) == 0);
    CHECK(d.flags == (V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC | V4L2_H264_DECODE_PARAM_FLAG_PFRAME));
    CHECK(d.top_field_order_cnt == 10 && d.bottom_field_order_cnt == 0);
    CHECK(d.dpb[0].fields == V4L2_H264_TOP_FIELD_REF && d.dpb[0].pic_num == 5);
    CHECK(d.dpb[0].flags == (V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE |
                             V4L2_H264_DPB_ENTRY_FLAG_FIELD));
    CHECK(d.dpb[0].top_field_order_cnt == 6 && d.dpb[0].bottom_field_order_cnt == 0);
    CHECK(d.dpb[1].reference_ts == 20 && d.dpb[1].fields == V4L2_H264_FRAME_REF);
    CHECK(d.dpb[1].flags == (V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE));
    CHECK(d.dpb[1].top_field_order_cnt == 8 && d.dpb[1].bottom_field_order_cnt == 9);
    CHECK(d.dpb[1].pic_num == 5);
    CHECK(d.dpb[2].reference_ts == 30 && d.dpb[2].fields == V4L2_H264_BOTTOM_FIELD_REF);
    CHECK(d.dpb[2].pic_num == 2 && d.dpb[2].top_field_order_cnt == 0 && d.dpb[2].bottom_field_order_cnt == 5);
    CHECK(d.dpb[3].flags == 0);

    /* Bottom field: only the bottom POC is carried; ref C is now the
     * same parity (2 * 1 + 1), ref A the opposite (2 * 2). */
    pic.flags.bottom_field_flag = 1;
    pic.PicOrderCnt[0] = 0;
    pic.PicOrderCnt[1] = 11;
    sh = header_for(&pic, V4L2_H264_SLICE_TYPE_P);
    CHECK(vkv4l2_h264_fill_decode_params(&s, &pic, &sh, refs, 4, &d) == 0);
    CHECK(d.flags & V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD);
    CHECK(d.top_field_order_cnt == 0 && d.bottom_field_order_cnt == 11);
    CHECK(d.dpb[0].pic_num == 4 && d.dpb[2].pic_num == 3);

    /* One buffer cannot be long-term and short-term at once. */
    bb.flags.used_for_long_term_reference = 1;
    CHECK(vkv4l2_h264_fill_decode_params(&s, &pic, &sh, refs, 4, &d) == -EINVAL);
}

static void test_frame_ctrls(void)
{
    StdVideoH264SequenceParameterSet s = high_sps();
    StdVideoH264PictureParameterSet p = base_pps();
    StdVideoDecodeH264PictureInfo idr = { 0 };
    idr.flags.IdrPicFlag = 1;
    struct vkv4l2_h264_slice_header sh = header_for(&idr, V4L2_H264_SLICE_TYPE_I);
    struct vkv4l2_h264_picture_ctrls c;
    struct v4l2_ext_control ec[VKV4L2_H264_FRAME_CTRLS];

    CHECK(vkv4l2_h264_fill_picture_ctrls(&s, &p, &idr, &sh, NULL, 0, &c) == 0);
    CHECK(vkv4l2_h264_frame_ext_ctrls(&c, ec) == 4);
    CHECK(ec[0].id == V4L2_CID_STATELESS_H264_SPS && ec[0].ptr == &c.sps && ec[0].size == sizeof(c.sps));
    CHECK(ec[1].id == V4L2_CID_STATELESS_H264_PPS && ec[1].ptr == &c.pps);
    CHECK(ec[2].id == V4L2_CID_STATELESS_H264_SCALING_MATRIX && ec[2].size == sizeof(c.scaling_matrix));
    CHECK(ec[3].id == V4L2_CID_STATELESS_H264_DECODE_PARAMS && ec[3].ptr == &c.decode_params);
    sh.pic_parameter_set_id = 8; /* not the PPS given */
    CHECK(vkv4l2_h264_fill_picture_ctrls(&s, &p, &idr, &sh, NULL, 0, &c) == -EINVAL);
}

static void test_slice_ctrls(void)
{
    StdVideoDecodeH264PictureInfo pic = { .frame_num = 1 };
    struct vkv4l2_h264_slice_header sh = header_for(&pic, V4L2_H264_SLICE_TYPE_P);
    struct v4l2_h264_reference l0[2] = { { V4L2_H264_FRAME_REF, 1 }, { V4L2_H264_FRAME_REF, 0 } };
    struct v4l2_ctrl_h264_slice_params sp;
    struct v4l2_ctrl_h264_pred_weights pw;

    sh.header_bit_size = 43;
    sh.first_mb_in_slice = 120;
    sh.num_ref_idx_l0_active_minus1 = 1;
    sh.num_ref_idx_l1_active_minus1 = 3; /* not used by a P slice */
    sh.slice_qp_delta = -5;
    sh.disable_deblocking_filter_idc = 2;
    sh.slice_alpha_c0_offset_div2 = -6;
    sh.direct_spatial_mv_pred_flag = true; /* B only */
    CHECK(vkv4l2_h264_fill_slice_params(&sh, l0, NULL, &sp) == 0);
    CHECK(sp.header_bit_size == 43 && sp.first_mb_in_slice == 120 && sp.slice_type == 0);
    CHECK(sp.slice_qp_delta == -5 && sp.disable_deblocking_filter_idc == 2 && sp.slice_alpha_c0_offset_div2 == -6);
    CHECK(sp.num_ref_idx_l0_active_minus1 == 1 && sp.num_ref_idx_l1_active_minus1 == 0);
    CHECK(sp.ref_pic_list0[0].index == 1 && sp.ref_pic_list0[1].index == 0 && sp.ref_pic_list0[2].index == 0xff);
    CHECK(sp.flags == 0);
    sh.slice_beta_offset_div2 = 7;
    CHECK(vkv4l2_h264_fill_slice_params(&sh, l0, NULL, &sp) == -EINVAL);

    /* Weights: only list 0 and its active entries for a P slice. */
    sh.has_pred_weight_table = true;
    sh.pwt.luma_log2_weight_denom = 5;
    sh.pwt.chroma_log2_weight_denom = 3;
    sh.pwt.luma_weight[0][1] = -7;
    sh.pwt.chroma_offset[0][0][1] = 4;
    sh.pwt.luma_weight[0][2] = 99; /* beyond num_ref_idx_l0_active_minus1 */
    sh.pwt.luma_weight[1][0] = 99;
    CHECK(vkv4l2_h264_fill_pred_weights(&sh, &pw) == 0);
    CHECK(pw.luma_log2_weight_denom == 5 && pw.chroma_log2_weight_denom == 3);
    CHECK(pw.weight_factors[0].luma_weight[1] == -7 && pw.weight_factors[0].chroma_offset[0][1] == 4);
    CHECK(pw.weight_factors[0].luma_weight[2] == 0 && pw.weight_factors[1].luma_weight[0] == 0);
}

int main(void)
{
    test_sps();
    test_pps();
    test_scaling();
    test_decode_params_frames();
    test_decode_params_fields();
    test_frame_ctrls();
    test_slice_ctrls();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("ctrls: all checks passed\n");
    return 0;
}
