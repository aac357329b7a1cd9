/* Fuzz target: the H.264 control builders (v4l2/h264/h264_ctrls.c) on
 * random but structurally valid std structs — every field within (or just
 * past) the range its syntax allows, scaling lists, references — as a
 * client may hand them to the layer.  Oracle: what the builders accept
 * passes the kernel's validation unchanged (ctrl_oracle.c). */
#include <string.h>

#include "ctrl_oracle.h"
#include "fuzz.h"

static const StdVideoH264ProfileIdc profiles[] = {
    STD_VIDEO_H264_PROFILE_IDC_BASELINE, STD_VIDEO_H264_PROFILE_IDC_MAIN,
    STD_VIDEO_H264_PROFILE_IDC_HIGH, STD_VIDEO_H264_PROFILE_IDC_HIGH_444_PREDICTIVE,
    (StdVideoH264ProfileIdc)110, (StdVideoH264ProfileIdc)7,
};

static void fill_lists(struct fz *f, StdVideoH264ScalingLists *l)
{
    l->scaling_list_present_mask = (uint16_t)fz_range(f, 0, 0xfff);
    l->use_default_scaling_matrix_mask = (uint16_t)fz_range(f, 0, 0xfff);
    bool flat = fz_bool(f);
    for (unsigned i = 0; i < STD_VIDEO_H264_SCALING_LIST_4X4_NUM_LISTS; i++)
        for (unsigned j = 0; j < STD_VIDEO_H264_SCALING_LIST_4X4_NUM_ELEMENTS; j++)
            l->ScalingList4x4[i][j] = flat ? 16 : (uint8_t)fz_u8(f);
    for (unsigned i = 0; i < STD_VIDEO_H264_SCALING_LIST_8X8_NUM_LISTS; i++)
        for (unsigned j = 0; j < STD_VIDEO_H264_SCALING_LIST_8X8_NUM_ELEMENTS; j++)
            l->ScalingList8x8[i][j] = flat ? 16 : (uint8_t)fz_u8(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    static StdVideoH264ScalingLists sps_lists, pps_lists;
    static int32_t offsets[255];

    StdVideoH264SequenceParameterSet sps = {
        .profile_idc = profiles[fz_range(&f, 0, sizeof(profiles) / sizeof(profiles[0]) - 1)],
        .level_idc = (StdVideoH264LevelIdc)fz_range(&f, 0, STD_VIDEO_H264_LEVEL_IDC_6_2 + 1),
        .chroma_format_idc = (StdVideoH264ChromaFormatIdc)fz_range(&f, 0, 4),
        .seq_parameter_set_id = (uint8_t)fz_range(&f, 0, 33),
        .bit_depth_luma_minus8 = (uint8_t)fz_range(&f, 0, 7),
        .bit_depth_chroma_minus8 = (uint8_t)fz_range(&f, 0, 7),
        .log2_max_frame_num_minus4 = (uint8_t)fz_range(&f, 0, 13),
        .pic_order_cnt_type = (StdVideoH264PocType)fz_range(&f, 0, 3),
        .offset_for_non_ref_pic = (int32_t)fz_u32(&f),
        .offset_for_top_to_bottom_field = (int32_t)fz_u32(&f),
        .log2_max_pic_order_cnt_lsb_minus4 = (uint8_t)fz_range(&f, 0, 13),
        .num_ref_frames_in_pic_order_cnt_cycle = (uint8_t)fz_u8(&f),
        .max_num_ref_frames = (uint8_t)fz_range(&f, 0, 17),
        .pic_width_in_mbs_minus1 = fz_range(&f, 0, 600),
        .pic_height_in_map_units_minus1 = fz_range(&f, 0, 600),
        .frame_crop_left_offset = fz_range(&f, 0, 64),
        .frame_crop_right_offset = fz_range(&f, 0, 64),
        .frame_crop_top_offset = fz_range(&f, 0, 64),
        .frame_crop_bottom_offset = fz_range(&f, 0, 64),
        .pOffsetForRefFrame = offsets,
    };
    uint32_t sf = fz_u16(&f);
    memcpy(&sps.flags, &sf, sizeof(sf) < sizeof(sps.flags) ? sizeof(sf) : sizeof(sps.flags));
    for (unsigned i = 0; i < sps.num_ref_frames_in_pic_order_cnt_cycle; i++)
        offsets[i] = (int32_t)fz_u32(&f) >> fz_range(&f, 0, 31);
    if (fz_bool(&f)) {
        fill_lists(&f, &sps_lists);
        sps.pScalingLists = &sps_lists;
    }

    StdVideoH264PictureParameterSet pps = {
        .seq_parameter_set_id = sps.seq_parameter_set_id,
        .pic_parameter_set_id = (uint8_t)fz_u8(&f),
        .num_ref_idx_l0_default_active_minus1 = (uint8_t)fz_range(&f, 0, 32),
        .num_ref_idx_l1_default_active_minus1 = (uint8_t)fz_range(&f, 0, 32),
        .weighted_bipred_idc = (StdVideoH264WeightedBipredIdc)fz_range(&f, 0, 3),
        .pic_init_qp_minus26 = (int8_t)fz_range(&f, 0, 80) - 40,
        .pic_init_qs_minus26 = (int8_t)fz_range(&f, 0, 56) - 28,
        .chroma_qp_index_offset = (int8_t)fz_range(&f, 0, 26) - 13,
        .second_chroma_qp_index_offset = (int8_t)fz_range(&f, 0, 26) - 13,
    };
    uint32_t pf = fz_u8(&f);
    memcpy(&pps.flags, &pf, sizeof(pps.flags) < sizeof(pf) ? sizeof(pps.flags) : sizeof(pf));
    if (fz_bool(&f)) {
        fill_lists(&f, &pps_lists);
        pps.pScalingLists = &pps_lists;
    }

    static struct vkv4l2_h264_slice_header sh;
    memset(&sh, 0, sizeof(sh));
    sh.nal_ref_idc = (uint8_t)fz_range(&f, 0, 3);
    sh.nal_unit_type = fz_bool(&f) ? 5 : 1;
    sh.slice_type = (uint8_t)fz_range(&f, 0, 4);
    sh.pic_parameter_set_id = pps.pic_parameter_set_id;
    sh.frame_num = fz_range(&f, 0, 1u << 16);
    sh.field_pic_flag = fz_bool(&f);
    sh.bottom_field_flag = sh.field_pic_flag && fz_bool(&f);
    sh.idr_pic_id = fz_range(&f, 0, 65536);
    sh.pic_order_cnt_lsb = fz_range(&f, 0, 1u << 16);
    sh.delta_pic_order_cnt_bottom = (int32_t)fz_u32(&f);
    sh.delta_pic_order_cnt[0] = (int32_t)fz_u32(&f);
    sh.delta_pic_order_cnt[1] = (int32_t)fz_u32(&f);
    sh.redundant_pic_cnt = fz_range(&f, 0, 128);
    sh.num_ref_idx_l0_active_minus1 = fz_range(&f, 0, 31);
    sh.num_ref_idx_l1_active_minus1 = fz_range(&f, 0, 31);
    sh.dec_ref_pic_marking_bit_size = fz_range(&f, 0, 4096);
    sh.pic_order_cnt_bit_size = fz_range(&f, 0, 4096);
    sh.header_bit_size = fz_range(&f, 0, 8192);

    StdVideoDecodeH264PictureInfo pic = {
        .seq_parameter_set_id = sps.seq_parameter_set_id,
        .pic_parameter_set_id = pps.pic_parameter_set_id,
        .frame_num = (uint16_t)sh.frame_num,
        .idr_pic_id = (uint16_t)sh.idr_pic_id,
        .PicOrderCnt = { (int32_t)fz_u32(&f), (int32_t)fz_u32(&f) },
    };
    pic.flags.field_pic_flag = sh.field_pic_flag;
    pic.flags.bottom_field_flag = sh.bottom_field_flag;
    pic.flags.IdrPicFlag = sh.nal_unit_type == 5;
    pic.flags.is_reference = sh.nal_ref_idc != 0;
    pic.flags.is_intra = fz_bool(&f);
    pic.flags.complementary_field_pair = fz_bool(&f);

    static StdVideoDecodeH264ReferenceInfo infos[20];
    struct vkv4l2_h264_ref refs[20];
    size_t num_refs = fz_range(&f, 0, 18);
    for (size_t i = 0; i < num_refs; i++) {
        infos[i] = (StdVideoDecodeH264ReferenceInfo){
            .FrameNum = (uint16_t)fz_u16(&f),
            .PicOrderCnt = { (int32_t)fz_u32(&f), (int32_t)fz_u32(&f) },
        };
        infos[i].flags.top_field_flag = fz_bool(&f);
        infos[i].flags.bottom_field_flag = fz_bool(&f);
        infos[i].flags.used_for_long_term_reference = fz_bool(&f);
        infos[i].flags.is_non_existing = fz_bool(&f);
        refs[i].info = &infos[i];
        /* Shared timestamps: the two fields of one frame. */
        refs[i].reference_ts = 1000ull * fz_range(&f, 1, 24);
        vkv4l2_h264_ref_fields(&infos[i], &refs[i].top_field_ref, &refs[i].bottom_field_ref);
    }
    fuzz_check_picture_ctrls(&sps, &pps, &pic, &sh, refs, num_refs);
    return 0;
}
