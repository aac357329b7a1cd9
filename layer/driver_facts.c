/* The driver's facts for the layer's activation, and the decision. */
#include "driver_facts.h"

#include <stdlib.h>
#include <string.h>

/* Usage the driver supports for NV12 in both tilings the layer may pick
 * behind the application's back (LINEAR for zero-copy, OPTIMAL otherwise). */
static void probe_nv12(const VkuInstanceDispatchTable *vk, VkPhysicalDevice physdev,
                       struct vkv4l2_driver_facts *f)
{
    VkFormatProperties fp;
    vk->GetPhysicalDeviceFormatProperties(physdev, VKV4L2_DECODE_FORMAT, &fp);
    VkFormatFeatureFlags both = fp.linearTilingFeatures & fp.optimalTilingFeatures;
    VkImageUsageFlags usage = 0;
    if (both & VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT)
        usage |= VK_IMAGE_USAGE_SAMPLED_BIT;
    if (both & VK_FORMAT_FEATURE_TRANSFER_SRC_BIT)
        usage |= VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    if (both & VK_FORMAT_FEATURE_TRANSFER_DST_BIT)
        usage |= VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    if (both & VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT)
        usage |= VK_IMAGE_USAGE_STORAGE_BIT;
    f->nv12_usage = usage;

    /* Create flags FFmpeg and GStreamer ask for, kept when the driver
     * accepts them for an NV12 image in both tilings. */
    const VkImageCreateFlags wanted[] = {
        VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT,
        VK_IMAGE_CREATE_EXTENDED_USAGE_BIT,
        VK_IMAGE_CREATE_ALIAS_BIT,
    };
    VkImageCreateFlags flags = 0;
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
        VkImageFormatProperties ifp;
        bool ok = true;
        const VkImageTiling tilings[] = { VK_IMAGE_TILING_LINEAR, VK_IMAGE_TILING_OPTIMAL };
        for (int t = 0; t < 2; t++) {
            ok &= vk->GetPhysicalDeviceImageFormatProperties(
                      physdev, VKV4L2_DECODE_FORMAT, VK_IMAGE_TYPE_2D, tilings[t],
                      VK_IMAGE_USAGE_SAMPLED_BIT, wanted[i], &ifp) == VK_SUCCESS;
        }
        if (ok)
            flags |= wanted[i];
    }
    f->nv12_create_flags = flags;
}

static bool read_extensions(const VkuInstanceDispatchTable *vk, VkPhysicalDevice physdev,
                            struct vkv4l2_driver_facts *f)
{
    uint32_t n = 0;
    if (vk->EnumerateDeviceExtensionProperties(physdev, NULL, &n, NULL) != VK_SUCCESS)
        return false;
    VkExtensionProperties *ext = calloc(n ? n : 1, sizeof(*ext));
    if (!ext)
        return false;
    bool ok = vk->EnumerateDeviceExtensionProperties(physdev, NULL, &n, ext) == VK_SUCCESS;
    bool fd = false, dmabuf = false;
    for (uint32_t i = 0; ok && i < n; i++) {
        const char *name = ext[i].extensionName;
        fd |= !strcmp(name, VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME);
        dmabuf |= !strcmp(name, VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME);
        f->has_modifier_ext |= !strcmp(name, VK_EXT_IMAGE_DRM_FORMAT_MODIFIER_EXTENSION_NAME);
        f->native_h264 |= !strcmp(name, VK_KHR_VIDEO_DECODE_H264_EXTENSION_NAME);
    }
    free(ext);
    f->dma_buf = fd && dmabuf;
    return ok;
}

void vkv4l2_driver_facts_gather(const VkuInstanceDispatchTable *vk, VkPhysicalDevice physdev,
                                struct vkv4l2_driver_facts *out)
{
    memset(out, 0, sizeof(*out));
    VkPhysicalDeviceProperties props;
    vk->GetPhysicalDeviceProperties(physdev, &props);
    memcpy(out->device_name, props.deviceName, sizeof(out->device_name));
    out->api_version = props.apiVersion;
    vk->GetPhysicalDeviceQueueFamilyProperties(physdev, &out->family_count, NULL);
    out->extensions_read = read_extensions(vk, physdev, out);
    probe_nv12(vk, physdev, out);
}

enum vkv4l2_verdict vkv4l2_verdict_decide(const struct vkv4l2_driver_facts *f,
                                          bool decoder_found)
{
    if (!f->extensions_read)
        return VKV4L2_VERDICT_NO_EXTENSIONS;
    if (f->native_h264)
        return VKV4L2_VERDICT_NATIVE_DECODE;
    if (!f->dma_buf)
        return VKV4L2_VERDICT_NO_DMA_BUF;
    if (f->api_version < VK_API_VERSION_1_1)
        return VKV4L2_VERDICT_VULKAN_1_0;
    if (!(f->nv12_usage & VK_IMAGE_USAGE_SAMPLED_BIT))
        return VKV4L2_VERDICT_NO_NV12;
    if (!decoder_found)
        return VKV4L2_VERDICT_NO_DECODER;
    return VKV4L2_VERDICT_ACTIVE;
}

const char *vkv4l2_verdict_text(enum vkv4l2_verdict v)
{
    switch (v) {
    case VKV4L2_VERDICT_ACTIVE: return "H.264 decode through the layer";
    case VKV4L2_VERDICT_NO_EXTENSIONS: return "the driver did not list its extensions";
    case VKV4L2_VERDICT_NATIVE_DECODE: return "the driver decodes H.264 itself: layer passes through";
    case VKV4L2_VERDICT_NO_DMA_BUF: return "the driver cannot import dma-bufs";
    case VKV4L2_VERDICT_VULKAN_1_0: return "the driver is Vulkan 1.0";
    case VKV4L2_VERDICT_NO_NV12: return "the driver cannot sample NV12 images";
    case VKV4L2_VERDICT_NO_DECODER: return "no usable V4L2 H.264 stateless decoder";
    }
    return "?";
}

void vkv4l2_video_support_from(const struct vkv4l2_driver_facts *f,
                               const struct vkv4l2_decoder_caps *h264,
                               struct vkv4l2_video_support *out)
{
    const struct vkv4l2_frame_sizes *fs = &h264->sizes;
    memset(out, 0, sizeof(*out));
    out->h264 = true;
    out->nv12_usage = f->nv12_usage;
    out->nv12_create_flags = f->nv12_create_flags;
    out->min_extent = fs->known ? (VkExtent2D){ fs->min_width, fs->min_height }
                                : (VkExtent2D){ 48, 48 };
    out->max_extent = fs->known ? (VkExtent2D){ fs->max_width, fs->max_height }
                                : (VkExtent2D){ 1920, 1088 };
}
