/* Buffer create-info scrubbing, video buffer tracking and CPU access. */
#include "buffer.h"

#include <stdlib.h>

#include "arena.h"
#include "device.h"
#include "memory.h"
#include "physdev.h"
#include "scrub.h"

struct vkv4l2_buffer *vkv4l2_buffer_get(struct vkv4l2_device *dev, VkBuffer buffer)
{
    return vkv4l2_object_map_get(&dev->buffers, (uintptr_t)buffer);
}

static bool is_video_buffer(const VkBufferCreateInfo *ci)
{
    VkBufferUsageFlags2 usage = ci->usage;
    const VkBufferUsageFlags2CreateInfoKHR *u2 =
        vkv4l2_chain_find(ci->pNext, VK_STRUCTURE_TYPE_BUFFER_USAGE_FLAGS_2_CREATE_INFO_KHR);
    if (u2)
        usage = u2->usage;
    return (usage & vkv4l2_video_buffer_usage2()) ||
           vkv4l2_chain_find(ci->pNext, VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR);
}

VkResult vkv4l2_buffer_create(struct vkv4l2_device *dev, const VkBufferCreateInfo *ci,
                              const VkAllocationCallbacks *alloc, VkBuffer *out)
{
    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    const struct vkv4l2_scrub s = {
        .arena = &arena, .decode_family = dev->decode_family,
        .driver_family_count = dev->pd->driver_family_count};
    const VkBufferCreateInfo *down = ci;
    VkResult res = vkv4l2_scrub_buffer_create_info(&s, ci, &down);
    if (res == VK_ERROR_OUT_OF_HOST_MEMORY) {
        vkv4l2_arena_fini(&arena);
        return res;
    }
    res = dev->vtbl.CreateBuffer(dev->handle, down, alloc, out);
    vkv4l2_arena_fini(&arena);
    if (res != VK_SUCCESS || !is_video_buffer(ci))
        return res;

    struct vkv4l2_buffer *buf = calloc(1, sizeof(*buf));
    if (!buf || vkv4l2_object_map_insert(&dev->buffers, (uintptr_t)*out, buf) < 0) {
        free(buf);
        dev->vtbl.DestroyBuffer(dev->handle, *out, alloc);
        *out = VK_NULL_HANDLE;
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    buf->handle = *out;
    buf->size = ci->size;
    buf->app_usage = ci->usage;
    return VK_SUCCESS;
}

void vkv4l2_buffer_destroy(struct vkv4l2_device *dev, VkBuffer buffer,
                           const VkAllocationCallbacks *alloc)
{
    if (buffer == VK_NULL_HANDLE)
        return;
    free(vkv4l2_object_map_remove(&dev->buffers, (uintptr_t)buffer));
    dev->vtbl.DestroyBuffer(dev->handle, buffer, alloc);
}

VkResult vkv4l2_buffer_bind(struct vkv4l2_device *dev, uint32_t count,
                            const VkBindBufferMemoryInfo *infos)
{
    VkResult res;
    if (dev->vtbl.BindBufferMemory2)
        res = dev->vtbl.BindBufferMemory2(dev->handle, count, infos);
    else if (dev->vtbl.BindBufferMemory2KHR)
        res = dev->vtbl.BindBufferMemory2KHR(dev->handle, count, infos);
    else if (count == 1 && !infos[0].pNext)
        res = dev->vtbl.BindBufferMemory(dev->handle, infos[0].buffer, infos[0].memory,
                                         infos[0].memoryOffset);
    else
        return VK_ERROR_FEATURE_NOT_PRESENT;
    /* On failure the bindings are undefined; on success record them all. */
    if (res != VK_SUCCESS)
        return res;
    for (uint32_t i = 0; i < count; i++) {
        struct vkv4l2_buffer *buf = vkv4l2_buffer_get(dev, infos[i].buffer);
        if (!buf)
            continue;
        __atomic_store_n(&buf->memory_offset, infos[i].memoryOffset, __ATOMIC_RELAXED);
        __atomic_store_n(&buf->memory, infos[i].memory, __ATOMIC_RELEASE);
    }
    return VK_SUCCESS;
}

VkResult vkv4l2_buffer_host_ptr(struct vkv4l2_device *dev, VkBuffer buffer, VkDeviceSize offset,
                                VkDeviceSize range, const uint8_t **out)
{
    struct vkv4l2_buffer *buf = vkv4l2_buffer_get(dev, buffer);
    if (!buf)
        return VK_ERROR_UNKNOWN;
    VkDeviceMemory memory = __atomic_load_n(&buf->memory, __ATOMIC_ACQUIRE);
    VkDeviceSize bind_offset = __atomic_load_n(&buf->memory_offset, __ATOMIC_RELAXED);
    if (memory == VK_NULL_HANDLE)
        return VK_ERROR_UNKNOWN;
    if (offset > buf->size || range > buf->size - offset)
        return VK_ERROR_MEMORY_MAP_FAILED;
    struct vkv4l2_memory *mem = vkv4l2_memory_get(dev, memory);
    if (!mem)
        return VK_ERROR_UNKNOWN;
    void *p = NULL;
    VkResult res = vkv4l2_memory_layer_map(dev, mem, bind_offset + offset, range, &p);
    if (res == VK_SUCCESS)
        *out = p;
    return res;
}

/* ---- entry points ---------------------------------------------------- */

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateBuffer(VkDevice device,
                                                   const VkBufferCreateInfo *pCreateInfo,
                                                   const VkAllocationCallbacks *pAllocator,
                                                   VkBuffer *pBuffer)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.CreateBuffer(device, pCreateInfo, pAllocator, pBuffer);
    return vkv4l2_buffer_create(dev, pCreateInfo, pAllocator, pBuffer);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyBuffer(VkDevice device, VkBuffer buffer,
                                                const VkAllocationCallbacks *pAllocator)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video) {
        dev->vtbl.DestroyBuffer(device, buffer, pAllocator);
        return;
    }
    vkv4l2_buffer_destroy(dev, buffer, pAllocator);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BindBufferMemory(VkDevice device, VkBuffer buffer,
                                                       VkDeviceMemory memory,
                                                       VkDeviceSize memoryOffset)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    VkResult res = dev->vtbl.BindBufferMemory(device, buffer, memory, memoryOffset);
    if (res != VK_SUCCESS || !dev->video)
        return res;
    struct vkv4l2_buffer *buf = vkv4l2_buffer_get(dev, buffer);
    if (buf) {
        __atomic_store_n(&buf->memory_offset, memoryOffset, __ATOMIC_RELAXED);
        __atomic_store_n(&buf->memory, memory, __ATOMIC_RELEASE);
    }
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BindBufferMemory2(VkDevice device, uint32_t bindInfoCount,
                                                        const VkBindBufferMemoryInfo *pBindInfos)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    return vkv4l2_buffer_bind(dev, bindInfoCount, pBindInfos);
}
