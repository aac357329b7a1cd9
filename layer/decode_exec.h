/* Executing the recorded commands of a decode-queue submission.
 *
 * The submitter thread runs vkv4l2_exec_run(): it walks the command
 * buffers in order, translates each vkCmdDecodeVideoKHR into V4L2 controls
 * and queues it on the session's V4L2 decoder once its CAPTURE buffer may be
 * written (no decode in flight reads or writes it, implicit fences
 * signalled).  The completer thread runs vkv4l2_exec_complete(): it waits
 * for those decodes and publishes query results. */
#ifndef VKV4L2_DECODE_EXEC_H
#define VKV4L2_DECODE_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "dpb_track.h"

struct vkv4l2_queue;
struct vkv4l2_submission;
struct vkv4l2_session_runtime;
struct vkv4l2_image;
struct vkv4l2_query_pool;

struct vkv4l2_decode {
    struct vkv4l2_decode *next;
    struct vkv4l2_session_runtime *rt; /* NULL when nothing was queued */
    struct vkv4l2_image *target;
    uint32_t target_layer;
    uint64_t target_id;
    uint64_t ts;
    uint32_t nrefs;
    uint64_t ref_ids[VKV4L2_DPB_TRACK_MAX];
    bool queued, done;
    int status; /* 0, or -errno: the frame is reported as an error */
    struct vkv4l2_query_pool *query;
    uint32_t query_index;
};

VkResult vkv4l2_exec_run(struct vkv4l2_queue *q, struct vkv4l2_submission *sub);
VkResult vkv4l2_exec_complete(struct vkv4l2_queue *q, struct vkv4l2_submission *sub);
/* Frees the execution state of a finished submission. */
void vkv4l2_exec_release(struct vkv4l2_submission *sub);

/* The name a decoded H.264 picture is tracked by: its two field POCs,
 * as the picture info and the reference infos both carry them. */
static inline uint64_t vkv4l2_h264_picture_tag(const int32_t poc[2])
{
    return ((uint64_t)(uint32_t)poc[1] << 32) | (uint32_t)poc[0];
}

/* The id a CAPTURE buffer is tracked by. */
static inline uint64_t vkv4l2_buffer_id(const struct vkv4l2_image *img, uint32_t layer)
{
    return ((uint64_t)(uintptr_t)img << 8) | (layer & 0xff);
}

#endif
