/* Layer device state and the device entry points. */
#ifndef VKV4L2_DEVICE_H
#define VKV4L2_DEVICE_H

#include <vulkan/vk_layer.h>
#include <vulkan/utility/vk_dispatch_table.h>

struct vkv4l2_instance;

struct vkv4l2_device {
    VkDevice handle;
    VkPhysicalDevice physdev;
    struct vkv4l2_instance *inst;
    VkuDeviceDispatchTable vtbl;
    PFN_vkGetDeviceProcAddr next_gdpa;
    /* Sets the loader's dispatch pointer on dispatchable objects the layer
     * creates itself (decode queues and command buffers). */
    PFN_vkSetDeviceLoaderData set_loader_data;
};

/* Any dispatchable object of the device (device, queue, command buffer). */
struct vkv4l2_device *vkv4l2_device_get(const void *dispatchable);

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateDevice(VkPhysicalDevice physicalDevice,
                                                   const VkDeviceCreateInfo *pCreateInfo,
                                                   const VkAllocationCallbacks *pAllocator,
                                                   VkDevice *pDevice);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyDevice(VkDevice device,
                                                const VkAllocationCallbacks *pAllocator);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_EnumerateDeviceExtensionProperties(
    VkPhysicalDevice physicalDevice, const char *pLayerName, uint32_t *pPropertyCount,
    VkExtensionProperties *pProperties);

#endif
