#include "device.h"

#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "log.h"
#include "object_map.h"
#include "settings.h"

static struct vkv4l2_object_map devices = VKV4L2_OBJECT_MAP_INIT;

struct vkv4l2_device *vkv4l2_device_get(const void *dispatchable)
{
    return vkv4l2_object_map_get(&devices, vkv4l2_dispatch_key(dispatchable));
}

static VkLayerDeviceCreateInfo *find_device_info(const VkDeviceCreateInfo *ci,
                                                 VkLayerFunction function)
{
    for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
        if (s->sType != VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO)
            continue;
        VkLayerDeviceCreateInfo *info = (VkLayerDeviceCreateInfo *)s;
        if (info->function == function)
            return info;
    }
    return NULL;
}

static VkResult create_device(VkPhysicalDevice physicalDevice,
                              const VkDeviceCreateInfo *pCreateInfo,
                              const VkAllocationCallbacks *pAllocator, VkDevice *pDevice)
{
    struct vkv4l2_instance *inst = vkv4l2_instance_from_physdev(physicalDevice);
    VkLayerDeviceCreateInfo *link = find_device_info(pCreateInfo, VK_LAYER_LINK_INFO);
    VkLayerDeviceCreateInfo *loader_cb = find_device_info(pCreateInfo, VK_LOADER_DATA_CALLBACK);
    if (!inst || !link || !link->u.pLayerInfo)
        return VK_ERROR_INITIALIZATION_FAILED;

    VkLayerDeviceLink *layer_info = link->u.pLayerInfo;
    PFN_vkGetInstanceProcAddr next_gipa = layer_info->pfnNextGetInstanceProcAddr;
    PFN_vkGetDeviceProcAddr next_gdpa = layer_info->pfnNextGetDeviceProcAddr;
    PFN_vkCreateDevice next_create =
        (PFN_vkCreateDevice)next_gipa(inst->handle, "vkCreateDevice");
    if (!next_create)
        return VK_ERROR_INITIALIZATION_FAILED;

    struct vkv4l2_device *dev = calloc(1, sizeof(*dev));
    if (!dev)
        return VK_ERROR_OUT_OF_HOST_MEMORY;

    link->u.pLayerInfo = layer_info->pNext;
    VkResult res = next_create(physicalDevice, pCreateInfo, pAllocator, pDevice);
    link->u.pLayerInfo = layer_info;
    if (res != VK_SUCCESS) {
        free(dev);
        return res;
    }

    dev->handle = *pDevice;
    dev->physdev = physicalDevice;
    dev->inst = inst;
    dev->next_gdpa = next_gdpa;
    dev->set_loader_data = loader_cb ? loader_cb->u.pfnSetDeviceLoaderData : NULL;
    vkuInitDeviceDispatchTable(*pDevice, &dev->vtbl, next_gdpa);

    if (vkv4l2_object_map_insert(&devices, vkv4l2_dispatch_key(*pDevice), dev) != 0) {
        dev->vtbl.DestroyDevice(*pDevice, pAllocator);
        free(dev);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    vkv4l2_log_inst(inst, VKV4L2_LOG_DEBUG, "device %p created", (void *)*pDevice);
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateDevice(VkPhysicalDevice physicalDevice,
                                                   const VkDeviceCreateInfo *pCreateInfo,
                                                   const VkAllocationCallbacks *pAllocator,
                                                   VkDevice *pDevice)
{
    /* The loader holds its global lock across vkCreateDevice. */
    vkv4l2_log_loader_locked(1);
    VkResult res = create_device(physicalDevice, pCreateInfo, pAllocator, pDevice);
    vkv4l2_log_loader_locked(-1);
    return res;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyDevice(VkDevice device,
                                                const VkAllocationCallbacks *pAllocator)
{
    if (device == VK_NULL_HANDLE)
        return;
    struct vkv4l2_device *dev = vkv4l2_object_map_remove(&devices, vkv4l2_dispatch_key(device));
    if (!dev)
        return;
    dev->vtbl.DestroyDevice(device, pAllocator);
    free(dev);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_EnumerateDeviceExtensionProperties(
    VkPhysicalDevice physicalDevice, const char *pLayerName, uint32_t *pPropertyCount,
    VkExtensionProperties *pProperties)
{
    if (pLayerName && !strcmp(pLayerName, VKV4L2_LAYER_NAME)) {
        /* The layer's own device extensions are reported with the driver's
         * (they are implemented for a specific physical device). */
        *pPropertyCount = 0;
        return VK_SUCCESS;
    }
    struct vkv4l2_instance *inst = vkv4l2_instance_from_physdev(physicalDevice);
    return inst->vtbl.EnumerateDeviceExtensionProperties(physicalDevice, pLayerName,
                                                         pPropertyCount, pProperties);
}
