/* Device memory tracking, the shared application/layer mapping, and the
 * dma-buf import that replaces a zero-copy image's dedicated allocation. */
#include "memory.h"

#include <stdlib.h>

#include "device.h"
#include "image.h"
#include "instance.h"
#include "log.h"
#include "scrub.h"

struct vkv4l2_memory *vkv4l2_memory_get(struct vkv4l2_device *dev, VkDeviceMemory memory)
{
    return vkv4l2_object_map_get(&dev->memories, (uintptr_t)memory);
}

static bool type_host_visible(struct vkv4l2_device *dev, uint32_t type_index)
{
    VkPhysicalDeviceMemoryProperties props;
    dev->inst->vtbl.GetPhysicalDeviceMemoryProperties(dev->physdev, &props);
    return type_index < props.memoryTypeCount &&
           (props.memoryTypes[type_index].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT);
}

VkResult vkv4l2_memory_allocate(struct vkv4l2_device *dev, const VkMemoryAllocateInfo *info,
                                const VkAllocationCallbacks *alloc, VkDeviceMemory *out)
{
    struct vkv4l2_memory *mem = calloc(1, sizeof(*mem));
    if (!mem)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    pthread_mutex_init(&mem->lock, NULL);

    VkResult res = VK_NOT_READY;
    const VkMemoryDedicatedAllocateInfo *ded =
        vkv4l2_chain_find(info->pNext, VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO);
    if (ded && ded->image != VK_NULL_HANDLE)
        res = vkv4l2_image_import_memory(dev, ded->image, info, alloc, out, &mem->image);
    if (res == VK_NOT_READY)
        res = dev->vtbl.AllocateMemory(dev->handle, info, alloc, out);
    if (res != VK_SUCCESS) {
        pthread_mutex_destroy(&mem->lock);
        free(mem);
        return res;
    }
    mem->handle = *out;
    mem->size = info->allocationSize;
    mem->type_index = info->memoryTypeIndex;
    mem->host_visible = type_host_visible(dev, info->memoryTypeIndex);
    if (mem->image)
        mem->size = mem->image->alloc_size;
    if (vkv4l2_object_map_insert(&dev->memories, (uintptr_t)*out, mem) < 0) {
        dev->vtbl.FreeMemory(dev->handle, *out, alloc);
        if (mem->image)
            mem->image->memory = VK_NULL_HANDLE;
        pthread_mutex_destroy(&mem->lock);
        free(mem);
        *out = VK_NULL_HANDLE;
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    return VK_SUCCESS;
}

void vkv4l2_memory_free(struct vkv4l2_device *dev, VkDeviceMemory memory,
                        const VkAllocationCallbacks *alloc)
{
    if (memory == VK_NULL_HANDLE)
        return;
    struct vkv4l2_memory *mem = vkv4l2_object_map_remove(&dev->memories, (uintptr_t)memory);
    /* Freeing unmaps implicitly, ours and the application's. */
    dev->vtbl.FreeMemory(dev->handle, memory, alloc);
    if (!mem)
        return;
    if (mem->image && mem->image->memory == memory)
        mem->image->memory = VK_NULL_HANDLE;
    pthread_mutex_destroy(&mem->lock);
    free(mem);
}

void vkv4l2_memory_forget(struct vkv4l2_device *dev, VkDeviceMemory memory)
{
    struct vkv4l2_memory *mem = vkv4l2_object_map_remove(&dev->memories, (uintptr_t)memory);
    if (!mem)
        return;
    if (mem->image && mem->image->memory == memory)
        mem->image->memory = VK_NULL_HANDLE;
    pthread_mutex_destroy(&mem->lock);
    free(mem);
}

/* Maps the whole allocation at driver level (lock held). */
static VkResult map_whole(struct vkv4l2_device *dev, struct vkv4l2_memory *mem)
{
    if (mem->base)
        return VK_SUCCESS;
    void *p = NULL;
    VkResult res = dev->vtbl.MapMemory(dev->handle, mem->handle, 0, VK_WHOLE_SIZE, 0, &p);
    if (res != VK_SUCCESS)
        return res;
    mem->base = p;
    mem->placed = false;
    return VK_SUCCESS;
}

static VkResult unmap_driver(struct vkv4l2_device *dev, struct vkv4l2_memory *mem,
                             VkMemoryUnmapFlagsKHR flags)
{
    VkResult res = VK_SUCCESS;
    if (flags && (dev->vtbl.UnmapMemory2KHR || dev->vtbl.UnmapMemory2)) {
        const VkMemoryUnmapInfoKHR info = {
            .sType = VK_STRUCTURE_TYPE_MEMORY_UNMAP_INFO_KHR, .flags = flags, .memory = mem->handle};
        res = dev->vtbl.UnmapMemory2KHR ? dev->vtbl.UnmapMemory2KHR(dev->handle, &info)
                                        : dev->vtbl.UnmapMemory2(dev->handle, &info);
    } else {
        dev->vtbl.UnmapMemory(dev->handle, mem->handle);
    }
    mem->base = NULL;
    mem->placed = false;
    return res;
}

VkResult vkv4l2_memory_layer_map(struct vkv4l2_device *dev, struct vkv4l2_memory *mem,
                                 VkDeviceSize offset, VkDeviceSize size, void **out)
{
    if (!mem->host_visible || offset > mem->size || size > mem->size - offset)
        return VK_ERROR_MEMORY_MAP_FAILED;
    pthread_mutex_lock(&mem->lock);
    /* The application's placed mapping goes with its unmap: the executor
     * would keep a dangling pointer. */
    VkResult res = mem->placed ? VK_ERROR_MEMORY_MAP_FAILED : map_whole(dev, mem);
    if (res == VK_SUCCESS) {
        mem->layer_mapped = true;
        *out = (uint8_t *)mem->base + offset;
    }
    pthread_mutex_unlock(&mem->lock);
    return res;
}

VkResult vkv4l2_memory_app_map(struct vkv4l2_device *dev, VkDeviceMemory memory,
                               VkDeviceSize offset, VkDeviceSize size, const void *map2_pnext,
                               VkMemoryMapFlags flags, void **out)
{
    struct vkv4l2_memory *mem = vkv4l2_memory_get(dev, memory);
    const bool placed_request = map2_pnext != NULL; /* VkMemoryMapPlacedInfoEXT */
    if (!mem) {
        if (!placed_request)
            return dev->vtbl.MapMemory(dev->handle, memory, offset, size, flags, out);
        const VkMemoryMapInfoKHR info = {
            .sType = VK_STRUCTURE_TYPE_MEMORY_MAP_INFO_KHR, .pNext = map2_pnext, .flags = flags,
            .memory = memory, .offset = offset, .size = size};
        return dev->vtbl.MapMemory2KHR ? dev->vtbl.MapMemory2KHR(dev->handle, &info, out)
                                       : dev->vtbl.MapMemory2(dev->handle, &info, out);
    }
    VkResult res = VK_SUCCESS;
    pthread_mutex_lock(&mem->lock);
    if (mem->app_mapped) {
        res = VK_ERROR_MEMORY_MAP_FAILED; /* mapped twice: invalid usage */
    } else if (placed_request && mem->layer_mapped) {
        /* The application chooses the address, but the executor holds
         * pointers into the layer's mapping. */
        vkv4l2_warn("placed vkMapMemory2 of memory the layer has mapped for decoding");
        res = VK_ERROR_MEMORY_MAP_FAILED;
    } else if (placed_request) {
        if (mem->base)
            unmap_driver(dev, mem, 0);
        const VkMemoryMapInfoKHR info = {
            .sType = VK_STRUCTURE_TYPE_MEMORY_MAP_INFO_KHR, .pNext = map2_pnext, .flags = flags,
            .memory = memory, .offset = offset, .size = size};
        void *p = NULL;
        res = dev->vtbl.MapMemory2KHR ? dev->vtbl.MapMemory2KHR(dev->handle, &info, &p)
                                      : dev->vtbl.MapMemory2(dev->handle, &info, &p);
        if (res == VK_SUCCESS) {
            mem->base = p;
            mem->placed = true;
            *out = p;
        }
    } else {
        res = map_whole(dev, mem);
        if (res == VK_SUCCESS)
            *out = (uint8_t *)mem->base + offset;
    }
    if (res == VK_SUCCESS)
        mem->app_mapped = true;
    pthread_mutex_unlock(&mem->lock);
    return res;
}

VkResult vkv4l2_memory_app_unmap(struct vkv4l2_device *dev, VkDeviceMemory memory,
                                 VkMemoryUnmapFlagsKHR flags)
{
    struct vkv4l2_memory *mem = vkv4l2_memory_get(dev, memory);
    if (!mem) {
        if (!flags) {
            dev->vtbl.UnmapMemory(dev->handle, memory);
            return VK_SUCCESS;
        }
        const VkMemoryUnmapInfoKHR info = {
            .sType = VK_STRUCTURE_TYPE_MEMORY_UNMAP_INFO_KHR, .flags = flags, .memory = memory};
        return dev->vtbl.UnmapMemory2KHR ? dev->vtbl.UnmapMemory2KHR(dev->handle, &info)
                                         : dev->vtbl.UnmapMemory2(dev->handle, &info);
    }
    VkResult res = VK_SUCCESS;
    pthread_mutex_lock(&mem->lock);
    mem->app_mapped = false;
    /* A placed mapping is the application's address range: give it back.
     * Otherwise the driver mapping stays while the layer uses it. */
    if (mem->base && (mem->placed || !mem->layer_mapped)) {
        res = unmap_driver(dev, mem, flags);
        mem->layer_mapped = false;
    }
    pthread_mutex_unlock(&mem->lock);
    return res;
}

/* ---- entry points ---------------------------------------------------- */

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_AllocateMemory(VkDevice device,
                                                     const VkMemoryAllocateInfo *pAllocateInfo,
                                                     const VkAllocationCallbacks *pAllocator,
                                                     VkDeviceMemory *pMemory)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.AllocateMemory(device, pAllocateInfo, pAllocator, pMemory);
    return vkv4l2_memory_allocate(dev, pAllocateInfo, pAllocator, pMemory);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_FreeMemory(VkDevice device, VkDeviceMemory memory,
                                             const VkAllocationCallbacks *pAllocator)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video) {
        dev->vtbl.FreeMemory(device, memory, pAllocator);
        return;
    }
    vkv4l2_memory_free(dev, memory, pAllocator);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_MapMemory(VkDevice device, VkDeviceMemory memory,
                                                VkDeviceSize offset, VkDeviceSize size,
                                                VkMemoryMapFlags flags, void **ppData)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.MapMemory(device, memory, offset, size, flags, ppData);
    return vkv4l2_memory_app_map(dev, memory, offset, size, NULL, flags, ppData);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_UnmapMemory(VkDevice device, VkDeviceMemory memory)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video) {
        dev->vtbl.UnmapMemory(device, memory);
        return;
    }
    vkv4l2_memory_app_unmap(dev, memory, 0);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_MapMemory2KHR(VkDevice device,
                                                    const VkMemoryMapInfoKHR *pMemoryMapInfo,
                                                    void **ppData)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video) {
        return dev->vtbl.MapMemory2KHR ? dev->vtbl.MapMemory2KHR(device, pMemoryMapInfo, ppData)
                                       : dev->vtbl.MapMemory2(device, pMemoryMapInfo, ppData);
    }
    const VkMemoryMapInfoKHR *i = pMemoryMapInfo;
    return vkv4l2_memory_app_map(dev, i->memory, i->offset, i->size, i->pNext, i->flags, ppData);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_UnmapMemory2KHR(VkDevice device,
                                                      const VkMemoryUnmapInfoKHR *pMemoryUnmapInfo)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video) {
        return dev->vtbl.UnmapMemory2KHR ? dev->vtbl.UnmapMemory2KHR(device, pMemoryUnmapInfo)
                                         : dev->vtbl.UnmapMemory2(device, pMemoryUnmapInfo);
    }
    return vkv4l2_memory_app_unmap(dev, pMemoryUnmapInfo->memory, pMemoryUnmapInfo->flags);
}
