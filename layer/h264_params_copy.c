#include "h264_params_copy.h"

#include <string.h>

void vkv4l2_h264_sps_copy(struct vkv4l2_h264_sps_copy *dst,
                          const StdVideoH264SequenceParameterSet *src)
{
    memset(dst, 0, sizeof(*dst));
    dst->std = *src;
    dst->std.pScalingLists = NULL;
    dst->std.pOffsetForRefFrame = NULL;
    dst->std.pSequenceParameterSetVui = NULL;

    if (src->flags.seq_scaling_matrix_present_flag && src->pScalingLists) {
        dst->scaling_lists = *src->pScalingLists;
        dst->std.pScalingLists = &dst->scaling_lists;
    }

    unsigned n = src->num_ref_frames_in_pic_order_cnt_cycle;
    if (src->pic_order_cnt_type == STD_VIDEO_H264_POC_TYPE_1 && n && src->pOffsetForRefFrame) {
        memcpy(dst->offset_for_ref_frame, src->pOffsetForRefFrame, n * sizeof(int32_t));
        dst->std.pOffsetForRefFrame = dst->offset_for_ref_frame;
    }

    if (src->flags.vui_parameters_present_flag && src->pSequenceParameterSetVui) {
        const StdVideoH264SequenceParameterSetVui *vui = src->pSequenceParameterSetVui;
        dst->vui = *vui;
        dst->vui.pHrdParameters = NULL;
        if ((vui->flags.nal_hrd_parameters_present_flag ||
             vui->flags.vcl_hrd_parameters_present_flag) && vui->pHrdParameters) {
            dst->hrd = *vui->pHrdParameters;
            dst->vui.pHrdParameters = &dst->hrd;
        }
        dst->std.pSequenceParameterSetVui = &dst->vui;
    }
}

void vkv4l2_h264_pps_copy(struct vkv4l2_h264_pps_copy *dst,
                          const StdVideoH264PictureParameterSet *src)
{
    memset(dst, 0, sizeof(*dst));
    dst->std = *src;
    dst->std.pScalingLists = NULL;
    if (src->flags.pic_scaling_matrix_present_flag && src->pScalingLists) {
        dst->scaling_lists = *src->pScalingLists;
        dst->std.pScalingLists = &dst->scaling_lists;
    }
}
