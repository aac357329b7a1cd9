#include "physdev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "instance.h"
#include "log.h"
#include "object_map.h"
#include "probe.h"
#include "sys.h"

static struct vkv4l2_object_map physdevs = VKV4L2_OBJECT_MAP_INIT;

int vkv4l2_physdev_add(struct vkv4l2_instance *inst, VkPhysicalDevice handle)
{
    if (vkv4l2_object_map_get(&physdevs, (uintptr_t)handle))
        return 0;
    struct vkv4l2_physdev *pd = calloc(1, sizeof(*pd));
    if (!pd)
        return -ENOMEM;
    pd->handle = handle;
    pd->inst = inst;
    pd->probe_once = (pthread_once_t)PTHREAD_ONCE_INIT;
    int ret = vkv4l2_object_map_insert(&physdevs, (uintptr_t)handle, pd);
    if (ret)
        free(pd); /* -EEXIST: another thread registered it first */
    return ret == -EEXIST ? 0 : ret;
}

void vkv4l2_physdev_remove_instance(struct vkv4l2_instance *inst)
{
    uint32_t count = 0;
    if (inst->vtbl.EnumeratePhysicalDevices(inst->handle, &count, NULL) != VK_SUCCESS || !count)
        return;
    VkPhysicalDevice *devs = calloc(count, sizeof(*devs));
    if (!devs)
        return;
    if (inst->vtbl.EnumeratePhysicalDevices(inst->handle, &count, devs) >= VK_SUCCESS) {
        for (uint32_t i = 0; i < count; i++) {
            struct vkv4l2_physdev *pd = vkv4l2_object_map_get(&physdevs, (uintptr_t)devs[i]);
            if (pd && pd->inst == inst)
                free(vkv4l2_object_map_remove(&physdevs, (uintptr_t)devs[i]));
        }
    }
    free(devs);
}

struct vkv4l2_physdev *vkv4l2_physdev_get(VkPhysicalDevice handle)
{
    return vkv4l2_object_map_get(&physdevs, (uintptr_t)handle);
}

/* Usage the driver supports for NV12 in both tilings the layer may pick
 * behind the application's back (LINEAR for zero-copy, OPTIMAL otherwise). */
static void probe_nv12(struct vkv4l2_physdev *pd)
{
    const VkuInstanceDispatchTable *vk = &pd->inst->vtbl;
    VkFormatProperties fp;
    vk->GetPhysicalDeviceFormatProperties(pd->handle, VKV4L2_DECODE_FORMAT, &fp);
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
    pd->support.nv12_usage = usage;

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
                      pd->handle, VKV4L2_DECODE_FORMAT, VK_IMAGE_TYPE_2D, tilings[t],
                      VK_IMAGE_USAGE_SAMPLED_BIT, wanted[i], &ifp) == VK_SUCCESS;
        }
        if (ok)
            flags |= wanted[i];
    }
    pd->support.nv12_create_flags = flags;
}

static bool driver_extensions(struct vkv4l2_physdev *pd, bool *dma_buf, bool *native_h264)
{
    const VkuInstanceDispatchTable *vk = &pd->inst->vtbl;
    uint32_t n = 0;
    if (vk->EnumerateDeviceExtensionProperties(pd->handle, NULL, &n, NULL) != VK_SUCCESS)
        return false;
    VkExtensionProperties *ext = calloc(n ? n : 1, sizeof(*ext));
    if (!ext)
        return false;
    bool ok = vk->EnumerateDeviceExtensionProperties(pd->handle, NULL, &n, ext) == VK_SUCCESS;
    bool fd = false, dmabuf = false;
    for (uint32_t i = 0; ok && i < n; i++) {
        const char *name = ext[i].extensionName;
        fd |= !strcmp(name, VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME);
        dmabuf |= !strcmp(name, VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME);
        pd->has_modifier_ext |= !strcmp(name, VK_EXT_IMAGE_DRM_FORMAT_MODIFIER_EXTENSION_NAME);
        *native_h264 |= !strcmp(name, VK_KHR_VIDEO_DECODE_H264_EXTENSION_NAME);
    }
    free(ext);
    *dma_buf = fd && dmabuf;
    return ok;
}

static bool find_h264_decoder(struct vkv4l2_physdev *pd)
{
    int ret = vkv4l2_sys_init();
    if (ret) {
        vkv4l2_warn("syscall backend unavailable (%s): no video decode", strerror(-ret));
        return false;
    }
    struct vkv4l2_decoder_list list;
    struct vkv4l2_err err = { 0 };
    ret = vkv4l2_discover_pinned(pd->inst->settings.device, &list, &err);
    if (ret) {
        vkv4l2_info("no V4L2 stateless decoder (%s): layer passes through", err.what);
        return false;
    }
    for (unsigned i = 0; i < list.count; i++) {
        struct vkv4l2_probe_result probe;
        struct vkv4l2_err perr = { 0 };
        if (vkv4l2_probe(list.nodes[i].video_path, &probe, &perr)) {
            vkv4l2_warn("%s: probe failed: %s", list.nodes[i].video_path, perr.what);
            continue;
        }
        const struct vkv4l2_decoder_caps *caps =
            vkv4l2_probe_find_codec(&probe, V4L2_PIX_FMT_H264_SLICE);
        char why[160];
        if (!caps)
            continue;
        if (vkv4l2_caps_usable(caps, why, sizeof(why))) {
            vkv4l2_warn("%s: H.264 unusable: %s", list.nodes[i].video_path, why);
            continue;
        }
        if (!vkv4l2_caps_has_capture_format(caps, V4L2_PIX_FMT_NV12)) {
            vkv4l2_warn("%s: H.264 decoder offers no NV12 CAPTURE format", list.nodes[i].video_path);
            continue;
        }
        pd->h264_node = list.nodes[i];
        pd->h264_caps = *caps;
        return true;
    }
    return false;
}

static void probe(struct vkv4l2_physdev *pd)
{
    const VkuInstanceDispatchTable *vk = &pd->inst->vtbl;
    VkPhysicalDeviceProperties props;
    vk->GetPhysicalDeviceProperties(pd->handle, &props);
    memcpy(pd->device_name, props.deviceName, sizeof(pd->device_name));
    pd->driver_api_version = props.apiVersion;
    vk->GetPhysicalDeviceQueueFamilyProperties(pd->handle, &pd->driver_family_count, NULL);
    pd->decode_family = pd->driver_family_count;

    bool dma_buf = false, native_h264 = false;
    if (!driver_extensions(pd, &dma_buf, &native_h264))
        return;
    if (native_h264) {
        vkv4l2_info("%s decodes H.264 itself: layer passes through", pd->device_name);
        return;
    }
    if (!dma_buf) {
        vkv4l2_info("%s cannot import dma-bufs: no video decode", pd->device_name);
        return;
    }
    if (props.apiVersion < VK_API_VERSION_1_1) {
        vkv4l2_info("%s is Vulkan 1.0: no video decode", pd->device_name);
        return;
    }
    probe_nv12(pd);
    if (!(pd->support.nv12_usage & VK_IMAGE_USAGE_SAMPLED_BIT)) {
        vkv4l2_info("%s cannot sample NV12 images: no video decode", pd->device_name);
        return;
    }
    if (!find_h264_decoder(pd))
        return;

    const struct vkv4l2_frame_sizes *fs = &pd->h264_caps.sizes;
    pd->support.h264 = true;
    pd->support.min_extent = fs->known ? (VkExtent2D){ fs->min_width, fs->min_height }
                                       : (VkExtent2D){ 48, 48 };
    pd->support.max_extent = fs->known ? (VkExtent2D){ fs->max_width, fs->max_height }
                                       : (VkExtent2D){ 1920, 1088 };
    pd->video = true;
    vkv4l2_info("%s: H.264 decode on %s (%s, %s, %s backend), coded extent %ux%u..%ux%u",
                pd->device_name, pd->h264_node.video_path, pd->h264_node.driver,
                pd->h264_node.media_path, vkv4l2_sys_backend_name(),
                pd->support.min_extent.width, pd->support.min_extent.height,
                pd->support.max_extent.width, pd->support.max_extent.height);
}

/* pthread_once carries no argument: the physical device being probed is
 * handed over in a thread-local. */
static _Thread_local struct vkv4l2_physdev *probing;
static void probe_current(void)
{
    probe(probing);
}

struct vkv4l2_physdev *vkv4l2_physdev_probed(VkPhysicalDevice handle)
{
    struct vkv4l2_physdev *pd = vkv4l2_physdev_get(handle);
    if (!pd)
        return NULL;
    probing = pd;
    pthread_once(&pd->probe_once, probe_current);
    return pd;
}
