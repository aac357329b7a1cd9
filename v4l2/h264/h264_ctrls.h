/* H.264: Vulkan Video std structs -> V4L2 stateless H.264 controls.
 *
 * Pure functions, no allocation, no I/O.  Each builder fully overwrites its
 * output (reserved fields and unused entries zeroed) and returns 0, or
 * -EINVAL when the input is out of the range the spec allows or the kernel
 * would reject (the checks of std_validate_compound() in
 * v4l2-ctrls-core.c), so a corrupt stream becomes an error, never a control
 * the hardware silently misreads.
 *
 * Conditionally-absent syntax elements are written as 0 exactly as the
 * kernel normalizes them on VIDIOC_S_EXT_CTRLS, so what we set is what the
 * driver (and visl's trace) sees. */
#ifndef VKV4L2_H264_CTRLS_H
#define VKV4L2_H264_CTRLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/videodev2.h>
#include <vk_video/vulkan_video_codec_h264std.h>
#include <vk_video/vulkan_video_codec_h264std_decode.h>

#include "h264_slice.h"

/* One reference picture of the current decode, as the layer knows it. */
struct vkv4l2_h264_ref {
    /* v4l2_buffer timestamp (ns, v4l2_timeval_to_ns) of the CAPTURE buffer
     * holding the reference: hantro/rkvdec look references up by it. */
    uint64_t reference_ts;
    const StdVideoDecodeH264ReferenceInfo *info;
    /* Which fields the current picture may reference; at least one must
     * be set (vkv4l2_h264_ref_fields() derives them the Vulkan way). */
    bool top_field_ref;
    bool bottom_field_ref;
};

/* Vulkan rule (VkVideoDecodeH264DpbSlotInfoKHR): top_field_flag and
 * bottom_field_flag say which fields of the slot are referenced; neither
 * set means the frame (both fields). */
static inline void vkv4l2_h264_ref_fields(const StdVideoDecodeH264ReferenceInfo *info,
                                          bool *top, bool *bottom)
{
    bool t = info->flags.top_field_flag, b = info->flags.bottom_field_flag;
    *top = t || !b;
    *bottom = b || !t;
}

/* StdVideoH264LevelIdc -> level_idc as coded (1.0 -> 10, 3.1 -> 31, ...);
 * -EINVAL for an unknown enum.  Level 1b is level_idc 11 with
 * constraint_set3_flag in Baseline/Main (kept), level_idc 9 in High
 * (Vulkan has no enum for it). */
int vkv4l2_h264_level_idc(StdVideoH264LevelIdc level);

int vkv4l2_h264_fill_sps(const StdVideoH264SequenceParameterSet *sps,
                         struct v4l2_ctrl_h264_sps *out);

/* Whether a non-flat scaling matrix applies to pictures using this PPS
 * (V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT): the SPS or PPS carries one. */
bool vkv4l2_h264_scaling_matrix_present(const StdVideoH264SequenceParameterSet *sps,
                                        const StdVideoH264PictureParameterSet *pps);

int vkv4l2_h264_fill_pps(const StdVideoH264SequenceParameterSet *sps,
                         const StdVideoH264PictureParameterSet *pps,
                         struct v4l2_ctrl_h264_pps *out);

/* The scaling lists in force for pictures using this PPS, after the
 * fall-back rules of 7.4.2.1.1 / 7.4.2.2 (Table 7-2), in raster order as
 * V4L2 wants them.  Flat (all 16) when no matrix is present. */
int vkv4l2_h264_fill_scaling_matrix(const StdVideoH264SequenceParameterSet *sps,
                                    const StdVideoH264PictureParameterSet *pps,
                                    struct v4l2_ctrl_h264_scaling_matrix *out);

/* Decode parameters of one picture (frame or field).  sh is the parsed
 * header of its first slice; refs are the picture's reference pictures
 * (at most 16 distinct reference_ts; entries with the same reference_ts,
 * e.g. the two fields of one frame, are merged into one dpb entry). */
int vkv4l2_h264_fill_decode_params(const StdVideoH264SequenceParameterSet *sps,
                                   const StdVideoDecodeH264PictureInfo *pic,
                                   const struct vkv4l2_h264_slice_header *sh,
                                   const struct vkv4l2_h264_ref *refs,
                                   size_t num_refs,
                                   struct v4l2_ctrl_h264_decode_params *out);

/* Everything one picture needs in FRAME_BASED mode. */
struct vkv4l2_h264_picture_ctrls {
    struct v4l2_ctrl_h264_sps sps;
    struct v4l2_ctrl_h264_pps pps;
    struct v4l2_ctrl_h264_scaling_matrix scaling_matrix;
    struct v4l2_ctrl_h264_decode_params decode_params;
};

int vkv4l2_h264_fill_picture_ctrls(const StdVideoH264SequenceParameterSet *sps,
                                   const StdVideoH264PictureParameterSet *pps,
                                   const StdVideoDecodeH264PictureInfo *pic,
                                   const struct vkv4l2_h264_slice_header *sh,
                                   const struct vkv4l2_h264_ref *refs,
                                   size_t num_refs,
                                   struct vkv4l2_h264_picture_ctrls *out);

#define VKV4L2_H264_FRAME_CTRLS 4

/* Fills out[] with SPS, PPS, SCALING_MATRIX, DECODE_PARAMS pointing into
 * *c (which must outlive the ioctl); returns the count (4). */
unsigned vkv4l2_h264_frame_ext_ctrls(struct vkv4l2_h264_picture_ctrls *c,
                                     struct v4l2_ext_control out[VKV4L2_H264_FRAME_CTRLS]);

/* SLICE_BASED mode, per slice.  ref_pic_list0/1 are the final reference
 * lists of the slice (after modification) as indices into the decode
 * params' dpb[]; entries beyond num_ref_idx_lX_active_minus1 are ignored. */
int vkv4l2_h264_fill_slice_params(const struct vkv4l2_h264_slice_header *sh,
                                  const struct v4l2_h264_reference *ref_pic_list0,
                                  const struct v4l2_h264_reference *ref_pic_list1,
                                  struct v4l2_ctrl_h264_slice_params *out);

/* Prediction weights of one slice; all-zero when the slice has none. */
int vkv4l2_h264_fill_pred_weights(const struct vkv4l2_h264_slice_header *sh,
                                  struct v4l2_ctrl_h264_pred_weights *out);

#endif
