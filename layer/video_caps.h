/* Vulkan Video capability answers for a V4L2-backed decoder: pure functions
 * from the probed decoder limits and the driver's format support to the
 * structs of VK_KHR_video_queue / _decode_queue / _decode_h264. */
#ifndef VKV4L2_VIDEO_CAPS_H
#define VKV4L2_VIDEO_CAPS_H

#include <stdbool.h>
#include <vulkan/vulkan.h>

/* Everything the answers depend on, gathered once per physical device. */
struct vkv4l2_video_support {
    bool h264;                       /* a usable H.264 stateless decoder exists */
    VkExtent2D min_extent, max_extent;
    /* Usage / create flags the driver supports for NV12 images in every
     * tiling the layer may use behind the application's back. */
    VkImageUsageFlags nv12_usage;
    VkImageCreateFlags nv12_create_flags;
};

/* The decode format the layer produces (V4L2 NV12). */
#define VKV4L2_DECODE_FORMAT VK_FORMAT_G8_B8R8_2PLANE_420_UNORM

/* Reference slots: 16 references + the picture being decoded. */
#define VKV4L2_MAX_DPB_SLOTS 17
#define VKV4L2_MAX_ACTIVE_REFS 16

/* VK_SUCCESS, or the VK_ERROR_VIDEO_PROFILE_* / VK_ERROR_VIDEO_PICTURE_*
 * code the spec prescribes for a profile we cannot decode. */
VkResult vkv4l2_video_profile_check(const struct vkv4l2_video_support *s,
                                    const VkVideoProfileInfoKHR *profile);

/* Every profile of a list must be supported (VK_SUCCESS or the first
 * failing profile's code); an empty/absent list is VK_SUCCESS. */
VkResult vkv4l2_video_profile_list_check(const struct vkv4l2_video_support *s,
                                         const VkVideoProfileListInfoKHR *list);

/* vkGetPhysicalDeviceVideoCapabilitiesKHR. */
VkResult vkv4l2_video_fill_capabilities(const struct vkv4l2_video_support *s,
                                        const VkVideoProfileInfoKHR *profile,
                                        VkVideoCapabilitiesKHR *caps);

/* vkGetPhysicalDeviceVideoFormatPropertiesKHR. */
VkResult vkv4l2_video_fill_formats(const struct vkv4l2_video_support *s,
                                   const VkPhysicalDeviceVideoFormatInfoKHR *info,
                                   uint32_t *count, VkVideoFormatPropertiesKHR *props);

/* Format features the layer adds to the driver's for `format` in
 * `tiling`: decode output and DPB for NV12 in optimal tiling, the one
 * format and tiling vkGetPhysicalDeviceVideoFormatPropertiesKHR names
 * (clients such as GStreamer pick their image formats from these bits). */
VkFormatFeatureFlags2 vkv4l2_video_format_features(const struct vkv4l2_video_support *s,
                                                   VkFormat format, VkImageTiling tiling);

/* The video usage bits of VK_KHR_video_decode_queue. */
#define VKV4L2_VIDEO_DECODE_IMAGE_USAGE \
    (VK_IMAGE_USAGE_VIDEO_DECODE_DST_BIT_KHR | VK_IMAGE_USAGE_VIDEO_DECODE_SRC_BIT_KHR | \
     VK_IMAGE_USAGE_VIDEO_DECODE_DPB_BIT_KHR)

/* Video extensions the layer adds, with the spec versions it implements. */
extern const VkExtensionProperties vkv4l2_video_extensions[3];
bool vkv4l2_is_video_extension(const char *name);

/* The profile list in a pNext chain, or NULL. */
const VkVideoProfileListInfoKHR *vkv4l2_find_profile_list(const void *pnext);
const void *vkv4l2_find_struct(const void *pnext, VkStructureType type);

#endif
