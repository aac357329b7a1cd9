/* VkVideoSessionKHR: an object of the layer alone (the driver below has no
 * video).  The session keeps what the application asked for at creation;
 * the executor hangs its V4L2 state on `runtime` (session_runtime.c).
 *
 * Handles: the address of the struct, cast to VkVideoSessionKHR, and the
 * key of dev->sessions. */
#ifndef VKV4L2_VIDEO_SESSION_H
#define VKV4L2_VIDEO_SESSION_H

#include <stdint.h>

#include <vulkan/vulkan.h>
#include <vk_video/vulkan_video_codec_h264std_decode.h>

struct vkv4l2_device;
struct vkv4l2_video_support;

struct vkv4l2_video_session {
    struct vkv4l2_device *dev;
    uint32_t queue_family_index;
    VkVideoSessionCreateFlagsKHR flags;
    /* The profile (VkVideoProfileInfoKHR + its H.264 decode struct). */
    VkVideoCodecOperationFlagBitsKHR codec_operation;
    VkVideoChromaSubsamplingFlagsKHR chroma_subsampling;
    VkVideoComponentBitDepthFlagsKHR luma_bit_depth;
    VkVideoComponentBitDepthFlagsKHR chroma_bit_depth;
    StdVideoH264ProfileIdc h264_profile_idc;
    VkVideoDecodeH264PictureLayoutFlagBitsKHR h264_picture_layout;

    VkFormat picture_format;
    VkFormat reference_picture_format; /* VK_FORMAT_UNDEFINED without references */
    VkExtent2D max_coded_extent;
    uint32_t max_dpb_slots;
    uint32_t max_active_reference_pictures;
    uint32_t std_header_version; /* pStdHeaderVersion->specVersion */

    /* The executor's state (struct vkv4l2_session_runtime), created lazily
     * by it; released through vkv4l2_video_session_runtime_destroy. */
    void *runtime;
};

/* Pure: VK_SUCCESS when `ci` describes a session this layer can run on
 * `support` with its decode family `decode_family`; otherwise the error to
 * return, and *why (if why is not NULL) names the rule that failed.
 * Codes: the profile's VK_ERROR_VIDEO_PROFILE_* (vkv4l2_video_profile_check),
 * VK_ERROR_FORMAT_NOT_SUPPORTED for a picture / reference format other than
 * NV12, VK_ERROR_VIDEO_STD_VERSION_NOT_SUPPORTED_KHR (the spec's own code)
 * for the std header, VK_ERROR_VALIDATION_FAILED_EXT for the other valid
 * usage rules (the spec defines no code for those). */
VkResult vkv4l2_video_session_check(const struct vkv4l2_video_support *support,
                                    uint32_t decode_family,
                                    const VkVideoSessionCreateInfoKHR *ci, const char **why);

/* Pure: fills s from a create info that passed vkv4l2_video_session_check
 * (dev and runtime are left NULL). */
void vkv4l2_video_session_init(struct vkv4l2_video_session *s,
                               const VkVideoSessionCreateInfoKHR *ci);

/* The session behind a handle of dev, or NULL. */
struct vkv4l2_video_session *vkv4l2_video_session_get(struct vkv4l2_device *dev,
                                                      VkVideoSessionKHR handle);

/* Implemented by the executor (session_runtime.c): frees s->runtime.
 * Called by vkDestroyVideoSessionKHR when s->runtime is not NULL. */
void vkv4l2_video_session_runtime_destroy(struct vkv4l2_device *dev,
                                          struct vkv4l2_video_session *s);

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateVideoSessionKHR(
    VkDevice device, const VkVideoSessionCreateInfoKHR *pCreateInfo,
    const VkAllocationCallbacks *pAllocator, VkVideoSessionKHR *pVideoSession);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyVideoSessionKHR(
    VkDevice device, VkVideoSessionKHR videoSession, const VkAllocationCallbacks *pAllocator);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetVideoSessionMemoryRequirementsKHR(
    VkDevice device, VkVideoSessionKHR videoSession, uint32_t *pMemoryRequirementsCount,
    VkVideoSessionMemoryRequirementsKHR *pMemoryRequirements);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BindVideoSessionMemoryKHR(
    VkDevice device, VkVideoSessionKHR videoSession, uint32_t bindSessionMemoryInfoCount,
    const VkBindVideoSessionMemoryInfoKHR *pBindSessionMemoryInfos);

#endif
