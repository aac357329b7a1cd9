/* What an application hands the recorder, built the way FFmpeg 7.1 records
 * an H.264 frame (libavcodec/vulkan_h264.c fills the structs,
 * vulkan_decode.c ff_vk_decode_frame records them), plus checkers that
 * compare a recorded command, field by field and through every chain,
 * with an independently built copy of the same frame.  Everything is
 * derived from a seed, so "want" is rebuilt rather than remembered: the
 * recorded original can be scribbled over and freed first. */
#ifndef APP_FRAMES_H
#define APP_FRAMES_H

#include <stdio.h>
#include <stdlib.h>

#include "cmd_record.h"

#define EXPECT(cond)                                                        \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: expectation failed: %s\n", __FILE__,    \
                    __LINE__, #cond);                                       \
            abort();                                                        \
        }                                                                   \
    } while (0)

#define APP_MAX_REFS 16

/* One frame's parameters, laid out like FFmpeg's H264VulkanDecodePicture
 * and the locals of ff_vk_decode_frame (shared sub-structs included: the
 * setup slot and the begin-coding "-1" slot point at the same picture
 * resource and DPB slot info). */
struct app_h264_frame {
    uint32_t seed;
    VkQueryPool query_pool;
    uint32_t query;

    StdVideoDecodeH264ReferenceInfo h264_ref;
    VkVideoDecodeH264DpbSlotInfoKHR vkh264_ref;
    VkVideoPictureResourceInfoKHR ref;
    VkVideoReferenceSlotInfoKHR ref_slot;

    StdVideoDecodeH264ReferenceInfo h264_refs[APP_MAX_REFS];
    VkVideoDecodeH264DpbSlotInfoKHR vkh264_refs[APP_MAX_REFS];
    VkVideoPictureResourceInfoKHR refs[APP_MAX_REFS];
    VkVideoReferenceSlotInfoKHR ref_slots[APP_MAX_REFS + 1];

    StdVideoDecodeH264PictureInfo h264pic;
    VkVideoDecodeH264PictureInfoKHR h264_pic_info;
    uint32_t *slice_off; /* its own allocation, like FFmpeg's dec->slice_off */

    VkVideoDecodeInfoKHR decode_info;
    VkVideoBeginCodingInfoKHR decode_start;
    VkVideoEndCodingInfoKHR decode_end;
    VkImageMemoryBarrier2 img_bar[APP_MAX_REFS + 1];
    VkDependencyInfo dep;
};

/* Commands app_h264_frame_record appends per frame. */
#define APP_FRAME_CMDS 7

struct app_h264_frame *app_h264_frame_new(uint32_t seed, uint32_t nb_refs, uint32_t nb_slices);
/* Overwrites every byte the recorder could have kept a pointer to. */
void app_h264_frame_scribble(struct app_h264_frame *f);
void app_h264_frame_free(struct app_h264_frame *f); /* scribbles first */

/* ResetQueryPool, PipelineBarrier2, BeginVideoCoding, BeginQuery,
 * DecodeVideo, EndQuery, EndVideoCoding.  Returns the first failure. */
VkResult app_h264_frame_record(struct vkv4l2_cmd_list *list, const struct app_h264_frame *f);
/* Checks the APP_FRAME_CMDS commands from cmd on; returns the one after. */
const struct vkv4l2_cmd *app_h264_frame_check(const struct vkv4l2_cmd *cmd,
                                              const struct app_h264_frame *want);

/* FFmpeg's decode_reset(): begin (no slots) / control RESET / end. */
#define APP_RESET_CMDS 3
VkResult app_record_reset(struct vkv4l2_cmd_list *list, uint32_t seed);
const struct vkv4l2_cmd *app_check_reset(const struct vkv4l2_cmd *cmd, uint32_t seed);

/* Field-by-field checks shared with the other tests. */
void app_check_picture_resource(const VkVideoPictureResourceInfoKHR *got,
                                const VkVideoPictureResourceInfoKHR *want);
void app_check_image_barrier2(const VkImageMemoryBarrier2 *got,
                              const VkImageMemoryBarrier2 *want);
void app_check_dependency_info(const VkDependencyInfo *got, const VkDependencyInfo *want);

/* A copied struct equals the original but for its pNext (dropped: NULL). */
void app_check_flat_copy(const void *got, const void *want, size_t size);
/* Heap struct filled with seeded bytes, then given sType and a NULL pNext. */
void *app_new_filled(size_t size, VkStructureType stype, uint32_t *state);
void app_scribble_free(void *p, size_t size);

/* Deterministic filler. */
uint32_t app_rand(uint32_t *state);
void app_fill(void *p, size_t n, uint32_t *state);
#define APP_HANDLE(type, v) ((type)(uintptr_t)(v))

#endif
