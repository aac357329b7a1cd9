#include "proc_table.h"

#include <string.h>

#include "buffer.h"
#include "cmd_buffer.h"
#include "cmd_intercept.h"
#include "device.h"
#include "fence.h"
#include "image.h"
#include "instance.h"
#include "memory.h"
#include "physdev.h"
#include "query_pool.h"
#include "queue.h"
#include "session_params.h"
#include "sync_proxy.h"
#include "video_session.h"

#define PROC(name, scope, flags) { "vk" #name, (PFN_vkVoidFunction)vkv4l2_##name, scope, flags }
/* An alias name (…KHR/…EXT) served by the core entry point. */
#define ALIAS(alias, name, scope, flags) \
    { "vk" #alias, (PFN_vkVoidFunction)vkv4l2_##name, scope, flags }

#define GLOBAL VKV4L2_PROC_GLOBAL
#define INSTANCE VKV4L2_PROC_INSTANCE
#define PHYSDEV VKV4L2_PROC_PHYSDEV
#define DEVICE VKV4L2_PROC_DEVICE
#define IF_NEXT VKV4L2_PROC_ONLY_IF_NEXT
#define VIDEO VKV4L2_PROC_VIDEO_ONLY
#define DEBUG_UTILS VKV4L2_PROC_DEBUG_UTILS

static const struct vkv4l2_proc procs[] = {
    PROC(CreateInstance, GLOBAL, 0),
    PROC(DestroyInstance, INSTANCE, 0),
    PROC(EnumeratePhysicalDevices, INSTANCE, 0),
    PROC(EnumeratePhysicalDeviceGroups, INSTANCE, IF_NEXT),
    ALIAS(EnumeratePhysicalDeviceGroupsKHR, EnumeratePhysicalDeviceGroups, INSTANCE, IF_NEXT),
    PROC(EnumerateDeviceExtensionProperties, INSTANCE, 0),
    PROC(CreateDevice, INSTANCE, 0),

    /* Physical-device queries that report the added decode capability. */
    PROC(GetPhysicalDeviceQueueFamilyProperties, PHYSDEV, 0),
    PROC(GetPhysicalDeviceQueueFamilyProperties2, PHYSDEV, IF_NEXT),
    ALIAS(GetPhysicalDeviceQueueFamilyProperties2KHR, GetPhysicalDeviceQueueFamilyProperties2,
          PHYSDEV, IF_NEXT),
    PROC(GetPhysicalDeviceVideoCapabilitiesKHR, PHYSDEV, 0),
    PROC(GetPhysicalDeviceVideoFormatPropertiesKHR, PHYSDEV, 0),
    PROC(GetPhysicalDeviceFormatProperties, PHYSDEV, 0),
    PROC(GetPhysicalDeviceFormatProperties2, PHYSDEV, IF_NEXT),
    ALIAS(GetPhysicalDeviceFormatProperties2KHR, GetPhysicalDeviceFormatProperties2, PHYSDEV,
          IF_NEXT),
    PROC(GetPhysicalDeviceImageFormatProperties2, PHYSDEV, IF_NEXT),
    ALIAS(GetPhysicalDeviceImageFormatProperties2KHR, GetPhysicalDeviceImageFormatProperties2,
          PHYSDEV, IF_NEXT),

    PROC(DestroyDevice, DEVICE, 0),

    /* Everything below is reached only on devices with video enabled. */
    PROC(GetDeviceQueue, DEVICE, VIDEO),
    PROC(GetDeviceQueue2, DEVICE, VIDEO | IF_NEXT),
    PROC(QueueSubmit, DEVICE, VIDEO),
    PROC(QueueSubmit2, DEVICE, VIDEO | IF_NEXT),
    PROC(QueueSubmit2KHR, DEVICE, VIDEO | IF_NEXT),
    PROC(QueueWaitIdle, DEVICE, VIDEO),
    PROC(QueuePresentKHR, DEVICE, VIDEO | IF_NEXT),
    PROC(DeviceWaitIdle, DEVICE, VIDEO),
    PROC(CreateSemaphore, DEVICE, VIDEO),
    PROC(WaitForFences, DEVICE, VIDEO),
    PROC(GetFenceStatus, DEVICE, VIDEO),
    PROC(ResetFences, DEVICE, VIDEO),
    PROC(DestroyFence, DEVICE, VIDEO),
    PROC(DestroySemaphore, DEVICE, VIDEO),

    PROC(CreateCommandPool, DEVICE, VIDEO),
    PROC(DestroyCommandPool, DEVICE, VIDEO),
    PROC(ResetCommandPool, DEVICE, VIDEO),
    PROC(TrimCommandPool, DEVICE, VIDEO | IF_NEXT),
    ALIAS(TrimCommandPoolKHR, TrimCommandPool, DEVICE, VIDEO | IF_NEXT),
    PROC(AllocateCommandBuffers, DEVICE, VIDEO),
    PROC(FreeCommandBuffers, DEVICE, VIDEO),
    PROC(BeginCommandBuffer, DEVICE, VIDEO),
    PROC(EndCommandBuffer, DEVICE, VIDEO),
    PROC(ResetCommandBuffer, DEVICE, VIDEO),

    PROC(CmdBeginVideoCodingKHR, DEVICE, VIDEO),
    PROC(CmdEndVideoCodingKHR, DEVICE, VIDEO),
    PROC(CmdControlVideoCodingKHR, DEVICE, VIDEO),
    PROC(CmdDecodeVideoKHR, DEVICE, VIDEO),
    PROC(CmdPipelineBarrier, DEVICE, VIDEO),
    PROC(CmdPipelineBarrier2, DEVICE, VIDEO | IF_NEXT),
    PROC(CmdPipelineBarrier2KHR, DEVICE, VIDEO | IF_NEXT),
    PROC(CmdResetQueryPool, DEVICE, VIDEO),
    PROC(CmdBeginQuery, DEVICE, VIDEO),
    PROC(CmdEndQuery, DEVICE, VIDEO),
    PROC(CmdBeginDebugUtilsLabelEXT, DEVICE, VIDEO | IF_NEXT | DEBUG_UTILS),
    PROC(CmdEndDebugUtilsLabelEXT, DEVICE, VIDEO | IF_NEXT | DEBUG_UTILS),
    PROC(CmdInsertDebugUtilsLabelEXT, DEVICE, VIDEO | IF_NEXT | DEBUG_UTILS),

    PROC(CreateVideoSessionKHR, DEVICE, VIDEO),
    PROC(DestroyVideoSessionKHR, DEVICE, VIDEO),
    PROC(GetVideoSessionMemoryRequirementsKHR, DEVICE, VIDEO),
    PROC(BindVideoSessionMemoryKHR, DEVICE, VIDEO),
    PROC(CreateVideoSessionParametersKHR, DEVICE, VIDEO),
    PROC(UpdateVideoSessionParametersKHR, DEVICE, VIDEO),
    PROC(DestroyVideoSessionParametersKHR, DEVICE, VIDEO),
    PROC(CreateQueryPool, DEVICE, VIDEO),
    PROC(DestroyQueryPool, DEVICE, VIDEO),
    PROC(ResetQueryPool, DEVICE, VIDEO | IF_NEXT),
    ALIAS(ResetQueryPoolEXT, ResetQueryPool, DEVICE, VIDEO | IF_NEXT),
    PROC(GetQueryPoolResults, DEVICE, VIDEO),

    PROC(CreateImage, DEVICE, VIDEO),
    PROC(DestroyImage, DEVICE, VIDEO),
    PROC(GetImageMemoryRequirements, DEVICE, VIDEO),
    PROC(GetImageMemoryRequirements2, DEVICE, VIDEO | IF_NEXT),
    ALIAS(GetImageMemoryRequirements2KHR, GetImageMemoryRequirements2, DEVICE, VIDEO | IF_NEXT),
    PROC(BindImageMemory, DEVICE, VIDEO),
    PROC(BindImageMemory2, DEVICE, VIDEO | IF_NEXT),
    ALIAS(BindImageMemory2KHR, BindImageMemory2, DEVICE, VIDEO | IF_NEXT),
    PROC(CreateImageView, DEVICE, VIDEO),
    PROC(DestroyImageView, DEVICE, VIDEO),
    PROC(CreateBuffer, DEVICE, VIDEO),
    PROC(DestroyBuffer, DEVICE, VIDEO),
    PROC(BindBufferMemory, DEVICE, VIDEO),
    PROC(BindBufferMemory2, DEVICE, VIDEO | IF_NEXT),
    ALIAS(BindBufferMemory2KHR, BindBufferMemory2, DEVICE, VIDEO | IF_NEXT),
    PROC(AllocateMemory, DEVICE, VIDEO),
    PROC(FreeMemory, DEVICE, VIDEO),
    PROC(MapMemory, DEVICE, VIDEO),
    PROC(UnmapMemory, DEVICE, VIDEO),
    PROC(MapMemory2KHR, DEVICE, VIDEO | IF_NEXT),
    ALIAS(MapMemory2, MapMemory2KHR, DEVICE, VIDEO | IF_NEXT),
    ALIAS(UnmapMemory2, UnmapMemory2KHR, DEVICE, VIDEO | IF_NEXT),
    PROC(UnmapMemory2KHR, DEVICE, VIDEO | IF_NEXT),
};

const struct vkv4l2_proc *vkv4l2_proc_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
        if (!strcmp(procs[i].name, name))
            return &procs[i];
    }
    return NULL;
}
