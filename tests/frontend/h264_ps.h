/* SPS and PPS parsing into the Vulkan std structs, filled the way FFmpeg's
 * Vulkan hwaccel (libavcodec/vulkan_h264.c) fills them from its own parsed
 * parameter sets, so tests feed the backend what a real client would:
 *  - scaling lists in bitstream (zig-zag) order with the fall-back rules of
 *    Table 7-2 already applied, use_default_scaling_matrix_mask = 0 and
 *    scaling_list_present_mask = the present flags as coded;
 *  - a PPS without its own matrices carries its SPS's lists;
 *  - frame_crop_*_offset in luma samples (CropUnitX/Y applied), as FFmpeg
 *    does (the raw syntax values are kept in `crop_raw`);
 *  - max_num_reorder_frames derived from the level when the VUI has no
 *    bitstream_restriction.
 * The structs point into their container: after copying a container, call
 * the matching *_fixup(). */
#ifndef VKV4L2_FE_H264_PS_H
#define VKV4L2_FE_H264_PS_H

#include <stddef.h>
#include <stdint.h>

#include <vk_video/vulkan_video_codec_h264std.h>

#define FE_MAX_SPS 32
#define FE_MAX_PPS 256

struct fe_sps {
    StdVideoH264SequenceParameterSet std;
    StdVideoH264ScalingLists scaling;
    StdVideoH264SequenceParameterSetVui vui;
    StdVideoH264HrdParameters hrd;
    int32_t offset_for_ref_frame[255];
    uint32_t crop_raw[4];         /* left, right, top, bottom as coded */
    uint32_t width, height;       /* coded size in luma samples */
    uint32_t display_width, display_height;
    uint32_t dpb_frames;          /* DPB capacity for output bumping */
};

struct fe_pps {
    StdVideoH264PictureParameterSet std;
    StdVideoH264ScalingLists scaling;
};

void fe_sps_fixup(struct fe_sps *sps);
void fe_pps_fixup(struct fe_pps *pps);

/* nal: one SPS NAL unit, header byte included, emulation prevention still
 * in.  Returns 0 or -EINVAL (malformed or unsupported: separate colour
 * planes, bit depth > 14). */
int fe_parse_sps(const uint8_t *nal, size_t size, struct fe_sps *out);

/* `sps_table[i]` is the SPS with id i or NULL.  Returns 0, -EINVAL, or
 * -ENOENT when the referenced SPS has not been seen. */
int fe_parse_pps(const uint8_t *nal, size_t size,
                 const struct fe_sps *const sps_table[FE_MAX_SPS],
                 struct fe_pps *out);

#endif
