/* pNext chain editing: which structures are video-only, the sizes of the
 * structures that can share a chain with them, and the copy-on-edit walk. */
#include "scrub.h"

#include <string.h>

bool vkv4l2_is_video_stype(VkStructureType type)
{
    switch (type) {
    /* image / buffer create, image format info 2, video format info */
    case VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR:
    /* query pool create (and the profile's own chain) */
    case VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR:
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_USAGE_INFO_KHR:
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR:
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_H265_PROFILE_INFO_KHR:
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_AV1_PROFILE_INFO_KHR:
    case VK_STRUCTURE_TYPE_VIDEO_ENCODE_USAGE_INFO_KHR:
    case VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_PROFILE_INFO_KHR:
    case VK_STRUCTURE_TYPE_VIDEO_ENCODE_H265_PROFILE_INFO_KHR:
    case VK_STRUCTURE_TYPE_VIDEO_ENCODE_AV1_PROFILE_INFO_KHR:
    case VK_STRUCTURE_TYPE_QUERY_POOL_VIDEO_ENCODE_FEEDBACK_CREATE_INFO_KHR:
    /* queue family properties 2 (output chain) */
    case VK_STRUCTURE_TYPE_QUEUE_FAMILY_VIDEO_PROPERTIES_KHR:
    case VK_STRUCTURE_TYPE_QUEUE_FAMILY_QUERY_RESULT_STATUS_PROPERTIES_KHR:
    /* physical device features 2 / device create */
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_MAINTENANCE_1_FEATURES_KHR:
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_MAINTENANCE_2_FEATURES_KHR:
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_ENCODE_QUANTIZATION_MAP_FEATURES_KHR:
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_ENCODE_AV1_FEATURES_KHR:
        return true;
    default:
        return false;
    }
}

#define SIZE(stype, type) \
    case stype:           \
        return sizeof(type)

size_t vkv4l2_chain_struct_size(VkStructureType type)
{
    switch (type) {
    /* VkImageCreateInfo (and VkPhysicalDeviceImageFormatInfo2) extensions */
    SIZE(VK_STRUCTURE_TYPE_DEDICATED_ALLOCATION_IMAGE_CREATE_INFO_NV, VkDedicatedAllocationImageCreateInfoNV);
    SIZE(VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO_NV, VkExternalMemoryImageCreateInfoNV);
    SIZE(VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO, VkExternalMemoryImageCreateInfo);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_SWAPCHAIN_CREATE_INFO_KHR, VkImageSwapchainCreateInfoKHR);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO, VkImageFormatListCreateInfo);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_DRM_FORMAT_MODIFIER_LIST_CREATE_INFO_EXT, VkImageDrmFormatModifierListCreateInfoEXT);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_DRM_FORMAT_MODIFIER_EXPLICIT_CREATE_INFO_EXT, VkImageDrmFormatModifierExplicitCreateInfoEXT);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_STENCIL_USAGE_CREATE_INFO, VkImageStencilUsageCreateInfo);
    SIZE(VK_STRUCTURE_TYPE_OPAQUE_CAPTURE_DESCRIPTOR_DATA_CREATE_INFO_EXT, VkOpaqueCaptureDescriptorDataCreateInfoEXT);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_COMPRESSION_CONTROL_EXT, VkImageCompressionControlEXT);
    SIZE(VK_STRUCTURE_TYPE_OPTICAL_FLOW_IMAGE_FORMAT_INFO_NV, VkOpticalFlowImageFormatInfoNV);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_ALIGNMENT_CONTROL_CREATE_INFO_MESA, VkImageAlignmentControlCreateInfoMESA);
    SIZE(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO, VkPhysicalDeviceExternalImageFormatInfo);
    SIZE(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_DRM_FORMAT_MODIFIER_INFO_EXT, VkPhysicalDeviceImageDrmFormatModifierInfoEXT);
    SIZE(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_VIEW_IMAGE_FORMAT_INFO_EXT, VkPhysicalDeviceImageViewImageFormatInfoEXT);
    /* VkBufferCreateInfo */
    SIZE(VK_STRUCTURE_TYPE_BUFFER_USAGE_FLAGS_2_CREATE_INFO, VkBufferUsageFlags2CreateInfo);
    SIZE(VK_STRUCTURE_TYPE_DEDICATED_ALLOCATION_BUFFER_CREATE_INFO_NV, VkDedicatedAllocationBufferCreateInfoNV);
    SIZE(VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO, VkExternalMemoryBufferCreateInfo);
    SIZE(VK_STRUCTURE_TYPE_BUFFER_OPAQUE_CAPTURE_ADDRESS_CREATE_INFO, VkBufferOpaqueCaptureAddressCreateInfo);
    SIZE(VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_CREATE_INFO_EXT, VkBufferDeviceAddressCreateInfoEXT);
    /* VkImageViewCreateInfo */
    SIZE(VK_STRUCTURE_TYPE_IMAGE_VIEW_USAGE_CREATE_INFO, VkImageViewUsageCreateInfo);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_VIEW_SLICED_CREATE_INFO_EXT, VkImageViewSlicedCreateInfoEXT);
    SIZE(VK_STRUCTURE_TYPE_SAMPLER_YCBCR_CONVERSION_INFO, VkSamplerYcbcrConversionInfo);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_VIEW_ASTC_DECODE_MODE_EXT, VkImageViewASTCDecodeModeEXT);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_VIEW_MIN_LOD_CREATE_INFO_EXT, VkImageViewMinLodCreateInfoEXT);
    SIZE(VK_STRUCTURE_TYPE_IMAGE_VIEW_SAMPLE_WEIGHT_CREATE_INFO_QCOM, VkImageViewSampleWeightCreateInfoQCOM);
    /* VkQueryPoolCreateInfo */
    SIZE(VK_STRUCTURE_TYPE_QUERY_POOL_PERFORMANCE_CREATE_INFO_KHR, VkQueryPoolPerformanceCreateInfoKHR);
    SIZE(VK_STRUCTURE_TYPE_QUERY_POOL_PERFORMANCE_QUERY_CREATE_INFO_INTEL, VkQueryPoolPerformanceQueryCreateInfoINTEL);
    /* VkQueueFamilyProperties2 */
    SIZE(VK_STRUCTURE_TYPE_QUEUE_FAMILY_GLOBAL_PRIORITY_PROPERTIES, VkQueueFamilyGlobalPriorityProperties);
    SIZE(VK_STRUCTURE_TYPE_QUEUE_FAMILY_CHECKPOINT_PROPERTIES_NV, VkQueueFamilyCheckpointPropertiesNV);
    SIZE(VK_STRUCTURE_TYPE_QUEUE_FAMILY_CHECKPOINT_PROPERTIES_2_NV, VkQueueFamilyCheckpointProperties2NV);
    default:
        return 0;
    }
}

#undef SIZE

const void *vkv4l2_chain_find(const void *chain, VkStructureType type)
{
    for (const VkBaseInStructure *p = chain; p; p = p->pNext)
        if (p->sType == type)
            return p;
    return NULL;
}

VkResult vkv4l2_chain_edit(const struct vkv4l2_scrub *s, const void *chain,
                           const struct vkv4l2_chain_editor *ed, const void **out)
{
    /* Scan: find the last structure that is not kept as it is. */
    const VkBaseInStructure *last = NULL;
    for (const VkBaseInStructure *p = chain; p; p = p->pNext)
        if (ed->classify(s, ed->user, p) != VKV4L2_CHAIN_KEEP)
            last = p;
    if (!last) {
        *out = chain;
        return VK_SUCCESS;
    }

    /* Copy everything up to `last`; share the tail after it. */
    VkBaseOutStructure *head = NULL;
    VkBaseOutStructure **link = &head;
    VkResult result = VK_SUCCESS;
    const VkBaseInStructure *p = chain;
    for (;; p = p->pNext) {
        enum vkv4l2_chain_action act = ed->classify(s, ed->user, p);
        if (act != VKV4L2_CHAIN_DROP) {
            size_t size = vkv4l2_chain_struct_size(p->sType);
            if (!size) {
                /* Cannot relink what we cannot copy: share from here on. */
                *link = (VkBaseOutStructure *)p;
                *out = head;
                return VK_INCOMPLETE;
            }
            VkBaseOutStructure *copy = vkv4l2_arena_dup(s->arena, p, size);
            if (!copy)
                return VK_ERROR_OUT_OF_HOST_MEMORY;
            bool drop = false;
            if (act == VKV4L2_CHAIN_REWRITE && ed->rewrite) {
                result = ed->rewrite(s, ed->user, copy, &drop);
                if (result < 0)
                    return result;
            }
            if (!drop) {
                *link = copy;
                link = &copy->pNext;
            }
        }
        if (p == last)
            break;
    }
    *link = (VkBaseOutStructure *)last->pNext;
    *out = head;
    return result;
}

static enum vkv4l2_chain_action classify_video(const struct vkv4l2_scrub *s, const void *user,
                                               const VkBaseInStructure *in)
{
    return vkv4l2_is_video_stype(in->sType) ? VKV4L2_CHAIN_DROP : VKV4L2_CHAIN_KEEP;
}

VkResult vkv4l2_chain_drop_video(const struct vkv4l2_scrub *s, const void *chain,
                                 const void **out)
{
    const struct vkv4l2_chain_editor ed = { classify_video, NULL, NULL };
    return vkv4l2_chain_edit(s, chain, &ed, out);
}
