/* Buffers: create infos scrubbed of video usage, profile lists and the
 * layer's queue family; video buffers (bitstream) tracked with their memory
 * binding so the decode executor can read them on the CPU. */
#ifndef VKV4L2_BUFFER_H
#define VKV4L2_BUFFER_H

#include <stdint.h>
#include <vulkan/vulkan.h>

struct vkv4l2_device;

struct vkv4l2_buffer {
    VkBuffer handle;
    VkDeviceSize size;
    VkBufferUsageFlags app_usage;
    /* Set by vkBindBufferMemory*; read by the executor (atomics: another
     * thread). */
    VkDeviceMemory memory;
    VkDeviceSize memory_offset;
};

struct vkv4l2_buffer *vkv4l2_buffer_get(struct vkv4l2_device *dev, VkBuffer buffer);

/* A CPU pointer to [offset, offset + range) of a video buffer (offsets
 * relative to the buffer).  The memory is mapped once and stays mapped;
 * the application's own mapping is shared.  Thread-safe.  Returns
 * VK_SUCCESS, VK_ERROR_UNKNOWN for an untracked or unbound buffer,
 * VK_ERROR_MEMORY_MAP_FAILED (not host-visible, range outside the buffer). */
VkResult vkv4l2_buffer_host_ptr(struct vkv4l2_device *dev, VkBuffer buffer, VkDeviceSize offset,
                                VkDeviceSize range, const uint8_t **out);

/* Device-level functions behind the entry points. */
VkResult vkv4l2_buffer_create(struct vkv4l2_device *dev, const VkBufferCreateInfo *ci,
                              const VkAllocationCallbacks *alloc, VkBuffer *out);
void vkv4l2_buffer_destroy(struct vkv4l2_device *dev, VkBuffer buffer,
                           const VkAllocationCallbacks *alloc);
VkResult vkv4l2_buffer_bind(struct vkv4l2_device *dev, uint32_t count,
                            const VkBindBufferMemoryInfo *infos);

/* Entry points: needed only when dev->video (pass-through otherwise).
 * Register vkBindBufferMemory2 also as vkBindBufferMemory2KHR. */
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateBuffer(VkDevice device,
                                                   const VkBufferCreateInfo *pCreateInfo,
                                                   const VkAllocationCallbacks *pAllocator,
                                                   VkBuffer *pBuffer);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyBuffer(VkDevice device, VkBuffer buffer,
                                                const VkAllocationCallbacks *pAllocator);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BindBufferMemory(VkDevice device, VkBuffer buffer,
                                                       VkDeviceMemory memory,
                                                       VkDeviceSize memoryOffset);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BindBufferMemory2(VkDevice device, uint32_t bindInfoCount,
                                                        const VkBindBufferMemoryInfo *pBindInfos);

#endif
