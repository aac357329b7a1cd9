/* How the decode queue honours the application's semaphores and fences
 * (the sync model of docs/architecture.md):
 *   timeline waits    host wait (vkWaitSemaphores)
 *   timeline signals  host signal (vkSignalSemaphore), or in the proxy
 *                     submission when one is made anyway
 *   binary / fences   proxy submissions on the driver queue, serialized with
 *                     the application's use of that queue by
 *                     dev->driver_queue_lock */
#ifndef VKV4L2_SYNC_PROXY_H
#define VKV4L2_SYNC_PROXY_H

#include <stdbool.h>
#include <vulkan/vulkan.h>

struct vkv4l2_queue;
struct vkv4l2_submission;
struct vkv4l2_device;

bool vkv4l2_semaphore_is_timeline(struct vkv4l2_device *dev, VkSemaphore sem);

/* Blocks until every wait operation of sub is satisfied, except those
 * marked done (ordering hints, queue.h).  Returns
 * VK_SUCCESS, or the failure of the driver call that went wrong
 * (VK_ERROR_DEVICE_LOST when the queue is being torn down meanwhile). */
VkResult vkv4l2_sync_wait(struct vkv4l2_queue *q, struct vkv4l2_submission *sub);
/* Performs signal operation k of sub. */
VkResult vkv4l2_sync_signal_one(struct vkv4l2_queue *q, struct vkv4l2_submission *sub, uint32_t k);
/* Signals sub's fence (if any): every signal of it is done. */
void vkv4l2_sync_fence(struct vkv4l2_queue *q, struct vkv4l2_submission *sub);
/* Frees the queue's proxy objects. */
void vkv4l2_sync_fini(struct vkv4l2_queue *q);

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateSemaphore(VkDevice device,
                                                      const VkSemaphoreCreateInfo *pCreateInfo,
                                                      const VkAllocationCallbacks *pAllocator,
                                                      VkSemaphore *pSemaphore);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroySemaphore(VkDevice device, VkSemaphore semaphore,
                                                   const VkAllocationCallbacks *pAllocator);

#endif
