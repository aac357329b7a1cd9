/* Video images and their memory: the import ladder.
 *
 * A video image (VkVideoProfileListInfoKHR in its create info, or a
 * VIDEO_DECODE_DST/DPB usage) gets one V4L2 CAPTURE buffer per array layer,
 * allocated by the decoder itself (v4l2/capture_alloc.h).  Then, per image:
 *   (a) MODIFIER: the driver image has an explicit LINEAR DRM format
 *       modifier layout at the V4L2 offsets and pitch, and its memory is
 *       the dma-buf;
 *   (b) LINEAR_DISJOINT: a LINEAR DISJOINT image whose planes are bound at
 *       the V4L2 plane offsets of the dma-buf, when the driver's own pitch
 *       equals bytesperline;
 *   (c) COPY: the image is the application's (ordinary memory); the dma-buf
 *       is imported as a VkBuffer and copied into the image after each
 *       decode (vkv4l2_image_record_copy).
 * For (a) and (b) the application's dedicated allocation is replaced by an
 * import of the dma-buf, and its single bind by the per-plane binds; an
 * image bound to any other memory gets an import of the layer's own (the
 * application's memory then goes unused). */
#ifndef VKV4L2_IMAGE_H
#define VKV4L2_IMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "layout.h"

struct vkv4l2_device;

/* One CAPTURE buffer (one array layer). */
struct vkv4l2_image_capture {
    int fd;        /* dma-buf, owned by the image */
    uint64_t size; /* its size */
    /* COPY rung: the dma-buf imported as a transfer source. */
    VkBuffer buffer;
    VkDeviceMemory buffer_memory;
};

struct vkv4l2_image {
    VkImage handle;
    enum vkv4l2_rung rung;
    char reason[160];
    VkFormat format;
    VkExtent3D extent;
    uint32_t array_layers;
    VkImageUsageFlags app_usage;    /* as the application asked */
    VkImageUsageFlags driver_usage; /* as created at driver level */
    VkImageCreateFlags driver_flags;
    struct vkv4l2_nv12_layout layout; /* of every layer's CAPTURE buffer */
    uint32_t capture_count;           /* == array_layers */
    struct vkv4l2_image_capture *captures;

    /* Zero-copy rungs: what the application is told and what it binds. */
    VkDeviceSize alloc_size;      /* == captures[0].size */
    VkDeviceSize alloc_alignment;
    uint32_t memory_type_bits;    /* driver requirement & dma-buf importable */
    VkDeviceMemory memory;        /* the import, once allocated */
    bool memory_owned;            /* imported at bind time: freed with the image */

    /* For the executor (the lead's code); the image code never touches it. */
    void *executor_data;
};

struct vkv4l2_image_view {
    VkImageView handle;
    struct vkv4l2_image *image;
    uint32_t base_layer;
};

/* Called by vkDestroyImage before the image goes away (implemented by the
 * decode executor: it must stop using the image's CAPTURE buffers). */
void vkv4l2_image_destroyed_hook(struct vkv4l2_device *dev, struct vkv4l2_image *img);

/* The dma-buf of an array layer's CAPTURE buffer (-1 for a bad layer). */
static inline int vkv4l2_image_capture_fd(const struct vkv4l2_image *img, uint32_t layer)
{
    return layer < img->capture_count ? img->captures[layer].fd : -1;
}

/* The image is filled by vkv4l2_image_record_copy after each decode. */
static inline bool vkv4l2_image_needs_copy(const struct vkv4l2_image *img)
{
    return img->rung == VKV4L2_RUNG_COPY;
}

/* The tracked video image / video image view, or NULL. */
struct vkv4l2_image *vkv4l2_image_get(struct vkv4l2_device *dev, VkImage image);
struct vkv4l2_image_view *vkv4l2_image_view_get(struct vkv4l2_device *dev, VkImageView view);

/* Records, into a command buffer of dev->driver_queue_family, the copy of
 * array layer `array_layer`'s CAPTURE buffer into a COPY-rung image, with
 * the barriers around it (the dma-buf acquired from and released to
 * VK_QUEUE_FAMILY_EXTERNAL; the image in GENERAL, every earlier access
 * ordered before the copy and the copy before every later access).
 * VK_ERROR_FEATURE_NOT_PRESENT for an image of another rung,
 * VK_ERROR_INITIALIZATION_FAILED for a layer out of range. */
VkResult vkv4l2_image_record_copy(struct vkv4l2_device *dev, const struct vkv4l2_image *img,
                                  uint32_t array_layer, VkCommandBuffer cmd);

/* Images created per rung since load (all devices), for tests and logs. */
struct vkv4l2_image_stats {
    unsigned modifier, linear_disjoint, copy;
};
struct vkv4l2_image_stats vkv4l2_image_stats_get(void);

/* Called by vkv4l2_AllocateMemory for a dedicated allocation: when `image`
 * is a zero-copy video image, imports its dma-buf and returns VK_SUCCESS
 * with *out; VK_NOT_READY when the image is not one (allocate normally). */
VkResult vkv4l2_image_import_memory(struct vkv4l2_device *dev, VkImage image,
                                    const VkMemoryAllocateInfo *info,
                                    const VkAllocationCallbacks *alloc, VkDeviceMemory *out,
                                    struct vkv4l2_image **imported);

/* Device-level functions behind the entry points (tests call them). */
VkResult vkv4l2_image_create(struct vkv4l2_device *dev, const VkImageCreateInfo *ci,
                             const VkAllocationCallbacks *alloc, VkImage *out);
void vkv4l2_image_destroy(struct vkv4l2_device *dev, VkImage image,
                          const VkAllocationCallbacks *alloc);

/* Entry points.  All are needed only when dev->video (each passes straight
 * through otherwise).  Register the *2 ones also under their KHR names. */
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateImage(VkDevice device,
                                                  const VkImageCreateInfo *pCreateInfo,
                                                  const VkAllocationCallbacks *pAllocator,
                                                  VkImage *pImage);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyImage(VkDevice device, VkImage image,
                                               const VkAllocationCallbacks *pAllocator);
VKAPI_ATTR void VKAPI_CALL vkv4l2_GetImageMemoryRequirements(VkDevice device, VkImage image,
                                                             VkMemoryRequirements *pReqs);
VKAPI_ATTR void VKAPI_CALL vkv4l2_GetImageMemoryRequirements2(
    VkDevice device, const VkImageMemoryRequirementsInfo2 *pInfo, VkMemoryRequirements2 *pReqs);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BindImageMemory(VkDevice device, VkImage image,
                                                      VkDeviceMemory memory,
                                                      VkDeviceSize memoryOffset);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BindImageMemory2(VkDevice device, uint32_t bindInfoCount,
                                                       const VkBindImageMemoryInfo *pBindInfos);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateImageView(VkDevice device,
                                                      const VkImageViewCreateInfo *pCreateInfo,
                                                      const VkAllocationCallbacks *pAllocator,
                                                      VkImageView *pView);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyImageView(VkDevice device, VkImageView imageView,
                                                   const VkAllocationCallbacks *pAllocator);

#endif
