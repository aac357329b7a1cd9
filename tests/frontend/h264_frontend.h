/* A "Vulkan-client-like" H.264 frontend for tests: from an Annex-B stream
 * it produces, picture by picture, what FFmpeg's Vulkan hwaccel hands a
 * Vulkan Video implementation (libavcodec/vulkan_h264.c): SPS/PPS std
 * structs, StdVideoDecodeH264PictureInfo, the setup slot and the active
 * reference slots with their StdVideoDecodeH264ReferenceInfo, and the
 * picture's slices each behind a 00 00 01 start code; plus the output
 * order, so a test can print frames like `ffmpeg -f framemd5`.
 *
 * Use:
 *     while ((r = vkv4l2_fe_next_picture(fe, &pic)) == 0) {
 *         drain vkv4l2_fe_pop_output()  (earlier pictures, e.g. at an IDR)
 *         decode pic into slot pic->setup_slot
 *         vkv4l2_fe_picture_done(fe);
 *         drain vkv4l2_fe_pop_output()  (may include pic itself)
 *     }
 *     r == -ENOENT: the end; drain vkv4l2_fe_pop_output() a last time.
 * A popped slot keeps its picture until the next vkv4l2_fe_next_picture()
 * call; a slot named in refs[] or as setup_slot is never given to another
 * picture while the current one may still read it.
 *
 * Frames only: field pictures return -ENOTSUP (MBAFF frames are frames). */
#ifndef VKV4L2_FE_H264_FRONTEND_H
#define VKV4L2_FE_H264_FRONTEND_H

#include <stddef.h>
#include <stdint.h>

#include <vk_video/vulkan_video_codec_h264std_decode.h>

#include "h264/h264_slice.h"
#include "h264_dpb.h"
#include "h264_output.h"
#include "h264_poc.h"
#include "h264_ps.h"

struct vkv4l2_fe_picture {
    const struct fe_sps *sps;             /* valid until the next call */
    const struct fe_pps *pps;
    struct vkv4l2_h264_slice_header sh;   /* first slice's header */
    StdVideoDecodeH264PictureInfo info;
    int setup_slot;
    StdVideoDecodeH264ReferenceInfo setup_info;
    unsigned num_refs;
    int ref_slots[FE_MAX_SLOTS];
    StdVideoDecodeH264ReferenceInfo refs[FE_MAX_SLOTS];
    const uint8_t *bitstream;             /* slices, each 00 00 01 + NAL */
    size_t bitstream_size;
    const uint32_t *slice_offsets;        /* start-code offsets */
    unsigned num_slices;
    size_t stream_offset;                 /* where its access unit starts */
    uint64_t decode_index;                /* 0, 1, 2... in decoding order */
};

struct vkv4l2_fe_output {
    int slot;
    uint64_t decode_index;
    int32_t poc;
    size_t stream_offset;
    uint32_t coded_width, coded_height;
    uint32_t crop_left, crop_top, display_width, display_height;
};

struct vkv4l2_fe {
    const uint8_t *data;
    size_t size, pos;
    struct fe_sps *sps[FE_MAX_SPS];
    struct fe_pps *pps[FE_MAX_PPS];
    struct fe_dpb dpb;
    struct fe_output out;
    struct fe_poc_state poc_state;
    uint32_t prev_ref_frame_num;
    struct vkv4l2_fe_picture cur;
    struct fe_poc cur_poc;
    bool cur_pending;
    uint8_t *bits;
    size_t bits_cap;
    uint32_t *offsets;
    unsigned offsets_cap;
    struct vkv4l2_fe_output slot_out[FE_MAX_SLOTS];
    bool popped[FE_MAX_SLOTS];
    uint64_t decoded;
};

int vkv4l2_fe_init(struct vkv4l2_fe *fe, const uint8_t *data, size_t size);
void vkv4l2_fe_finish(struct vkv4l2_fe *fe);

/* 0 and *pic, -ENOENT at the end of the stream (all pictures then wait in
 * the output FIFO), -EINVAL for a corrupt stream, -ENOTSUP for what the
 * frontend does not handle, -ENOMEM. */
int vkv4l2_fe_next_picture(struct vkv4l2_fe *fe, const struct vkv4l2_fe_picture **pic);

/* Reference marking and output bumping of the picture just returned. */
int vkv4l2_fe_picture_done(struct vkv4l2_fe *fe);

/* Next picture in output order: 0 or -ENOENT. */
int vkv4l2_fe_pop_output(struct vkv4l2_fe *fe, struct vkv4l2_fe_output *out);

#endif
