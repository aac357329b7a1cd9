/* The layer's three exported symbols and name -> entry point resolution. */
#include <string.h>

#include <vulkan/vk_layer.h>

#include "device.h"
#include "instance.h"
#include "proc_table.h"

#define VKV4L2_EXPORT __attribute__((visibility("default")))

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkv4l2_GetInstanceProcAddr(VkInstance instance,
                                                                    const char *pName);
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkv4l2_GetDeviceProcAddr(VkDevice device,
                                                                  const char *pName);
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkv4l2_GetPhysicalDeviceProcAddr(VkInstance instance,
                                                                          const char *pName);

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkv4l2_GetInstanceProcAddr(VkInstance instance,
                                                                    const char *pName)
{
    if (!pName)
        return NULL;
    if (!strcmp(pName, "vkGetInstanceProcAddr"))
        return (PFN_vkVoidFunction)vkv4l2_GetInstanceProcAddr;
    if (!strcmp(pName, "vkGetDeviceProcAddr"))
        return (PFN_vkVoidFunction)vkv4l2_GetDeviceProcAddr;

    const struct vkv4l2_proc *proc = vkv4l2_proc_lookup(pName);
    if (proc && proc->scope == VKV4L2_PROC_GLOBAL)
        return proc->fn;
    if (instance == VK_NULL_HANDLE)
        return NULL;
    struct vkv4l2_instance *inst = vkv4l2_instance_get(instance);
    if (!inst)
        return NULL;
    PFN_vkVoidFunction next = inst->next_gipa(instance, pName);
    if (proc && (next || !(proc->flags & VKV4L2_PROC_ONLY_IF_NEXT)))
        return proc->fn;
    return next;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkv4l2_GetDeviceProcAddr(VkDevice device,
                                                                  const char *pName)
{
    if (!pName || device == VK_NULL_HANDLE)
        return NULL;
    if (!strcmp(pName, "vkGetDeviceProcAddr"))
        return (PFN_vkVoidFunction)vkv4l2_GetDeviceProcAddr;
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev)
        return NULL;
    PFN_vkVoidFunction next = dev->next_gdpa(device, pName);
    const struct vkv4l2_proc *proc = vkv4l2_proc_lookup(pName);
    if (proc && proc->scope == VKV4L2_PROC_DEVICE &&
        (next || !(proc->flags & VKV4L2_PROC_ONLY_IF_NEXT)) &&
        (dev->video || !(proc->flags & VKV4L2_PROC_VIDEO_ONLY)) &&
        (dev->inst->debug_utils || !(proc->flags & VKV4L2_PROC_DEBUG_UTILS)))
        return proc->fn;
    return next;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkv4l2_GetPhysicalDeviceProcAddr(VkInstance instance,
                                                                          const char *pName)
{
    struct vkv4l2_instance *inst = vkv4l2_instance_get(instance);
    if (!inst || !pName)
        return NULL;
    PFN_vkVoidFunction next = inst->next_gpdpa ? inst->next_gpdpa(instance, pName) : NULL;
    const struct vkv4l2_proc *proc = vkv4l2_proc_lookup(pName);
    if (proc && proc->scope == VKV4L2_PROC_PHYSDEV &&
        (next || !(proc->flags & VKV4L2_PROC_ONLY_IF_NEXT)))
        return proc->fn;
    return next;
}

VKV4L2_EXPORT VKAPI_ATTR VkResult VKAPI_CALL
vkNegotiateLoaderLayerInterfaceVersion(VkNegotiateLayerInterface *pVersionStruct)
{
    if (!pVersionStruct || pVersionStruct->sType != LAYER_NEGOTIATE_INTERFACE_STRUCT)
        return VK_ERROR_INITIALIZATION_FAILED;
    /* Version 2 adds vk_layerGetPhysicalDeviceProcAddr, which the loader
     * needs for physical-device commands of extensions the driver lacks. */
    if (pVersionStruct->loaderLayerInterfaceVersion < 2)
        return VK_ERROR_INITIALIZATION_FAILED;
    pVersionStruct->loaderLayerInterfaceVersion = 2;
    pVersionStruct->pfnGetInstanceProcAddr = vkv4l2_GetInstanceProcAddr;
    pVersionStruct->pfnGetDeviceProcAddr = vkv4l2_GetDeviceProcAddr;
    pVersionStruct->pfnGetPhysicalDeviceProcAddr = vkv4l2_GetPhysicalDeviceProcAddr;
    return VK_SUCCESS;
}

VKV4L2_EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkGetInstanceProcAddr(VkInstance instance,
                                                                             const char *pName)
{
    return vkv4l2_GetInstanceProcAddr(instance, pName);
}

VKV4L2_EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkGetDeviceProcAddr(VkDevice device,
                                                                           const char *pName)
{
    return vkv4l2_GetDeviceProcAddr(device, pName);
}
