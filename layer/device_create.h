/* Rewriting VkDeviceCreateInfo for the driver: the layer's queue family and
 * video extensions removed, the extensions the layer itself needs added,
 * and a spare driver queue requested where the family has one. */
#ifndef VKV4L2_DEVICE_CREATE_H
#define VKV4L2_DEVICE_CREATE_H

#include <stdbool.h>
#include <vulkan/vulkan.h>

#include "arena.h"

struct vkv4l2_device_plan {
    /* Inputs */
    uint32_t decode_family;          /* the layer's family index */
    const VkQueueFamilyProperties *driver_families;
    uint32_t driver_family_count;
    uint32_t driver_api_version;
    bool driver_has_modifier_ext;
    /* Outputs */
    bool video_enabled;              /* the app enabled VK_KHR_video_decode_queue */
    uint32_t decode_queue_count;     /* queues requested in the layer's family */
    uint32_t driver_queue_family;    /* family of the queue the layer uses */
    uint32_t driver_queue_index;
    bool driver_queue_is_spare;      /* requested for the layer alone */
    bool driver_queue_found;
};

/* Fills *out (pointing into arena memory) from the application's create
 * info.  Returns VK_SUCCESS, VK_ERROR_OUT_OF_HOST_MEMORY, or
 * VK_ERROR_INITIALIZATION_FAILED when the layer's family is requested but
 * no driver queue usable for copies exists. */
VkResult vkv4l2_device_plan_create_info(struct vkv4l2_device_plan *plan,
                                        const VkDeviceCreateInfo *in, struct vkv4l2_arena *arena,
                                        VkDeviceCreateInfo *out);

#endif
