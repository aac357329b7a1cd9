/* fe-dump STREAM.h264: prints what the test frontend derives from a stream,
 * for check_frontend.py to compare with FFmpeg's trace_headers and ffprobe:
 *   sps/pps lines: syntax-element names as trace_headers spells them, with
 *     the values recovered from the Vulkan std structs;
 *   pic lines: one per picture in decoding order (POC, slot, references);
 *   out lines: the pictures in output order (by access-unit offset). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h264_frontend.h"

static void print_lists(const char *what, const StdVideoH264ScalingLists *s)
{
    for (unsigned i = 0; i < 6; i++) {
        printf(" %s4x4[%u]=", what, i);
        for (unsigned j = 0; j < 16; j++)
            printf("%s%u", j ? "," : "", s->ScalingList4x4[i][j]);
    }
    for (unsigned i = 0; i < 6; i++) {
        printf(" %s8x8[%u]=", what, i);
        for (unsigned j = 0; j < 64; j++)
            printf("%s%u", j ? "," : "", s->ScalingList8x8[i][j]);
    }
    printf(" %s_present_mask=%u", what, s->scaling_list_present_mask);
}

static void print_sps(const struct fe_sps *sps)
{
    const StdVideoH264SequenceParameterSet *s = &sps->std;
    const StdVideoH264SequenceParameterSetVui *v = &sps->vui;

    printf("sps profile_idc=%d constraint_set0_flag=%u constraint_set1_flag=%u"
           " constraint_set2_flag=%u constraint_set3_flag=%u constraint_set4_flag=%u"
           " constraint_set5_flag=%u vk_level=%d seq_parameter_set_id=%u"
           " chroma_format_idc=%d bit_depth_luma_minus8=%u bit_depth_chroma_minus8=%u"
           " qpprime_y_zero_transform_bypass_flag=%u seq_scaling_matrix_present_flag=%u"
           " log2_max_frame_num_minus4=%u pic_order_cnt_type=%d"
           " log2_max_pic_order_cnt_lsb_minus4=%u delta_pic_order_always_zero_flag=%u"
           " offset_for_non_ref_pic=%d offset_for_top_to_bottom_field=%d"
           " num_ref_frames_in_pic_order_cnt_cycle=%u max_num_ref_frames=%u"
           " gaps_in_frame_num_allowed_flag=%u pic_width_in_mbs_minus1=%u"
           " pic_height_in_map_units_minus1=%u frame_mbs_only_flag=%u"
           " mb_adaptive_frame_field_flag=%u direct_8x8_inference_flag=%u"
           " frame_cropping_flag=%u frame_crop_left_offset=%u frame_crop_right_offset=%u"
           " frame_crop_top_offset=%u frame_crop_bottom_offset=%u"
           " vk_crop=%u,%u,%u,%u vui_parameters_present_flag=%u",
           s->profile_idc, s->flags.constraint_set0_flag, s->flags.constraint_set1_flag,
           s->flags.constraint_set2_flag, s->flags.constraint_set3_flag,
           s->flags.constraint_set4_flag, s->flags.constraint_set5_flag, s->level_idc,
           s->seq_parameter_set_id, s->chroma_format_idc, s->bit_depth_luma_minus8,
           s->bit_depth_chroma_minus8, s->flags.qpprime_y_zero_transform_bypass_flag,
           s->flags.seq_scaling_matrix_present_flag, s->log2_max_frame_num_minus4,
           s->pic_order_cnt_type, s->log2_max_pic_order_cnt_lsb_minus4,
           s->flags.delta_pic_order_always_zero_flag, s->offset_for_non_ref_pic,
           s->offset_for_top_to_bottom_field, s->num_ref_frames_in_pic_order_cnt_cycle,
           s->max_num_ref_frames, s->flags.gaps_in_frame_num_value_allowed_flag,
           s->pic_width_in_mbs_minus1, s->pic_height_in_map_units_minus1,
           s->flags.frame_mbs_only_flag, s->flags.mb_adaptive_frame_field_flag,
           s->flags.direct_8x8_inference_flag, s->flags.frame_cropping_flag,
           sps->crop_raw[0], sps->crop_raw[1], sps->crop_raw[2], sps->crop_raw[3],
           s->frame_crop_left_offset, s->frame_crop_right_offset, s->frame_crop_top_offset,
           s->frame_crop_bottom_offset, s->flags.vui_parameters_present_flag);
    for (unsigned i = 0; i < s->num_ref_frames_in_pic_order_cnt_cycle; i++)
        printf(" offset_for_ref_frame[%u]=%d", i, s->pOffsetForRefFrame[i]);
    if (s->flags.vui_parameters_present_flag)
        printf(" aspect_ratio_info_present_flag=%u aspect_ratio_idc=%d sar=%u:%u"
               " overscan_info_present_flag=%u video_signal_type_present_flag=%u"
               " video_format=%u video_full_range_flag=%u colour_description_present_flag=%u"
               " colour_primaries=%u transfer_characteristics=%u matrix_coefficients=%u"
               " chroma_loc_info_present_flag=%u timing_info_present_flag=%u"
               " num_units_in_tick=%u time_scale=%u fixed_frame_rate_flag=%u"
               " nal_hrd_parameters_present_flag=%u vcl_hrd_parameters_present_flag=%u"
               " bitstream_restriction_flag=%u max_num_reorder_frames=%u"
               " max_dec_frame_buffering=%u",
               v->flags.aspect_ratio_info_present_flag, v->aspect_ratio_idc, v->sar_width,
               v->sar_height, v->flags.overscan_info_present_flag,
               v->flags.video_signal_type_present_flag, v->video_format,
               v->flags.video_full_range_flag, v->flags.color_description_present_flag,
               v->colour_primaries, v->transfer_characteristics, v->matrix_coefficients,
               v->flags.chroma_loc_info_present_flag, v->flags.timing_info_present_flag,
               v->num_units_in_tick, v->time_scale, v->flags.fixed_frame_rate_flag,
               v->flags.nal_hrd_parameters_present_flag,
               v->flags.vcl_hrd_parameters_present_flag,
               v->flags.bitstream_restriction_flag, v->max_num_reorder_frames,
               v->max_dec_frame_buffering);
    print_lists("sps", &sps->scaling);
    printf(" dpb_frames=%u display=%ux%u\n", sps->dpb_frames, sps->display_width,
           sps->display_height);
}

static void print_pps(const struct fe_pps *pps)
{
    const StdVideoH264PictureParameterSet *p = &pps->std;

    printf("pps pic_parameter_set_id=%u seq_parameter_set_id=%u entropy_coding_mode_flag=%u"
           " bottom_field_pic_order_in_frame_present_flag=%u"
           " num_ref_idx_l0_default_active_minus1=%u num_ref_idx_l1_default_active_minus1=%u"
           " weighted_pred_flag=%u weighted_bipred_idc=%d pic_init_qp_minus26=%d"
           " pic_init_qs_minus26=%d chroma_qp_index_offset=%d"
           " deblocking_filter_control_present_flag=%u constrained_intra_pred_flag=%u"
           " redundant_pic_cnt_present_flag=%u transform_8x8_mode_flag=%u"
           " pic_scaling_matrix_present_flag=%u second_chroma_qp_index_offset=%d",
           p->pic_parameter_set_id, p->seq_parameter_set_id, p->flags.entropy_coding_mode_flag,
           p->flags.bottom_field_pic_order_in_frame_present_flag,
           p->num_ref_idx_l0_default_active_minus1, p->num_ref_idx_l1_default_active_minus1,
           p->flags.weighted_pred_flag, p->weighted_bipred_idc, p->pic_init_qp_minus26,
           p->pic_init_qs_minus26, p->chroma_qp_index_offset,
           p->flags.deblocking_filter_control_present_flag,
           p->flags.constrained_intra_pred_flag, p->flags.redundant_pic_cnt_present_flag,
           p->flags.transform_8x8_mode_flag, p->flags.pic_scaling_matrix_present_flag,
           p->second_chroma_qp_index_offset);
    print_lists("pps", &pps->scaling);
    printf("\n");
}

static void print_picture(const struct vkv4l2_fe_picture *p)
{
    const StdVideoDecodeH264PictureInfo *i = &p->info;

    printf("pic index=%llu offset=%zu slot=%d frame_num=%u idr_pic_id=%u poc=%d,%d idr=%u"
           " ref=%u intra=%u sps=%u pps=%u slices=%u bytes=%zu refs=",
           (unsigned long long)p->decode_index, p->stream_offset, p->setup_slot, i->frame_num,
           i->idr_pic_id, i->PicOrderCnt[0], i->PicOrderCnt[1], i->flags.IdrPicFlag,
           i->flags.is_reference, i->flags.is_intra, i->seq_parameter_set_id,
           i->pic_parameter_set_id, p->num_slices, p->bitstream_size);
    for (unsigned r = 0; r < p->num_refs; r++)
        printf("%s%d:%s%u:%d,%d%s", r ? ";" : "", p->ref_slots[r],
               p->refs[r].flags.used_for_long_term_reference ? "L" : "S", p->refs[r].FrameNum,
               p->refs[r].PicOrderCnt[0], p->refs[r].PicOrderCnt[1],
               p->refs[r].flags.is_non_existing ? ":nonexisting" : "");
    printf("\n");
}

static int drain(struct vkv4l2_fe *fe)
{
    struct vkv4l2_fe_output o;
    while (vkv4l2_fe_pop_output(fe, &o) == 0)
        printf("out index=%llu offset=%zu slot=%d poc=%d\n", (unsigned long long)o.decode_index,
               o.stream_offset, o.slot, o.poc);
    return 0;
}

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -errno;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return -ENOMEM;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    int err = ferror(f) ? -EIO : 0;
    fclose(f);
    if (err) {
        free(buf);
        return err;
    }
    *data = buf;
    *size = len;
    return 0;
}

/* Parameter sets are printed as they occur, independently of the frontend
 * (which only parses them on its way to a picture). */
static int dump_parameter_sets(const uint8_t *data, size_t size)
{
    const struct fe_sps *table[FE_MAX_SPS] = { 0 };
    static struct fe_sps sps[FE_MAX_SPS];
    size_t pos = 0, nal_size;
    const uint8_t *nal;

    while (vkv4l2_h264_next_nal(data, size, &pos, &nal, &nal_size) == 0) {
        unsigned type = nal_size ? nal[0] & 0x1f : 0;
        int ret = 0;
        if (type == 7) {
            struct fe_sps tmp;
            if ((ret = fe_parse_sps(nal, nal_size, &tmp)) == 0) {
                unsigned id = tmp.std.seq_parameter_set_id;
                sps[id] = tmp;
                fe_sps_fixup(&sps[id]);
                table[id] = &sps[id];
                print_sps(&sps[id]);
            }
        } else if (type == 8) {
            struct fe_pps pps;
            if ((ret = fe_parse_pps(nal, nal_size, table, &pps)) == 0)
                print_pps(&pps);
        }
        if (ret) {
            fprintf(stderr, "fe-dump: parameter set at %zu: %s\n", (size_t)(nal - data),
                    strerror(-ret));
            return ret;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct vkv4l2_fe fe;
    const struct vkv4l2_fe_picture *pic;
    uint8_t *data = NULL;
    size_t size = 0;
    int ret;

    if (argc != 2) {
        fprintf(stderr, "usage: fe-dump STREAM.h264\n");
        return 2;
    }
    if ((ret = read_file(argv[1], &data, &size))) {
        fprintf(stderr, "fe-dump: %s: %s\n", argv[1], strerror(-ret));
        return 1;
    }
    if ((ret = dump_parameter_sets(data, size)) == 0) {
        vkv4l2_fe_init(&fe, data, size);
        while ((ret = vkv4l2_fe_next_picture(&fe, &pic)) == 0) {
            drain(&fe);
            print_picture(pic);
            if ((ret = vkv4l2_fe_picture_done(&fe)))
                break;
            drain(&fe);
        }
        if (ret == -ENOENT) {
            drain(&fe);
            ret = 0;
        }
        vkv4l2_fe_finish(&fe);
    }
    free(data);
    if (ret) {
        fprintf(stderr, "fe-dump: %s\n", strerror(-ret));
        return 1;
    }
    return 0;
}
