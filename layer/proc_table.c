#include "proc_table.h"

#include <string.h>

#include "device.h"
#include "instance.h"

#define PROC(name, scope, flags) { "vk" #name, (PFN_vkVoidFunction)vkv4l2_##name, scope, flags }

static const struct vkv4l2_proc procs[] = {
    PROC(CreateInstance, VKV4L2_PROC_GLOBAL, 0),
    PROC(DestroyInstance, VKV4L2_PROC_INSTANCE, 0),
    PROC(EnumeratePhysicalDevices, VKV4L2_PROC_INSTANCE, 0),
    PROC(EnumeratePhysicalDeviceGroups, VKV4L2_PROC_INSTANCE, VKV4L2_PROC_ONLY_IF_NEXT),
    { "vkEnumeratePhysicalDeviceGroupsKHR", (PFN_vkVoidFunction)vkv4l2_EnumeratePhysicalDeviceGroups,
      VKV4L2_PROC_INSTANCE, VKV4L2_PROC_ONLY_IF_NEXT },
    PROC(EnumerateDeviceExtensionProperties, VKV4L2_PROC_INSTANCE, 0),
    PROC(CreateDevice, VKV4L2_PROC_INSTANCE, 0),
    PROC(DestroyDevice, VKV4L2_PROC_DEVICE, 0),
};

const struct vkv4l2_proc *vkv4l2_proc_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
        if (!strcmp(procs[i].name, name))
            return &procs[i];
    }
    return NULL;
}
