/* The driver's answers the import ladder needs (modifier support, LINEAR
 * DISJOINT import, its plane layouts, its alignment rule), asked through
 * plain dispatch tables so that the layer's images and vkv4l2-info take
 * the same decision (vkv4l2_rung_decide) from the same questions. */
#ifndef VKV4L2_IMPORT_QUERY_H
#define VKV4L2_IMPORT_QUERY_H

#include <stdbool.h>
#include <vulkan/vulkan.h>
#include <vulkan/utility/vk_dispatch_table.h>

#include "layout.h"

struct vkv4l2_import_query {
    const VkuInstanceDispatchTable *ivk;
    VkPhysicalDevice physdev;
    const VkuDeviceDispatchTable *dvk;
    VkDevice device;
    bool has_modifier_ext;       /* VK_EXT_image_drm_format_modifier enabled */
    uint32_t driver_api_version;
};

/* Fills every field of *in but v4l2 from the driver for an image created
 * with base (the scrubbed create info).  When the LINEAR DISJOINT rung was
 * tried, *trial holds that image (the caller keeps or destroys it). */
void vkv4l2_import_gather(const struct vkv4l2_import_query *q, const VkImageCreateInfo *base,
                          const VkAllocationCallbacks *alloc, struct vkv4l2_rung_inputs *in,
                          VkImage *trial);

#endif
