/* Device memory the layer tracks: every allocation's size and host
 * visibility, the zero-copy images whose memory is a CAPTURE dma-buf
 * imported in place of the application's allocation, and a mapping shared
 * between the application and the layer (the decode executor reads
 * bitstream buffers on the CPU). */
#ifndef VKV4L2_MEMORY_H
#define VKV4L2_MEMORY_H

#include <pthread.h>
#include <stdbool.h>
#include <vulkan/vulkan.h>

struct vkv4l2_device;
struct vkv4l2_image;

struct vkv4l2_memory {
    VkDeviceMemory handle;
    VkDeviceSize size;
    uint32_t type_index;
    bool host_visible;
    /* The zero-copy image this allocation imports (NULL otherwise); cleared
     * when the image is destroyed first. */
    struct vkv4l2_image *image;

    /* Mapping.  The driver mapping always covers the whole allocation
     * (offset 0), so the application's map and the layer's share it: the
     * application gets base + its offset. */
    pthread_mutex_t lock;
    void *base;
    bool app_mapped;
    bool layer_mapped; /* the layer keeps its mapping until vkFreeMemory */
    /* A placed mapping (VK_EXT_map_memory_placed) is passed through as the
     * application asked (base then points at its offset); the layer does
     * not read through it. */
    bool placed;
};

/* The tracked allocation, or NULL. */
struct vkv4l2_memory *vkv4l2_memory_get(struct vkv4l2_device *dev, VkDeviceMemory memory);

/* A CPU pointer to [offset, offset + size) of the allocation for the layer
 * itself: maps once (or reuses the application's mapping) and keeps it.
 * VK_ERROR_MEMORY_MAP_FAILED for memory that is not host-visible, a range
 * outside the allocation, or while the application holds a placed mapping. */
VkResult vkv4l2_memory_layer_map(struct vkv4l2_device *dev, struct vkv4l2_memory *mem,
                                 VkDeviceSize offset, VkDeviceSize size, void **out);

/* Entry points (needed only when dev->video; they pass through otherwise). */
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_AllocateMemory(VkDevice device,
                                                     const VkMemoryAllocateInfo *pAllocateInfo,
                                                     const VkAllocationCallbacks *pAllocator,
                                                     VkDeviceMemory *pMemory);
VKAPI_ATTR void VKAPI_CALL vkv4l2_FreeMemory(VkDevice device, VkDeviceMemory memory,
                                             const VkAllocationCallbacks *pAllocator);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_MapMemory(VkDevice device, VkDeviceMemory memory,
                                                VkDeviceSize offset, VkDeviceSize size,
                                                VkMemoryMapFlags flags, void **ppData);
VKAPI_ATTR void VKAPI_CALL vkv4l2_UnmapMemory(VkDevice device, VkDeviceMemory memory);
/* vkMapMemory2 / vkMapMemory2KHR and the unmaps: register for both names
 * when the driver has either. */
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_MapMemory2KHR(VkDevice device,
                                                    const VkMemoryMapInfoKHR *pMemoryMapInfo,
                                                    void **ppData);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_UnmapMemory2KHR(VkDevice device,
                                                      const VkMemoryUnmapInfoKHR *pMemoryUnmapInfo);

/* The same on a known layer device (the entry points resolve the device
 * and call these; tests call them directly). */
VkResult vkv4l2_memory_allocate(struct vkv4l2_device *dev, const VkMemoryAllocateInfo *info,
                                const VkAllocationCallbacks *alloc, VkDeviceMemory *out);
void vkv4l2_memory_free(struct vkv4l2_device *dev, VkDeviceMemory memory,
                        const VkAllocationCallbacks *alloc);
/* Drops the layer's record of an allocation and leaves the allocation to
 * the driver (device teardown, for memory the application leaked). */
void vkv4l2_memory_forget(struct vkv4l2_device *dev, VkDeviceMemory memory);
VkResult vkv4l2_memory_app_map(struct vkv4l2_device *dev, VkDeviceMemory memory,
                               VkDeviceSize offset, VkDeviceSize size, const void *map2_pnext,
                               VkMemoryMapFlags flags, void **out);
VkResult vkv4l2_memory_app_unmap(struct vkv4l2_device *dev, VkDeviceMemory memory,
                                 VkMemoryUnmapFlagsKHR flags);

#endif
