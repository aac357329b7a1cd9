/* Pure logic of VkVideoSessionKHR creation (the entry points are in
 * video_session_entry.c). */
#include "video_session.h"

#include <string.h>

#include "video_caps.h"

static VkResult fail(const char **why, const char *rule, VkResult code)
{
    if (why)
        *why = rule;
    return code;
}

static VkResult check_std_header(const VkExtensionProperties *v, const char **why)
{
    /* The one failure the spec gives a code for.  Older std versions than
     * ours are fine (VUID-...-pStdHeaderVersion-07191: less or equal). */
    if (!v)
        return fail(why, "pStdHeaderVersion is NULL", VK_ERROR_VIDEO_STD_VERSION_NOT_SUPPORTED_KHR);
    if (strncmp(v->extensionName, VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_EXTENSION_NAME,
                sizeof(v->extensionName)) != 0)
        return fail(why, "VUID-VkVideoSessionCreateInfoKHR-pStdHeaderVersion-07190: "
                         "std header is not " VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_EXTENSION_NAME,
                    VK_ERROR_VIDEO_STD_VERSION_NOT_SUPPORTED_KHR);
    if (v->specVersion > VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_SPEC_VERSION)
        return fail(why, "VUID-VkVideoSessionCreateInfoKHR-pStdHeaderVersion-07191: "
                         "std header version newer than supported",
                    VK_ERROR_VIDEO_STD_VERSION_NOT_SUPPORTED_KHR);
    return VK_SUCCESS;
}

VkResult vkv4l2_video_session_check(const struct vkv4l2_video_support *support,
                                    uint32_t decode_family,
                                    const VkVideoSessionCreateInfoKHR *ci, const char **why)
{
    if (ci->queueFamilyIndex != decode_family)
        return fail(why, "queueFamilyIndex is not the video decode queue family",
                    VK_ERROR_VALIDATION_FAILED_EXT);
    /* No protected content is advertised, nor videoMaintenance1/2 (inline
     * queries / parameters): every flag is invalid here. */
    if (ci->flags)
        return fail(why, "VUID-VkVideoSessionCreateInfoKHR-protectedMemory-07189 / flags-08371 / "
                         "flags-10398: flags must be 0 on this implementation",
                    VK_ERROR_VALIDATION_FAILED_EXT);

    VkResult r = vkv4l2_video_profile_check(support, ci->pVideoProfile);
    if (r != VK_SUCCESS)
        return fail(why, "VUID-VkVideoSessionCreateInfoKHR-pVideoProfile-04845: "
                         "unsupported video profile", r);

    if (ci->pictureFormat != VKV4L2_DECODE_FORMAT)
        return fail(why, "VUID-VkVideoSessionCreateInfoKHR-pictureFormat-04853: "
                         "pictureFormat must be VK_FORMAT_G8_B8R8_2PLANE_420_UNORM",
                    VK_ERROR_FORMAT_NOT_SUPPORTED);

    if (ci->maxDpbSlots > VKV4L2_MAX_DPB_SLOTS)
        return fail(why, "VUID-VkVideoSessionCreateInfoKHR-maxDpbSlots-04847: maxDpbSlots > 17",
                    VK_ERROR_VALIDATION_FAILED_EXT);
    if (ci->maxActiveReferencePictures > VKV4L2_MAX_ACTIVE_REFS)
        return fail(why, "VUID-VkVideoSessionCreateInfoKHR-maxActiveReferencePictures-04849: "
                         "maxActiveReferencePictures > 16",
                    VK_ERROR_VALIDATION_FAILED_EXT);
    if ((ci->maxDpbSlots == 0) != (ci->maxActiveReferencePictures == 0))
        return fail(why, "VUID-VkVideoSessionCreateInfoKHR-maxDpbSlots-04850: "
                         "maxDpbSlots and maxActiveReferencePictures must both be 0 or neither",
                    VK_ERROR_VALIDATION_FAILED_EXT);
    /* referencePictureFormat is ignored without references. */
    if (ci->maxActiveReferencePictures > 0 && ci->referencePictureFormat != VKV4L2_DECODE_FORMAT)
        return fail(why, "VUID-VkVideoSessionCreateInfoKHR-referencePictureFormat-04852: "
                         "referencePictureFormat must be VK_FORMAT_G8_B8R8_2PLANE_420_UNORM",
                    VK_ERROR_FORMAT_NOT_SUPPORTED);

    const VkExtent2D e = ci->maxCodedExtent;
    if (e.width < support->min_extent.width || e.height < support->min_extent.height ||
        e.width > support->max_extent.width || e.height > support->max_extent.height)
        return fail(why, "VUID-VkVideoSessionCreateInfoKHR-maxCodedExtent-04851: "
                         "maxCodedExtent outside minCodedExtent..maxCodedExtent",
                    VK_ERROR_VALIDATION_FAILED_EXT);

    return check_std_header(ci->pStdHeaderVersion, why);
}

void vkv4l2_video_session_init(struct vkv4l2_video_session *s,
                               const VkVideoSessionCreateInfoKHR *ci)
{
    const VkVideoProfileInfoKHR *p = ci->pVideoProfile;
    const VkVideoDecodeH264ProfileInfoKHR *h264 =
        vkv4l2_find_struct(p->pNext, VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR);

    memset(s, 0, sizeof(*s));
    s->queue_family_index = ci->queueFamilyIndex;
    s->flags = ci->flags;
    s->codec_operation = p->videoCodecOperation;
    s->chroma_subsampling = p->chromaSubsampling;
    s->luma_bit_depth = p->lumaBitDepth;
    s->chroma_bit_depth = p->chromaBitDepth;
    if (h264) {
        s->h264_profile_idc = h264->stdProfileIdc;
        s->h264_picture_layout = h264->pictureLayout;
    }
    s->picture_format = ci->pictureFormat;
    s->reference_picture_format =
        ci->maxActiveReferencePictures ? ci->referencePictureFormat : VK_FORMAT_UNDEFINED;
    s->max_coded_extent = ci->maxCodedExtent;
    s->max_dpb_slots = ci->maxDpbSlots;
    s->max_active_reference_pictures = ci->maxActiveReferencePictures;
    s->std_header_version = ci->pStdHeaderVersion ? ci->pStdHeaderVersion->specVersion : 0;
}
