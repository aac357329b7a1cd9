#include "video_caps.h"

#include <stdbool.h>
#include <string.h>

#include <vk_video/vulkan_video_codec_h264std_decode.h>

const void *vkv4l2_find_struct(const void *pnext, VkStructureType type)
{
    for (const VkBaseInStructure *s = pnext; s; s = s->pNext) {
        if (s->sType == type)
            return s;
    }
    return NULL;
}

const VkVideoProfileListInfoKHR *vkv4l2_find_profile_list(const void *pnext)
{
    return vkv4l2_find_struct(pnext, VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR);
}

VkResult vkv4l2_video_profile_check(const struct vkv4l2_video_support *s,
                                    const VkVideoProfileInfoKHR *profile)
{
    if (!profile)
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    if (profile->videoCodecOperation != VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR || !s->h264)
        return VK_ERROR_VIDEO_PROFILE_CODEC_NOT_SUPPORTED_KHR;
    /* The stateless H.264 decoders we drive produce 8-bit 4:2:0 (NV12). */
    if (profile->chromaSubsampling != VK_VIDEO_CHROMA_SUBSAMPLING_420_BIT_KHR ||
        profile->lumaBitDepth != VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR ||
        profile->chromaBitDepth != VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR)
        return VK_ERROR_VIDEO_PROFILE_FORMAT_NOT_SUPPORTED_KHR;

    const VkVideoDecodeH264ProfileInfoKHR *h264 =
        vkv4l2_find_struct(profile->pNext, VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR);
    if (!h264)
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    switch (h264->stdProfileIdc) {
    case STD_VIDEO_H264_PROFILE_IDC_BASELINE:
    case STD_VIDEO_H264_PROFILE_IDC_MAIN:
    case STD_VIDEO_H264_PROFILE_IDC_HIGH:
        break;
    default: /* High 4:4:4 Predictive and the like: not on hantro/rkvdec H.264 */
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    }
    /* Interlaced content is not advertised yet: field pictures need a
     * CAPTURE layout contract that the tests do not cover. */
    if (h264->pictureLayout != VK_VIDEO_DECODE_H264_PICTURE_LAYOUT_PROGRESSIVE_KHR)
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    return VK_SUCCESS;
}

VkResult vkv4l2_video_profile_list_check(const struct vkv4l2_video_support *s,
                                         const VkVideoProfileListInfoKHR *list)
{
    if (!list)
        return VK_SUCCESS;
    for (uint32_t i = 0; i < list->profileCount; i++) {
        VkResult r = vkv4l2_video_profile_check(s, &list->pProfiles[i]);
        if (r != VK_SUCCESS)
            return r;
    }
    return VK_SUCCESS;
}

VkResult vkv4l2_video_fill_capabilities(const struct vkv4l2_video_support *s,
                                        const VkVideoProfileInfoKHR *profile,
                                        VkVideoCapabilitiesKHR *caps)
{
    VkResult r = vkv4l2_video_profile_check(s, profile);
    if (r != VK_SUCCESS)
        return r;

    /* The bitstream is copied into a V4L2 OUTPUT buffer, so its placement
     * in the application's buffer is free. */
    caps->flags = VK_VIDEO_CAPABILITY_SEPARATE_REFERENCE_IMAGES_BIT_KHR;
    caps->minBitstreamBufferOffsetAlignment = 1;
    caps->minBitstreamBufferSizeAlignment = 1;
    /* Macroblock granularity: V4L2 CAPTURE buffers are whole macroblocks. */
    caps->pictureAccessGranularity = (VkExtent2D){ 16, 16 };
    caps->minCodedExtent = s->min_extent;
    caps->maxCodedExtent = s->max_extent;
    caps->maxDpbSlots = VKV4L2_MAX_DPB_SLOTS;
    caps->maxActiveReferencePictures = VKV4L2_MAX_ACTIVE_REFS;
    memset(&caps->stdHeaderVersion, 0, sizeof(caps->stdHeaderVersion));
    strcpy(caps->stdHeaderVersion.extensionName, VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_EXTENSION_NAME);
    caps->stdHeaderVersion.specVersion = VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_SPEC_VERSION;

    for (VkBaseOutStructure *o = caps->pNext; o; o = o->pNext) {
        switch (o->sType) {
        case VK_STRUCTURE_TYPE_VIDEO_DECODE_CAPABILITIES_KHR:
            /* A decoded picture stays where V4L2 wrote it and is referenced
             * from there: the output image is the DPB picture. */
            ((VkVideoDecodeCapabilitiesKHR *)o)->flags =
                VK_VIDEO_DECODE_CAPABILITY_DPB_AND_OUTPUT_COINCIDE_BIT_KHR;
            break;
        case VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_CAPABILITIES_KHR: {
            VkVideoDecodeH264CapabilitiesKHR *h = (VkVideoDecodeH264CapabilitiesKHR *)o;
            /* hantro G1 and rkvdec are specified up to level 5.1. */
            h->maxLevelIdc = STD_VIDEO_H264_LEVEL_IDC_5_1;
            h->fieldOffsetGranularity = (VkOffset2D){ 0, 0 };
            break;
        }
        default:
            break;
        }
    }
    return VK_SUCCESS;
}

VkResult vkv4l2_video_fill_formats(const struct vkv4l2_video_support *s,
                                   const VkPhysicalDeviceVideoFormatInfoKHR *info,
                                   uint32_t *count, VkVideoFormatPropertiesKHR *props)
{
    const VkVideoProfileListInfoKHR *list = vkv4l2_find_profile_list(info->pNext);
    if (!list || list->profileCount == 0)
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    VkResult r = vkv4l2_video_profile_list_check(s, list);
    if (r != VK_SUCCESS)
        return r;

    const VkImageUsageFlags video = VKV4L2_VIDEO_DECODE_IMAGE_USAGE;
    VkImageUsageFlags usage = s->nv12_usage | (video & ~VK_IMAGE_USAGE_VIDEO_DECODE_SRC_BIT_KHR);
    if (info->imageUsage & ~usage)
        return VK_ERROR_IMAGE_USAGE_NOT_SUPPORTED_KHR;

    if (!props) {
        *count = 1;
        return VK_SUCCESS;
    }
    if (*count < 1)
        return VK_INCOMPLETE;
    *count = 1;
    props->format = VKV4L2_DECODE_FORMAT;
    props->componentMapping = (VkComponentMapping){
        VK_COMPONENT_SWIZZLE_IDENTITY, VK_COMPONENT_SWIZZLE_IDENTITY,
        VK_COMPONENT_SWIZZLE_IDENTITY, VK_COMPONENT_SWIZZLE_IDENTITY,
    };
    props->imageCreateFlags = s->nv12_create_flags;
    props->imageType = VK_IMAGE_TYPE_2D;
    props->imageTiling = VK_IMAGE_TILING_OPTIMAL;
    props->imageUsageFlags = usage;
    return VK_SUCCESS;
}

VkFormatFeatureFlags2 vkv4l2_video_format_features(const struct vkv4l2_video_support *s,
                                                   VkFormat format, VkImageTiling tiling)
{
    /* LINEAR and modifier tilings get nothing: the layer picks the tiling
     * of a video image itself (import ladder), so the application may only
     * ask for the one vkv4l2_video_fill_formats() reports. */
    if (!s->h264 || format != VKV4L2_DECODE_FORMAT || tiling != VK_IMAGE_TILING_OPTIMAL)
        return 0;
    /* Every decode output is also a reference picture (DPB_AND_OUTPUT_COINCIDE). */
    return VK_FORMAT_FEATURE_2_VIDEO_DECODE_OUTPUT_BIT_KHR | VK_FORMAT_FEATURE_2_VIDEO_DECODE_DPB_BIT_KHR;
}

const VkExtensionProperties vkv4l2_video_extensions[3] = {
    { VK_KHR_VIDEO_QUEUE_EXTENSION_NAME, VK_KHR_VIDEO_QUEUE_SPEC_VERSION },
    { VK_KHR_VIDEO_DECODE_QUEUE_EXTENSION_NAME, VK_KHR_VIDEO_DECODE_QUEUE_SPEC_VERSION },
    { VK_KHR_VIDEO_DECODE_H264_EXTENSION_NAME, VK_KHR_VIDEO_DECODE_H264_SPEC_VERSION },
};

bool vkv4l2_is_video_extension(const char *name)
{
    for (size_t i = 0; i < 3; i++) {
        if (!strcmp(name, vkv4l2_video_extensions[i].extensionName))
            return true;
    }
    return false;
}
