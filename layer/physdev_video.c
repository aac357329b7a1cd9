/* Physical-device entry points that report the added decode capability. */
#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "log.h"
#include "physdev.h"
#include "scrub.h"
#include "settings.h"

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_EnumerateDeviceExtensionProperties(
    VkPhysicalDevice physicalDevice, const char *pLayerName, uint32_t *pPropertyCount,
    VkExtensionProperties *pProperties)
{
    struct vkv4l2_physdev *pd = vkv4l2_physdev_probed(physicalDevice);
    if (pLayerName && !strcmp(pLayerName, VKV4L2_LAYER_NAME)) {
        /* Our extensions are reported with the device's own (below): they
         * exist only where a decoder was found. */
        *pPropertyCount = 0;
        return VK_SUCCESS;
    }
    const VkuInstanceDispatchTable *vk = &pd->inst->vtbl;
    if (pLayerName || !pd->video)
        return vk->EnumerateDeviceExtensionProperties(physicalDevice, pLayerName,
                                                      pPropertyCount, pProperties);

    uint32_t n = 0;
    VkResult r = vk->EnumerateDeviceExtensionProperties(physicalDevice, NULL, &n, NULL);
    if (r != VK_SUCCESS)
        return r;
    const uint32_t ours = 3;
    if (!pProperties) {
        *pPropertyCount = n + ours;
        return VK_SUCCESS;
    }
    VkExtensionProperties *all = calloc(n + ours, sizeof(*all));
    if (!all)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    r = vk->EnumerateDeviceExtensionProperties(physicalDevice, NULL, &n, all);
    if (r != VK_SUCCESS) {
        free(all);
        return r;
    }
    memcpy(all + n, vkv4l2_video_extensions, sizeof(vkv4l2_video_extensions));
    uint32_t total = n + ours;
    uint32_t copy = *pPropertyCount < total ? *pPropertyCount : total;
    memcpy(pProperties, all, copy * sizeof(*all));
    free(all);
    *pPropertyCount = copy;
    return copy < total ? VK_INCOMPLETE : VK_SUCCESS;
}

static void fill_decode_family(VkQueueFamilyProperties *p)
{
    *p = (VkQueueFamilyProperties){
        .queueFlags = VK_QUEUE_VIDEO_DECODE_BIT_KHR,
        .queueCount = 1,
        .timestampValidBits = 0,
        .minImageTransferGranularity = { 1, 1, 1 },
    };
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_GetPhysicalDeviceQueueFamilyProperties(
    VkPhysicalDevice physicalDevice, uint32_t *pCount, VkQueueFamilyProperties *pProps)
{
    struct vkv4l2_physdev *pd = vkv4l2_physdev_probed(physicalDevice);
    const VkuInstanceDispatchTable *vk = &pd->inst->vtbl;
    if (!pd->video) {
        vk->GetPhysicalDeviceQueueFamilyProperties(physicalDevice, pCount, pProps);
        return;
    }
    if (!pProps) {
        *pCount = pd->driver_family_count + 1;
        return;
    }
    uint32_t want = *pCount;
    uint32_t n = want < pd->driver_family_count ? want : pd->driver_family_count;
    vk->GetPhysicalDeviceQueueFamilyProperties(physicalDevice, &n, pProps);
    if (want > n && n == pd->driver_family_count) {
        fill_decode_family(&pProps[n]);
        n++;
    }
    *pCount = n;
}

/* The queue-family output structs of the video extensions: the driver does
 * not know them, so they are unlinked while it fills the rest. */
static bool is_video_family_struct(VkStructureType t)
{
    return t == VK_STRUCTURE_TYPE_QUEUE_FAMILY_VIDEO_PROPERTIES_KHR ||
           t == VK_STRUCTURE_TYPE_QUEUE_FAMILY_QUERY_RESULT_STATUS_PROPERTIES_KHR;
}

static void fill_video_family_structs(VkQueueFamilyProperties2 *p, bool decode)
{
    for (VkBaseOutStructure *s = p->pNext; s; s = s->pNext) {
        if (s->sType == VK_STRUCTURE_TYPE_QUEUE_FAMILY_VIDEO_PROPERTIES_KHR)
            ((VkQueueFamilyVideoPropertiesKHR *)s)->videoCodecOperations =
                decode ? VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR : 0;
        else if (s->sType == VK_STRUCTURE_TYPE_QUEUE_FAMILY_QUERY_RESULT_STATUS_PROPERTIES_KHR)
            ((VkQueueFamilyQueryResultStatusPropertiesKHR *)s)->queryResultStatusSupport =
                decode ? VK_TRUE : VK_FALSE;
    }
}

/* Unlinks the video structs of one element's chain; returns the removed
 * links so that relink() can restore the application's chain exactly. */
struct unlinked {
    VkBaseOutStructure *prev, *node;
};

static uint32_t unlink_video(VkQueueFamilyProperties2 *p, struct unlinked *out, uint32_t max)
{
    uint32_t n = 0;
    VkBaseOutStructure *prev = (VkBaseOutStructure *)p;
    for (VkBaseOutStructure *s = prev->pNext; s;) {
        VkBaseOutStructure *next = s->pNext;
        if (is_video_family_struct(s->sType) && n < max) {
            out[n++] = (struct unlinked){ prev, s };
            prev->pNext = next;
        } else {
            prev = s;
        }
        s = next;
    }
    return n;
}

static void relink(struct unlinked *u, uint32_t n)
{
    /* In reverse, so each node goes back behind the predecessor it had. */
    while (n--)
        u[n].prev->pNext = u[n].node;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_GetPhysicalDeviceQueueFamilyProperties2(
    VkPhysicalDevice physicalDevice, uint32_t *pCount, VkQueueFamilyProperties2 *pProps)
{
    struct vkv4l2_physdev *pd = vkv4l2_physdev_probed(physicalDevice);
    const VkuInstanceDispatchTable *vk = &pd->inst->vtbl;
    PFN_vkGetPhysicalDeviceQueueFamilyProperties2 next =
        vk->GetPhysicalDeviceQueueFamilyProperties2 ? vk->GetPhysicalDeviceQueueFamilyProperties2
                                                    : vk->GetPhysicalDeviceQueueFamilyProperties2KHR;
    if (!pProps) {
        next(physicalDevice, pCount, NULL);
        if (pd->video)
            *pCount = pd->driver_family_count + 1;
        return;
    }
    uint32_t want = *pCount;
    uint32_t n = want;
    if (pd->video && n > pd->driver_family_count)
        n = pd->driver_family_count;

    /* Each element has its own chain; at most two video structs each. */
    struct unlinked stack[2 * 16], *saved = stack;
    if (n > 16 && !(saved = calloc(2 * (size_t)n, sizeof(*saved)))) {
        *pCount = 0;
        return;
    }
    uint32_t counts[64] = { 0 }, *per = counts;
    if (n > 64 && !(per = calloc(n, sizeof(*per)))) {
        if (saved != stack)
            free(saved);
        *pCount = 0;
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        per[i] = unlink_video(&pProps[i], saved + 2 * i, 2);
    next(physicalDevice, &n, pProps);
    for (uint32_t i = 0; i < (want < pd->driver_family_count ? want : pd->driver_family_count); i++) {
        relink(saved + 2 * i, per[i]);
        fill_video_family_structs(&pProps[i], false);
    }
    if (pd->video && want > n && n == pd->driver_family_count) {
        fill_decode_family(&pProps[n].queueFamilyProperties);
        fill_video_family_structs(&pProps[n], true);
        n++;
    }
    *pCount = n;
    if (saved != stack)
        free(saved);
    if (per != counts)
        free(per);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetPhysicalDeviceVideoCapabilitiesKHR(
    VkPhysicalDevice physicalDevice, const VkVideoProfileInfoKHR *pVideoProfile,
    VkVideoCapabilitiesKHR *pCapabilities)
{
    struct vkv4l2_physdev *pd = vkv4l2_physdev_probed(physicalDevice);
    if (!pd->video)
        return VK_ERROR_VIDEO_PROFILE_CODEC_NOT_SUPPORTED_KHR;
    return vkv4l2_video_fill_capabilities(&pd->support, pVideoProfile, pCapabilities);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetPhysicalDeviceVideoFormatPropertiesKHR(
    VkPhysicalDevice physicalDevice, const VkPhysicalDeviceVideoFormatInfoKHR *pInfo,
    uint32_t *pCount, VkVideoFormatPropertiesKHR *pProps)
{
    struct vkv4l2_physdev *pd = vkv4l2_physdev_probed(physicalDevice);
    if (!pd->video)
        return VK_ERROR_VIDEO_PROFILE_CODEC_NOT_SUPPORTED_KHR;
    return vkv4l2_video_fill_formats(&pd->support, pInfo, pCount, pProps);
}

/* Format features: a decode driver reports decode output / DPB use for its
 * decode format.  The query carries no video struct down; the bits are
 * added to the driver's answer on the way up. */
VKAPI_ATTR void VKAPI_CALL vkv4l2_GetPhysicalDeviceFormatProperties(
    VkPhysicalDevice physicalDevice, VkFormat format, VkFormatProperties *pProps)
{
    struct vkv4l2_physdev *pd = vkv4l2_physdev_probed(physicalDevice);
    pd->inst->vtbl.GetPhysicalDeviceFormatProperties(physicalDevice, format, pProps);
    if (pd->video)
        pProps->optimalTilingFeatures |= (VkFormatFeatureFlags)vkv4l2_video_format_features(
            &pd->support, format, VK_IMAGE_TILING_OPTIMAL);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_GetPhysicalDeviceFormatProperties2(
    VkPhysicalDevice physicalDevice, VkFormat format, VkFormatProperties2 *pProps)
{
    struct vkv4l2_physdev *pd = vkv4l2_physdev_probed(physicalDevice);
    const VkuInstanceDispatchTable *vk = &pd->inst->vtbl;
    PFN_vkGetPhysicalDeviceFormatProperties2 next = vk->GetPhysicalDeviceFormatProperties2
                                                        ? vk->GetPhysicalDeviceFormatProperties2
                                                        : vk->GetPhysicalDeviceFormatProperties2KHR;
    next(physicalDevice, format, pProps);
    if (!pd->video)
        return;
    VkFormatFeatureFlags2 add =
        vkv4l2_video_format_features(&pd->support, format, VK_IMAGE_TILING_OPTIMAL);
    /* The decode bits of both flag types are below bit 32. */
    pProps->formatProperties.optimalTilingFeatures |= (VkFormatFeatureFlags)add;
    for (VkBaseOutStructure *o = pProps->pNext; o; o = o->pNext) {
        if (o->sType == VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_3)
            ((VkFormatProperties3 *)o)->optimalTilingFeatures |= add;
    }
}

/* Image format queries may name a video profile and video usage: the
 * driver answers for the image the layer will really create (video bits and
 * profile removed, the copy path's TRANSFER_DST added), and the layer adds
 * its own verdict on the profile and format. */
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetPhysicalDeviceImageFormatProperties2(
    VkPhysicalDevice physicalDevice, const VkPhysicalDeviceImageFormatInfo2 *pInfo,
    VkImageFormatProperties2 *pProps)
{
    struct vkv4l2_physdev *pd = vkv4l2_physdev_probed(physicalDevice);
    const VkuInstanceDispatchTable *vk = &pd->inst->vtbl;
    PFN_vkGetPhysicalDeviceImageFormatProperties2 next =
        vk->GetPhysicalDeviceImageFormatProperties2
            ? vk->GetPhysicalDeviceImageFormatProperties2
            : vk->GetPhysicalDeviceImageFormatProperties2KHR;
    if (!pd->video)
        return next(physicalDevice, pInfo, pProps);

    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    const struct vkv4l2_scrub s = {
        .arena = &arena,
        .decode_family = pd->decode_family,
        .driver_family_count = pd->driver_family_count,
    };
    const VkPhysicalDeviceImageFormatInfo2 *info = pInfo;
    bool is_video = false;
    VkResult r = vkv4l2_scrub_image_format_info2(&s, pInfo, VK_IMAGE_USAGE_TRANSFER_DST_BIT, &info,
                                                 &is_video);
    if (r >= 0 && is_video) {
        r = vkv4l2_video_profile_list_check(&pd->support, vkv4l2_find_profile_list(pInfo->pNext));
        if (r == VK_SUCCESS && pInfo->format != VKV4L2_DECODE_FORMAT)
            r = VK_ERROR_FORMAT_NOT_SUPPORTED;
    }
    if (r >= 0)
        r = next(physicalDevice, info, pProps);
    vkv4l2_arena_fini(&arena);
    return r;
}
