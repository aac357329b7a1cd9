/* Per physical device state: whether the layer adds video decode there
 * (decided once, lazily, by probing the V4L2 decoders and the driver), and
 * the physical-device entry points that report it. */
#ifndef VKV4L2_PHYSDEV_H
#define VKV4L2_PHYSDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <vulkan/vulkan.h>

#include "discover.h"
#include "caps.h"
#include "video_caps.h"

struct vkv4l2_instance;

struct vkv4l2_physdev {
    VkPhysicalDevice handle;
    struct vkv4l2_instance *inst;

    pthread_once_t probe_once;
    /* Valid after vkv4l2_physdev_probe(): */
    bool video;                 /* decode is advertised on this device */
    uint32_t driver_family_count;
    uint32_t decode_family;     /* == driver_family_count when video */
    uint32_t driver_api_version;
    bool has_modifier_ext;      /* VK_EXT_image_drm_format_modifier */
    bool has_dma_buf_fence_ext; /* (reserved for sync-file import) */
    struct vkv4l2_decoder_node h264_node;
    struct vkv4l2_decoder_caps h264_caps;
    struct vkv4l2_video_support support;
    char device_name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
};

/* Registers a physical device of an instance (on enumeration). */
int vkv4l2_physdev_add(struct vkv4l2_instance *inst, VkPhysicalDevice handle);
/* Forgets every physical device of an instance. */
void vkv4l2_physdev_remove_instance(struct vkv4l2_instance *inst);
struct vkv4l2_physdev *vkv4l2_physdev_get(VkPhysicalDevice handle);
/* Probes once; returns the physical device (never NULL for a known handle). */
struct vkv4l2_physdev *vkv4l2_physdev_probed(VkPhysicalDevice handle);


VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_EnumerateDeviceExtensionProperties(
    VkPhysicalDevice physicalDevice, const char *pLayerName, uint32_t *pPropertyCount,
    VkExtensionProperties *pProperties);
VKAPI_ATTR void VKAPI_CALL vkv4l2_GetPhysicalDeviceQueueFamilyProperties(
    VkPhysicalDevice physicalDevice, uint32_t *pCount, VkQueueFamilyProperties *pProps);
VKAPI_ATTR void VKAPI_CALL vkv4l2_GetPhysicalDeviceQueueFamilyProperties2(
    VkPhysicalDevice physicalDevice, uint32_t *pCount, VkQueueFamilyProperties2 *pProps);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetPhysicalDeviceVideoCapabilitiesKHR(
    VkPhysicalDevice physicalDevice, const VkVideoProfileInfoKHR *pVideoProfile,
    VkVideoCapabilitiesKHR *pCapabilities);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetPhysicalDeviceVideoFormatPropertiesKHR(
    VkPhysicalDevice physicalDevice, const VkPhysicalDeviceVideoFormatInfoKHR *pInfo,
    uint32_t *pCount, VkVideoFormatPropertiesKHR *pProps);
VKAPI_ATTR void VKAPI_CALL vkv4l2_GetPhysicalDeviceFormatProperties(
    VkPhysicalDevice physicalDevice, VkFormat format, VkFormatProperties *pProps);
VKAPI_ATTR void VKAPI_CALL vkv4l2_GetPhysicalDeviceFormatProperties2(
    VkPhysicalDevice physicalDevice, VkFormat format, VkFormatProperties2 *pProps);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetPhysicalDeviceImageFormatProperties2(
    VkPhysicalDevice physicalDevice, const VkPhysicalDeviceImageFormatInfo2 *pInfo,
    VkImageFormatProperties2 *pProps);

#endif
