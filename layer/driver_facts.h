/* What the driver below offers that decides whether the layer adds video
 * decode to a physical device, and that decision (pure), shared by the
 * layer's physical-device probe and vkv4l2-info. */
#ifndef VKV4L2_DRIVER_FACTS_H
#define VKV4L2_DRIVER_FACTS_H

#include <stdbool.h>
#include <vulkan/vulkan.h>
#include <vulkan/utility/vk_dispatch_table.h>

#include "caps.h"
#include "video_caps.h"

struct vkv4l2_driver_facts {
    bool extensions_read;       /* vkEnumerateDeviceExtensionProperties answered */
    bool native_h264;           /* VK_KHR_video_decode_h264 on the driver itself */
    bool dma_buf;               /* VK_KHR_external_memory_fd + VK_EXT_external_memory_dma_buf */
    bool has_modifier_ext;      /* VK_EXT_image_drm_format_modifier */
    uint32_t api_version;
    char device_name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
    uint32_t family_count;
    VkImageUsageFlags nv12_usage;        /* in both LINEAR and OPTIMAL tiling */
    VkImageCreateFlags nv12_create_flags;
};

/* Asks the driver (vk is the dispatch table below the layer, or the
 * loader's when the layer is not in the chain). */
void vkv4l2_driver_facts_gather(const VkuInstanceDispatchTable *vk, VkPhysicalDevice physdev,
                                struct vkv4l2_driver_facts *out);

enum vkv4l2_verdict {
    VKV4L2_VERDICT_ACTIVE,
    VKV4L2_VERDICT_NO_EXTENSIONS,  /* the driver did not list its extensions */
    VKV4L2_VERDICT_NATIVE_DECODE,  /* the driver decodes H.264 itself */
    VKV4L2_VERDICT_NO_DMA_BUF,
    VKV4L2_VERDICT_VULKAN_1_0,
    VKV4L2_VERDICT_NO_NV12,
    VKV4L2_VERDICT_NO_DECODER,     /* no usable V4L2 H.264 decoder */
};

/* Whether the layer decodes on this device (pure). */
enum vkv4l2_verdict vkv4l2_verdict_decide(const struct vkv4l2_driver_facts *f,
                                          bool decoder_found);
/* A short sentence, e.g. "the driver decodes H.264 itself". */
const char *vkv4l2_verdict_text(enum vkv4l2_verdict v);

/* The video support the layer advertises for a usable H.264 decoder's
 * caps on a driver with these facts (pure). */
void vkv4l2_video_support_from(const struct vkv4l2_driver_facts *f,
                               const struct vkv4l2_decoder_caps *h264,
                               struct vkv4l2_video_support *out);

#endif
