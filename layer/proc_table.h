/* The table of entry points the layer intercepts. */
#ifndef VKV4L2_PROC_TABLE_H
#define VKV4L2_PROC_TABLE_H

#include <stdbool.h>
#include <vulkan/vulkan.h>

enum vkv4l2_proc_scope {
    VKV4L2_PROC_GLOBAL,   /* resolvable with a NULL instance */
    VKV4L2_PROC_INSTANCE, /* instance-level, dispatched on VkInstance */
    VKV4L2_PROC_PHYSDEV,  /* instance-level, dispatched on VkPhysicalDevice */
    VKV4L2_PROC_DEVICE,   /* device-level */
};

enum vkv4l2_proc_flags {
    /* Exposed only when the next layer/driver has the command: the layer
     * merely filters it and must not invent it. */
    VKV4L2_PROC_ONLY_IF_NEXT = 1 << 0,
    /* Device command intercepted only on devices with video enabled; on the
     * others vkGetDeviceProcAddr hands out the next one directly, so a
     * program that does not use video pays nothing. */
    VKV4L2_PROC_VIDEO_ONLY = 1 << 1,
    /* VK_EXT_debug_utils command: exposed only when the instance enabled
     * the extension (the loader's terminator would hand it out anyway). */
    VKV4L2_PROC_DEBUG_UTILS = 1 << 2,
};

struct vkv4l2_proc {
    const char *name;
    PFN_vkVoidFunction fn;
    enum vkv4l2_proc_scope scope;
    unsigned flags;
};

/* Returns the entry for a command name, or NULL when not intercepted. */
const struct vkv4l2_proc *vkv4l2_proc_lookup(const char *name);

#endif
