/* Which copy-rung images each application command buffer (driver family)
 * reads, learnt from its barriers on them: a copy-path copy rides only with
 * a submission that reads its image (copy_path.h).
 *
 * Semaphores alone cannot say it: FFmpeg's decode signals the timeline of
 * every frame it touches (output and references), so a wait on a reference
 * frame's semaphore does not mean the reader wants this decode's output --
 * and with the data-ordered queue (sched_policy.h) such a value may even be
 * reached before this decode ran.  Every client we serve moves the image
 * out of its video layout with a barrier in the command buffer that reads
 * it (FFmpeg hwdownload, libplacebo, GStreamer vulkandownload). */
#ifndef VKV4L2_COPY_READERS_H
#define VKV4L2_COPY_READERS_H

#include <stdbool.h>
#include <vulkan/vulkan.h>

struct vkv4l2_device;
struct vkv4l2_image;

/* A barrier on `image` was recorded into a driver command buffer. */
void vkv4l2_copy_readers_note(struct vkv4l2_device *dev, VkCommandBuffer cb, VkImage image);
/* The command buffer is re-begun, reset or freed: it reads nothing yet. */
void vkv4l2_copy_readers_reset(struct vkv4l2_device *dev, VkCommandBuffer cb);
/* Does the command buffer read the image? */
bool vkv4l2_copy_readers_reads(struct vkv4l2_device *dev, VkCommandBuffer cb,
                               const struct vkv4l2_image *img);
/* Device teardown. */
void vkv4l2_copy_readers_fini(struct vkv4l2_device *dev);

#endif
