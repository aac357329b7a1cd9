/* Fences given to the layer's decode queues.
 *
 * The driver never sees them signalled by a submission: the decode queue
 * completes on the layer's threads, and handing the application's fence to
 * the driver from there would race with the application's own calls on it
 * (vkQueueSubmit requires the fence to be externally synchronized).  So
 * while such a fence is pending or signalled by the layer, the layer
 * answers vkWaitForFences / vkGetFenceStatus for it, and vkResetFences
 * hands it back to the driver. */
#ifndef VKV4L2_FENCE_H
#define VKV4L2_FENCE_H

#include <vulkan/vulkan.h>

struct vkv4l2_device;

/* A decode-queue submission will signal the fence. */
VkResult vkv4l2_fence_begin(struct vkv4l2_device *dev, VkFence fence);
/* ...and has. */
void vkv4l2_fence_signal(struct vkv4l2_device *dev, VkFence fence);
void vkv4l2_fences_fini(struct vkv4l2_device *dev);

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_WaitForFences(VkDevice device, uint32_t count,
                                                    const VkFence *pFences, VkBool32 waitAll,
                                                    uint64_t timeout);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetFenceStatus(VkDevice device, VkFence fence);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_ResetFences(VkDevice device, uint32_t count,
                                                  const VkFence *pFences);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyFence(VkDevice device, VkFence fence,
                                               const VkAllocationCallbacks *pAllocator);

#endif
