/* A submission's decode plan: what each of its vkCmdDecodeVideoKHR reads
 * and writes, resolved from image views to CAPTURE buffers when the
 * submission arrives (sched_policy.h consumes it). */
#ifndef VKV4L2_DECODE_PLAN_H
#define VKV4L2_DECODE_PLAN_H

#include <vulkan/vulkan.h>

#include "sched_policy.h"

struct vkv4l2_device;
struct vkv4l2_submission;

/* Fills sub->plan (one entry per decode command, in order; an entry whose
 * pictures cannot be resolved has target.buffer 0 and fails when it runs).
 * Returns VK_SUCCESS or VK_ERROR_OUT_OF_HOST_MEMORY. */
VkResult vkv4l2_decode_plan_build(struct vkv4l2_device *dev, struct vkv4l2_submission *sub);

#endif
