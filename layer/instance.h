/* Layer instance state and the instance / physical-device entry points. */
#ifndef VKV4L2_INSTANCE_H
#define VKV4L2_INSTANCE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <vulkan/vk_layer.h>
#include <vulkan/utility/vk_dispatch_table.h>

#include "settings.h"

struct vkv4l2_instance {
    VkInstance handle;
    VkuInstanceDispatchTable vtbl;
    PFN_vkGetInstanceProcAddr next_gipa;
    PFN_GetPhysicalDeviceProcAddr next_gpdpa;
    uint32_t api_version; /* as requested by the application (1.0 if none) */
    bool debug_utils;     /* VK_EXT_debug_utils enabled */
    /* Messengers chained to VkInstanceCreateInfo: the only ones that may be
     * called while the instance is created or destroyed. */
    VkDebugUtilsMessengerCreateInfoEXT create_messengers[4];
    uint32_t create_messenger_count;
    atomic_bool in_lifecycle;
    /* Read once at creation (settings_read.h); constant afterwards. */
    struct vkv4l2_settings settings;
};

struct vkv4l2_instance *vkv4l2_instance_get(VkInstance instance);
/* The instance a physical device was enumerated from (NULL if unknown). */
struct vkv4l2_instance *vkv4l2_instance_from_physdev(VkPhysicalDevice physdev);

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateInstance(const VkInstanceCreateInfo *pCreateInfo,
                                                     const VkAllocationCallbacks *pAllocator,
                                                     VkInstance *pInstance);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyInstance(VkInstance instance,
                                                  const VkAllocationCallbacks *pAllocator);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_EnumeratePhysicalDevices(VkInstance instance,
                                                               uint32_t *pCount,
                                                               VkPhysicalDevice *pDevices);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_EnumeratePhysicalDeviceGroups(
    VkInstance instance, uint32_t *pCount, VkPhysicalDeviceGroupProperties *pGroups);

#endif
