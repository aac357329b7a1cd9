#include "physdev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "driver_facts.h"
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
        if (vkv4l2_caps_decodable(caps, V4L2_PIX_FMT_NV12, why, sizeof(why))) {
            vkv4l2_warn("%s: H.264 unusable: %s", list.nodes[i].video_path, why);
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
    struct vkv4l2_driver_facts f;
    vkv4l2_driver_facts_gather(&pd->inst->vtbl, pd->handle, &f);
    memcpy(pd->device_name, f.device_name, sizeof(pd->device_name));
    pd->driver_api_version = f.api_version;
    pd->driver_family_count = f.family_count;
    pd->decode_family = pd->driver_family_count;
    pd->has_modifier_ext = f.has_modifier_ext;
    pd->support.nv12_usage = f.nv12_usage;
    pd->support.nv12_create_flags = f.nv12_create_flags;

    /* The decoder is looked for only when the driver qualifies. */
    enum vkv4l2_verdict v = vkv4l2_verdict_decide(&f, true);
    if (v == VKV4L2_VERDICT_ACTIVE && !find_h264_decoder(pd))
        v = VKV4L2_VERDICT_NO_DECODER;
    if (v != VKV4L2_VERDICT_ACTIVE) {
        vkv4l2_info("%s: no video decode: %s", pd->device_name, vkv4l2_verdict_text(v));
        return;
    }
    vkv4l2_video_support_from(&f, &pd->h264_caps, &pd->support);
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
