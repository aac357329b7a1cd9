/* Scrubbing of single enums and flag words, and of queue family sharing
 * lists.  See scrub.h for the rules. */
#include "scrub.h"

bool vkv4l2_is_layer_family(const struct vkv4l2_scrub *s, uint32_t family)
{
    if (family == VK_QUEUE_FAMILY_IGNORED || family == VK_QUEUE_FAMILY_EXTERNAL ||
        family == VK_QUEUE_FAMILY_FOREIGN_EXT)
        return false;
    return family == s->decode_family || family >= s->driver_family_count;
}

bool vkv4l2_is_video_layout(VkImageLayout layout)
{
    switch (layout) {
    case VK_IMAGE_LAYOUT_VIDEO_DECODE_DST_KHR:
    case VK_IMAGE_LAYOUT_VIDEO_DECODE_SRC_KHR:
    case VK_IMAGE_LAYOUT_VIDEO_DECODE_DPB_KHR:
    case VK_IMAGE_LAYOUT_VIDEO_ENCODE_DST_KHR:
    case VK_IMAGE_LAYOUT_VIDEO_ENCODE_SRC_KHR:
    case VK_IMAGE_LAYOUT_VIDEO_ENCODE_DPB_KHR:
    case VK_IMAGE_LAYOUT_VIDEO_ENCODE_QUANTIZATION_MAP_KHR:
        return true;
    default:
        return false;
    }
}

VkImageLayout vkv4l2_scrub_layout(VkImageLayout layout)
{
    return vkv4l2_is_video_layout(layout) ? VK_IMAGE_LAYOUT_GENERAL : layout;
}

VkPipelineStageFlags2 vkv4l2_video_stages2(void)
{
    return VK_PIPELINE_STAGE_2_VIDEO_DECODE_BIT_KHR | VK_PIPELINE_STAGE_2_VIDEO_ENCODE_BIT_KHR;
}

VkAccessFlags2 vkv4l2_video_access2(void)
{
    return VK_ACCESS_2_VIDEO_DECODE_READ_BIT_KHR | VK_ACCESS_2_VIDEO_DECODE_WRITE_BIT_KHR |
           VK_ACCESS_2_VIDEO_ENCODE_READ_BIT_KHR | VK_ACCESS_2_VIDEO_ENCODE_WRITE_BIT_KHR;
}

VkPipelineStageFlags2 vkv4l2_scrub_stages2(VkPipelineStageFlags2 stages)
{
    if (!(stages & vkv4l2_video_stages2()))
        return stages;
    stages &= ~vkv4l2_video_stages2();
    return stages ? stages : VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
}

VkAccessFlags2 vkv4l2_scrub_access2(VkAccessFlags2 access)
{
    return access & ~vkv4l2_video_access2();
}

VkImageUsageFlags vkv4l2_video_image_usage(void)
{
    return VK_IMAGE_USAGE_VIDEO_DECODE_DST_BIT_KHR | VK_IMAGE_USAGE_VIDEO_DECODE_SRC_BIT_KHR |
           VK_IMAGE_USAGE_VIDEO_DECODE_DPB_BIT_KHR | VK_IMAGE_USAGE_VIDEO_ENCODE_DST_BIT_KHR |
           VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR | VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR |
           VK_IMAGE_USAGE_VIDEO_ENCODE_QUANTIZATION_DELTA_MAP_BIT_KHR |
           VK_IMAGE_USAGE_VIDEO_ENCODE_EMPHASIS_MAP_BIT_KHR;
}

VkBufferUsageFlags vkv4l2_video_buffer_usage(void)
{
    return VK_BUFFER_USAGE_VIDEO_DECODE_SRC_BIT_KHR | VK_BUFFER_USAGE_VIDEO_DECODE_DST_BIT_KHR |
           VK_BUFFER_USAGE_VIDEO_ENCODE_DST_BIT_KHR | VK_BUFFER_USAGE_VIDEO_ENCODE_SRC_BIT_KHR;
}

VkBufferUsageFlags2 vkv4l2_video_buffer_usage2(void)
{
    return VK_BUFFER_USAGE_2_VIDEO_DECODE_SRC_BIT_KHR | VK_BUFFER_USAGE_2_VIDEO_DECODE_DST_BIT_KHR |
           VK_BUFFER_USAGE_2_VIDEO_ENCODE_DST_BIT_KHR | VK_BUFFER_USAGE_2_VIDEO_ENCODE_SRC_BIT_KHR;
}

bool vkv4l2_sharing_needs_scrub(const struct vkv4l2_scrub *s, uint32_t count,
                                const uint32_t *families)
{
    if (!families)
        return false;
    for (uint32_t i = 0; i < count; i++)
        if (vkv4l2_is_layer_family(s, families[i]))
            return true;
    return false;
}

VkResult vkv4l2_scrub_sharing(const struct vkv4l2_scrub *s, VkSharingMode *mode,
                              uint32_t *count, const uint32_t **families)
{
    if (!vkv4l2_sharing_needs_scrub(s, *count, *families))
        return VK_SUCCESS;
    uint32_t *kept = vkv4l2_arena_new(s->arena, uint32_t, *count);
    if (!kept)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    uint32_t n = 0;
    for (uint32_t i = 0; i < *count; i++) {
        uint32_t f = (*families)[i];
        if (vkv4l2_is_layer_family(s, f))
            continue;
        bool seen = false;
        for (uint32_t j = 0; j < n && !seen; j++)
            seen = kept[j] == f;
        if (!seen)
            kept[n++] = f;
    }
    if (*mode == VK_SHARING_MODE_CONCURRENT && n >= 2) {
        *count = n;
        *families = kept;
    } else {
        /* One family left (or EXCLUSIVE already): the list means nothing. */
        *mode = VK_SHARING_MODE_EXCLUSIVE;
        *count = 0;
        *families = NULL;
    }
    return VK_SUCCESS;
}
