/* GPU copies for images on the copy rung of the import ladder.
 *
 * The copy must run after the decode and before anyone reads the image,
 * on a driver queue the layer may share with the application.  Mesa's
 * queues execute in order, so a copy submitted when the decode finishes
 * would sit behind the application's own work that already waits for the
 * decode's semaphores (a deadlock), and a copy submitted at vkQueueSubmit
 * time, waiting for the decode, would stall everything the application
 * queues after it (including the work the decode itself may depend on).
 *
 * So the copy travels with its first reader: a decode submission that
 * writes copy-path images registers a copy job keyed by the semaphore
 * values it signals; the first application submission on a driver queue
 * that waits for one of those values and reads the image (a barrier on it
 * in one of its command buffers, copy_readers.h) gets the copy as its first
 * command buffer, after its waits.  A picture nobody reads that way is never
 * copied: a client that waits for the decode on the host and then reads
 * the image with no semaphore wait gets no copy (a known limit; copying
 * when the decode is done would queue the copy behind application work
 * that may wait for the layer's other signals, see docs/architecture.md). */
#ifndef VKV4L2_COPY_PATH_H
#define VKV4L2_COPY_PATH_H

#include <stdbool.h>
#include <vulkan/vulkan.h>

#include "arena.h"

struct vkv4l2_device;
struct vkv4l2_queue;
struct vkv4l2_submission;
struct vkv4l2_image;

/* Registers the copies a decode submission needs (none: no-op), for the
 * submission numbered seq.  Call before it is queued. */
VkResult vkv4l2_copy_path_register(struct vkv4l2_queue *q, const struct vkv4l2_submission *sub,
                                   uint64_t seq);
/* A value of `sem` that submission seq signals is reached before that
 * submission completed (a higher value was signalled first, or its signal
 * was released early: sched_policy.h): a wait on sem no longer proves the
 * decode done, so it no longer triggers the copy. */
void vkv4l2_copy_path_drop_trigger(struct vkv4l2_device *dev, const struct vkv4l2_queue *q,
                                   uint64_t seq, VkSemaphore sem);

/* Driver-queue submissions: prepends the pending copies whose trigger one
 * of the waits satisfies.  *out is `in` when nothing changes, else an arena
 * copy.  *fence_needed: the caller must submit a layer fence after the
 * application's submission (vkv4l2_copy_path_fence) to recycle the copy
 * command buffers. */
VkResult vkv4l2_copy_path_attach2(struct vkv4l2_device *dev, uint32_t family,
                                  struct vkv4l2_arena *arena, uint32_t count,
                                  const VkSubmitInfo2 *in, const VkSubmitInfo2 **out,
                                  bool *fence_needed);
VkResult vkv4l2_copy_path_attach1(struct vkv4l2_device *dev, uint32_t family,
                                  struct vkv4l2_arena *arena, uint32_t count,
                                  const VkSubmitInfo *in, const VkSubmitInfo **out,
                                  bool *fence_needed);
/* The fence to submit (empty submission) right after; under the queue's
 * lock.  VK_NULL_HANDLE when none is needed. */
VkFence vkv4l2_copy_path_fence(struct vkv4l2_device *dev);

/* An image is destroyed: forget its pending copies. */
void vkv4l2_copy_path_forget_image(struct vkv4l2_device *dev, const struct vkv4l2_image *img);
void vkv4l2_copy_path_fini(struct vkv4l2_device *dev);

#endif
