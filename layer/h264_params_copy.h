/* Self-contained copies of the H.264 parameter sets an application hands to
 * vkCreate/UpdateVideoSessionParametersKHR.  The application may free or
 * reuse its structures as soon as the call returns, while the decode worker
 * reads the sets much later: every pointer of a copy points into the copy.
 *
 * A pointer member is copied only where the flags say it is meaningful
 * (the application may leave garbage in the others) and is NULL otherwise:
 *   SPS pScalingLists            flags.seq_scaling_matrix_present_flag
 *   SPS pOffsetForRefFrame       pic_order_cnt_type == 1 and
 *                                num_ref_frames_in_pic_order_cnt_cycle > 0
 *   SPS pSequenceParameterSetVui flags.vui_parameters_present_flag
 *   VUI pHrdParameters           nal_ or vcl_hrd_parameters_present_flag
 *   PPS pScalingLists            flags.pic_scaling_matrix_present_flag
 * The VUI is kept although V4L2 has no control for it: it is small, and a
 * copy that silently lost data the flags announce would be a trap for the
 * next reader (a software fallback, a trace, a re-serializer). */
#ifndef VKV4L2_H264_PARAMS_COPY_H
#define VKV4L2_H264_PARAMS_COPY_H

#include <stdint.h>

#include <vk_video/vulkan_video_codec_h264std.h>

/* `std` comes first: a pointer to it is a pointer to the whole copy. */
struct vkv4l2_h264_sps_copy {
    StdVideoH264SequenceParameterSet std;
    StdVideoH264ScalingLists scaling_lists;
    StdVideoH264SequenceParameterSetVui vui;
    StdVideoH264HrdParameters hrd;
    int32_t offset_for_ref_frame[UINT8_MAX]; /* the count is a uint8_t */
};

struct vkv4l2_h264_pps_copy {
    StdVideoH264PictureParameterSet std;
    StdVideoH264ScalingLists scaling_lists;
};

/* dst may be uninitialized; src is only read. */
void vkv4l2_h264_sps_copy(struct vkv4l2_h264_sps_copy *dst,
                          const StdVideoH264SequenceParameterSet *src);
void vkv4l2_h264_pps_copy(struct vkv4l2_h264_pps_copy *dst,
                          const StdVideoH264PictureParameterSet *src);

#endif
