/* H.264 slice-header parsing (ITU-T H.264 7.3.3).
 *
 * Vulkan Video hands the layer the slice data with its start code and the
 * std structs, but not the header fields a V4L2 stateless decoder also needs
 * (hantro G1 reads dec_ref_pic_marking_bit_size and pic_order_cnt_bit_size;
 * v4l2_ctrl_h264_decode_params carries idr_pic_id, the POC lsb/deltas and
 * the bit sizes).  This parser recovers them from the first slice of a
 * picture.  Pure function: no allocation, no I/O. */
#ifndef VKV4L2_H264_SLICE_H
#define VKV4L2_H264_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vk_video/vulkan_video_codec_h264std.h>

#define VKV4L2_H264_MAX_MMCO 66
/* num_ref_idx_lX_active_minus1 is at most 31, so a list holds 32 entries and
 * ref_pic_list_modification() at most 32 operations plus the end marker. */
#define VKV4L2_H264_MAX_REFS 32

struct vkv4l2_h264_mmco {
    uint8_t op;                            /* memory_management_control_operation 1..6 */
    uint32_t difference_of_pic_nums_minus1; /* ops 1, 3 */
    uint32_t long_term_pic_num;             /* op 2 */
    uint32_t long_term_frame_idx;           /* ops 3, 6 */
    uint32_t max_long_term_frame_idx_plus1; /* op 4 */
};

/* One ref_pic_list_modification() operation (7.3.3.1). */
struct vkv4l2_h264_rplm {
    uint8_t modification_of_pic_nums_idc; /* 0, 1 or 2 (3 ends the list) */
    uint32_t value; /* abs_diff_pic_num_minus1 (0, 1) or long_term_pic_num (2) */
};

/* pred_weight_table() (7.3.3.2) with the inferred defaults of 7.4.3.2
 * applied for entries whose luma/chroma_weight_lX_flag is 0. */
struct vkv4l2_h264_pred_weight_table {
    uint32_t luma_log2_weight_denom;
    uint32_t chroma_log2_weight_denom;
    int16_t luma_weight[2][VKV4L2_H264_MAX_REFS];
    int16_t luma_offset[2][VKV4L2_H264_MAX_REFS];
    int16_t chroma_weight[2][VKV4L2_H264_MAX_REFS][2];
    int16_t chroma_offset[2][VKV4L2_H264_MAX_REFS][2];
};

struct vkv4l2_h264_slice_header {
    uint8_t nal_ref_idc;
    uint8_t nal_unit_type;        /* 1 or 5 (20/21 are not supported) */
    uint32_t first_mb_in_slice;
    uint8_t slice_type;           /* 0..4: P, B, I, SP, SI (slice_type % 5) */
    uint8_t pic_parameter_set_id;
    uint8_t colour_plane_id;
    uint32_t frame_num;
    bool field_pic_flag;
    bool bottom_field_flag;
    uint32_t idr_pic_id;
    uint32_t pic_order_cnt_lsb;
    int32_t delta_pic_order_cnt_bottom;
    int32_t delta_pic_order_cnt[2];
    uint32_t redundant_pic_cnt;
    bool direct_spatial_mv_pred_flag;
    bool num_ref_idx_active_override_flag;
    uint32_t num_ref_idx_l0_active_minus1; /* after PPS defaults/override */
    uint32_t num_ref_idx_l1_active_minus1;
    /* dec_ref_pic_marking() */
    bool no_output_of_prior_pics_flag;
    bool long_term_reference_flag;
    bool adaptive_ref_pic_marking_mode_flag;
    uint32_t num_mmco;
    struct vkv4l2_h264_mmco mmco[VKV4L2_H264_MAX_MMCO];
    /* Sizes in bits of syntax elements, as V4L2 decode_params wants them:
     * emulation-prevention bytes are not counted. */
    uint32_t dec_ref_pic_marking_bit_size;
    uint32_t pic_order_cnt_bit_size;
    uint32_t cabac_init_idc;
    int32_t slice_qp_delta;
    /* Bit offset of slice_data() from the start of the NAL header byte, in
     * the RBSP (emulation prevention removed). */
    uint32_t header_bit_size;

    /* Added after the first version of this API (slice-based decoding). */
    bool sp_for_switch_flag;
    int32_t slice_qs_delta;
    uint32_t disable_deblocking_filter_idc;
    int32_t slice_alpha_c0_offset_div2;
    int32_t slice_beta_offset_div2;
    /* Always 0: Vulkan's PPS cannot express slice groups (FMO), so a PPS
     * with num_slice_groups_minus1 > 0 never reaches this parser. */
    uint32_t slice_group_change_cycle;
    /* ref_pic_list_modification(): num_rplm[X] operations for list X,
     * the terminating idc 3 excluded. */
    uint32_t num_rplm[2];
    struct vkv4l2_h264_rplm rplm[2][VKV4L2_H264_MAX_REFS];
    /* Valid when has_pred_weight_table. */
    bool has_pred_weight_table;
    struct vkv4l2_h264_pred_weight_table pwt;
    /* emulation_prevention_three_bytes inside the slice header. */
    uint32_t header_epb_count;
};

/* Returns the pic_parameter_set_id of a slice NAL (first byte = NAL header,
 * no start code), or -EINVAL. */
int vkv4l2_h264_slice_pps_id(const uint8_t *nal, size_t size);

/* Parses the slice header of one slice NAL unit (first byte = NAL header,
 * no start code) given its active SPS and PPS.  Returns 0 or -EINVAL
 * (truncated or out-of-range syntax: the caller reports a corrupt frame). */
int vkv4l2_h264_parse_slice_header(const uint8_t *nal, size_t size,
                                   const StdVideoH264SequenceParameterSet *sps,
                                   const StdVideoH264PictureParameterSet *pps,
                                   struct vkv4l2_h264_slice_header *out);

/* Finds the next Annex-B start code (00 00 01 or 00 00 00 01) at or after
 * *pos.  On success returns 0, sets *nal / *nal_size to the NAL unit after
 * the start code (trailing zero bytes of a 4-byte start code excluded) and
 * advances *pos past it; -ENOENT when no further NAL exists. */
int vkv4l2_h264_next_nal(const uint8_t *data, size_t size, size_t *pos,
                         const uint8_t **nal, size_t *nal_size);

#endif
