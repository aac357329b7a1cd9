/* Scrubbing of create infos and of the image format query.  The rules, and
 * why, are in scrub.h. */
#include "scrub.h"

VkImageUsageFlags vkv4l2_scrub_image_usage(VkImageUsageFlags usage, VkImageUsageFlags extra_usage)
{
    if (!(usage & vkv4l2_video_image_usage()))
        return usage;
    usage = (usage & ~vkv4l2_video_image_usage()) | extra_usage;
    /* A video-only image (a DPB) still needs a usage at driver level; its
     * content comes from outside the driver, as a transfer would write it. */
    return usage ? usage : VK_IMAGE_USAGE_TRANSFER_DST_BIT;
}

static VkImageCreateFlags scrub_image_flags(VkImageCreateFlags flags)
{
    return flags & ~(VkImageCreateFlags)VK_IMAGE_CREATE_VIDEO_PROFILE_INDEPENDENT_BIT_KHR;
}

/* ---- vkCreateImage ---- */

VkResult vkv4l2_scrub_image_create_info(const struct vkv4l2_scrub *s, const VkImageCreateInfo *in,
                                        VkImageUsageFlags extra_usage,
                                        const VkImageCreateInfo **out)
{
    const void *next;
    VkResult chain = vkv4l2_chain_drop_video(s, in->pNext, &next);
    if (chain < 0)
        return chain;
    bool need = next != in->pNext || (in->usage & vkv4l2_video_image_usage()) ||
                scrub_image_flags(in->flags) != in->flags ||
                vkv4l2_is_video_layout(in->initialLayout) ||
                vkv4l2_sharing_needs_scrub(s, in->queueFamilyIndexCount, in->pQueueFamilyIndices);
    if (!need) {
        *out = in;
        return chain;
    }
    VkImageCreateInfo *copy = vkv4l2_arena_dup(s->arena, in, sizeof(*in));
    if (!copy)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    copy->pNext = next;
    copy->usage = vkv4l2_scrub_image_usage(in->usage, extra_usage);
    copy->flags = scrub_image_flags(in->flags);
    /* Only UNDEFINED / PREINITIALIZED are valid initial layouts. */
    if (vkv4l2_is_video_layout(in->initialLayout))
        copy->initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    VkResult r = vkv4l2_scrub_sharing(s, &copy->sharingMode, &copy->queueFamilyIndexCount,
                                      &copy->pQueueFamilyIndices);
    if (r != VK_SUCCESS)
        return r;
    *out = copy;
    return chain;
}

/* ---- vkCreateBuffer ---- */

static VkBufferUsageFlags scrub_buffer_usage(VkBufferUsageFlags usage)
{
    if (!(usage & vkv4l2_video_buffer_usage()))
        return usage;
    usage &= ~vkv4l2_video_buffer_usage();
    /* A bitstream buffer is read by the layer (to feed V4L2), like a
     * transfer source. */
    return usage ? usage : VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
}

static enum vkv4l2_chain_action classify_buffer(const struct vkv4l2_scrub *s, const void *user,
                                                const VkBaseInStructure *in)
{
    if (vkv4l2_is_video_stype(in->sType))
        return VKV4L2_CHAIN_DROP;
    if (in->sType == VK_STRUCTURE_TYPE_BUFFER_USAGE_FLAGS_2_CREATE_INFO &&
        (((const VkBufferUsageFlags2CreateInfo *)in)->usage & vkv4l2_video_buffer_usage2()))
        return VKV4L2_CHAIN_REWRITE;
    return VKV4L2_CHAIN_KEEP;
}

static VkResult rewrite_buffer(const struct vkv4l2_scrub *s, const void *user,
                               VkBaseOutStructure *copy, bool *drop)
{
    VkBufferUsageFlags2CreateInfo *u = (VkBufferUsageFlags2CreateInfo *)copy;
    u->usage &= ~vkv4l2_video_buffer_usage2();
    if (!u->usage)
        u->usage = VK_BUFFER_USAGE_2_TRANSFER_SRC_BIT;
    return VK_SUCCESS;
}

VkResult vkv4l2_scrub_buffer_create_info(const struct vkv4l2_scrub *s, const VkBufferCreateInfo *in,
                                         const VkBufferCreateInfo **out)
{
    static const struct vkv4l2_chain_editor editor = { classify_buffer, rewrite_buffer, NULL };
    const VkBufferCreateFlags vpi = VK_BUFFER_CREATE_VIDEO_PROFILE_INDEPENDENT_BIT_KHR;
    const void *next;
    VkResult chain = vkv4l2_chain_edit(s, in->pNext, &editor, &next);
    if (chain < 0)
        return chain;
    bool need = next != in->pNext || (in->usage & vkv4l2_video_buffer_usage()) ||
                (in->flags & vpi) ||
                vkv4l2_sharing_needs_scrub(s, in->queueFamilyIndexCount, in->pQueueFamilyIndices);
    if (!need) {
        *out = in;
        return chain;
    }
    VkBufferCreateInfo *copy = vkv4l2_arena_dup(s->arena, in, sizeof(*in));
    if (!copy)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    copy->pNext = next;
    copy->usage = scrub_buffer_usage(in->usage);
    copy->flags = in->flags & ~vpi;
    VkResult r = vkv4l2_scrub_sharing(s, &copy->sharingMode, &copy->queueFamilyIndexCount,
                                      &copy->pQueueFamilyIndices);
    if (r != VK_SUCCESS)
        return r;
    *out = copy;
    return chain;
}

/* ---- vkCreateImageView ---- */

static enum vkv4l2_chain_action classify_view(const struct vkv4l2_scrub *s, const void *user,
                                              const VkBaseInStructure *in)
{
    if (vkv4l2_is_video_stype(in->sType))
        return VKV4L2_CHAIN_DROP;
    if (in->sType == VK_STRUCTURE_TYPE_IMAGE_VIEW_USAGE_CREATE_INFO &&
        (((const VkImageViewUsageCreateInfo *)in)->usage & vkv4l2_video_image_usage()))
        return VKV4L2_CHAIN_REWRITE;
    return VKV4L2_CHAIN_KEEP;
}

static VkResult rewrite_view(const struct vkv4l2_scrub *s, const void *user,
                             VkBaseOutStructure *copy, bool *drop)
{
    const VkImageUsageFlags image_usage = *(const VkImageUsageFlags *)user;
    VkImageViewUsageCreateInfo *u = (VkImageViewUsageCreateInfo *)copy;
    u->usage &= ~vkv4l2_video_image_usage();
    if (!u->usage)
        u->usage = image_usage & (VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT);
    *drop = u->usage == 0;
    return VK_SUCCESS;
}

VkResult vkv4l2_scrub_image_view_create_info(const struct vkv4l2_scrub *s,
                                             const VkImageViewCreateInfo *in,
                                             VkImageUsageFlags image_usage,
                                             const VkImageViewCreateInfo **out)
{
    const struct vkv4l2_chain_editor editor = { classify_view, rewrite_view, &image_usage };
    const void *next;
    VkResult chain = vkv4l2_chain_edit(s, in->pNext, &editor, &next);
    if (chain < 0)
        return chain;
    if (next == in->pNext) {
        *out = in;
        return chain;
    }
    VkImageViewCreateInfo *copy = vkv4l2_arena_dup(s->arena, in, sizeof(*in));
    if (!copy)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    copy->pNext = next;
    *out = copy;
    return chain;
}

/* ---- vkGetPhysicalDeviceImageFormatProperties2 ---- */

static enum vkv4l2_chain_action classify_format(const struct vkv4l2_scrub *s, const void *user,
                                                const VkBaseInStructure *in)
{
    if (vkv4l2_is_video_stype(in->sType))
        return VKV4L2_CHAIN_DROP;
    if (in->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_DRM_FORMAT_MODIFIER_INFO_EXT) {
        const VkPhysicalDeviceImageDrmFormatModifierInfoEXT *m = (const void *)in;
        if (vkv4l2_sharing_needs_scrub(s, m->queueFamilyIndexCount, m->pQueueFamilyIndices))
            return VKV4L2_CHAIN_REWRITE;
    }
    return VKV4L2_CHAIN_KEEP;
}

static VkResult rewrite_format(const struct vkv4l2_scrub *s, const void *user,
                               VkBaseOutStructure *copy, bool *drop)
{
    VkPhysicalDeviceImageDrmFormatModifierInfoEXT *m = (void *)copy;
    return vkv4l2_scrub_sharing(s, &m->sharingMode, &m->queueFamilyIndexCount,
                                &m->pQueueFamilyIndices);
}

VkResult vkv4l2_scrub_image_format_info2(const struct vkv4l2_scrub *s,
                                         const VkPhysicalDeviceImageFormatInfo2 *in,
                                         VkImageUsageFlags extra_usage,
                                         const VkPhysicalDeviceImageFormatInfo2 **out,
                                         bool *is_video)
{
    static const struct vkv4l2_chain_editor editor = { classify_format, rewrite_format, NULL };
    *is_video = (in->usage & vkv4l2_video_image_usage()) ||
                scrub_image_flags(in->flags) != in->flags ||
                vkv4l2_chain_find(in->pNext, VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR);
    const void *next;
    VkResult chain = vkv4l2_chain_edit(s, in->pNext, &editor, &next);
    if (chain < 0)
        return chain;
    if (!*is_video && next == in->pNext) {
        *out = in;
        return chain;
    }
    VkPhysicalDeviceImageFormatInfo2 *copy = vkv4l2_arena_dup(s->arena, in, sizeof(*in));
    if (!copy)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    copy->pNext = next;
    copy->usage = vkv4l2_scrub_image_usage(in->usage, extra_usage);
    copy->flags = scrub_image_flags(in->flags);
    *out = copy;
    return chain;
}
