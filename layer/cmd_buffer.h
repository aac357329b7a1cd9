/* The layer's command pools and dispatchable command buffers for the
 * decode family.  Recording deep-copies each command (cmd_record.h); the
 * decode queue executes the copies later. */
#ifndef VKV4L2_CMD_BUFFER_H
#define VKV4L2_CMD_BUFFER_H

#include <pthread.h>
#include <vulkan/vulkan.h>

#include "cmd_record.h"

struct vkv4l2_device;
struct vkv4l2_cmd_pool;

struct vkv4l2_cmd_buffer {
    void *loader_data; /* must be first: the loader's dispatch pointer */
    struct vkv4l2_device *dev;
    struct vkv4l2_cmd_pool *pool;
    struct vkv4l2_cmd_buffer *next_in_pool;
    struct vkv4l2_cmd_list list;
    bool recording;
    /* Session parameters the recorded commands use, one reference each,
     * dropped when the recording is (vkv4l2_session_params_hold). */
    struct vkv4l2_video_session_params **held_params;
    uint32_t held_count, held_cap;
};

struct vkv4l2_cmd_pool {
    VkCommandPoolCreateFlags flags;
    VkAllocationCallbacks alloc;
    bool has_alloc;
    pthread_mutex_t lock; /* the buffer list (pools are externally synchronized,
                           * but the device map is shared) */
    struct vkv4l2_cmd_buffer *buffers;
};

/* Keeps the session parameters object of `handle` alive as long as the
 * recording of `cb` (no-op for VK_NULL_HANDLE or an unknown handle). */
VkResult vkv4l2_cmd_buffer_hold_params(struct vkv4l2_cmd_buffer *cb,
                                       VkVideoSessionParametersKHR handle);

/* Our command buffer behind a handle, or NULL for a driver one. */
struct vkv4l2_cmd_buffer *vkv4l2_cmd_buffer_get(struct vkv4l2_device *dev, VkCommandBuffer cb);

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateCommandPool(VkDevice device,
                                                        const VkCommandPoolCreateInfo *pCreateInfo,
                                                        const VkAllocationCallbacks *pAllocator,
                                                        VkCommandPool *pCommandPool);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyCommandPool(VkDevice device, VkCommandPool commandPool,
                                                     const VkAllocationCallbacks *pAllocator);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_ResetCommandPool(VkDevice device, VkCommandPool commandPool,
                                                       VkCommandPoolResetFlags flags);
VKAPI_ATTR void VKAPI_CALL vkv4l2_TrimCommandPool(VkDevice device, VkCommandPool commandPool,
                                                  VkCommandPoolTrimFlags flags);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_AllocateCommandBuffers(
    VkDevice device, const VkCommandBufferAllocateInfo *pInfo, VkCommandBuffer *pCommandBuffers);
VKAPI_ATTR void VKAPI_CALL vkv4l2_FreeCommandBuffers(VkDevice device, VkCommandPool commandPool,
                                                     uint32_t count,
                                                     const VkCommandBuffer *pCommandBuffers);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BeginCommandBuffer(VkCommandBuffer commandBuffer,
                                                         const VkCommandBufferBeginInfo *pInfo);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_EndCommandBuffer(VkCommandBuffer commandBuffer);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_ResetCommandBuffer(VkCommandBuffer commandBuffer,
                                                         VkCommandBufferResetFlags flags);

#endif
