/* Memory of zero-copy video images: the requirements the application sees,
 * the dma-buf import that replaces its allocation, and the per-plane binds
 * that replace its single bind. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "arena.h"
#include "device.h"
#include "image_internal.h"
#include "log.h"
#include "memory.h"
#include "scrub.h"

static struct vkv4l2_image *zero_copy_image(struct vkv4l2_device *dev, VkImage image)
{
    if (!dev->video)
        return NULL;
    struct vkv4l2_image *img = vkv4l2_image_get(dev, image);
    return img && img->rung != VKV4L2_RUNG_COPY ? img : NULL;
}

static void fill_reqs(const struct vkv4l2_image *img, VkMemoryRequirements *r)
{
    r->size = img->alloc_size;
    r->alignment = img->alloc_alignment;
    r->memoryTypeBits = img->memory_type_bits;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_GetImageMemoryRequirements(VkDevice device, VkImage image,
                                                             VkMemoryRequirements *pReqs)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    struct vkv4l2_image *img = zero_copy_image(dev, image);
    if (img)
        fill_reqs(img, pReqs);
    else
        dev->vtbl.GetImageMemoryRequirements(device, image, pReqs);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_GetImageMemoryRequirements2(
    VkDevice device, const VkImageMemoryRequirementsInfo2 *pInfo, VkMemoryRequirements2 *pReqs)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    struct vkv4l2_image *img = zero_copy_image(dev, pInfo->image);
    if (!img) {
        PFN_vkGetImageMemoryRequirements2 fn = dev->vtbl.GetImageMemoryRequirements2;
        (fn ? fn : dev->vtbl.GetImageMemoryRequirements2KHR)(device, pInfo, pReqs);
        return;
    }
    /* The application sees one non-disjoint image whose whole memory is
     * the dma-buf.  A dedicated allocation is preferred (it becomes the
     * import); any other allocation works too (GStreamer's, a
     * sub-allocator's): the layer then imports the dma-buf itself at bind
     * time, and the application's allocation goes unused. */
    fill_reqs(img, &pReqs->memoryRequirements);
    for (VkBaseOutStructure *s = pReqs->pNext; s; s = s->pNext) {
        if (s->sType == VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS) {
            VkMemoryDedicatedRequirements *d = (VkMemoryDedicatedRequirements *)s;
            d->prefersDedicatedAllocation = VK_TRUE;
            d->requiresDedicatedAllocation = VK_FALSE;
        }
    }
}

/* Imports the image's dma-buf as memory of type `type_index`. */
static VkResult import_dmabuf(struct vkv4l2_device *dev, struct vkv4l2_image *img, VkImage image,
                              uint32_t type_index, const VkAllocationCallbacks *alloc,
                              VkDeviceMemory *out)
{
    int fd = fcntl(img->captures[0].fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return VK_ERROR_TOO_MANY_OBJECTS;
    /* A DISJOINT image cannot take a dedicated allocation; the explicit
     * modifier image is not disjoint and keeps it. */
    const VkMemoryDedicatedAllocateInfo ded = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO, .image = image};
    const VkImportMemoryFdInfoKHR imp = {
        .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR,
        .pNext = img->rung == VKV4L2_RUNG_MODIFIER ? &ded : NULL,
        .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
        .fd = fd,
    };
    const VkMemoryAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .pNext = &imp,
        .allocationSize = img->alloc_size,
        .memoryTypeIndex = type_index,
    };
    VkResult res = dev->vtbl.AllocateMemory(dev->handle, &ai, alloc, out);
    if (res != VK_SUCCESS)
        close(fd); /* the driver owns it only on success */
    return res;
}

VkResult vkv4l2_image_import_memory(struct vkv4l2_device *dev, VkImage image,
                                    const VkMemoryAllocateInfo *info,
                                    const VkAllocationCallbacks *alloc, VkDeviceMemory *out,
                                    struct vkv4l2_image **imported)
{
    struct vkv4l2_image *img = zero_copy_image(dev, image);
    if (!img)
        return VK_NOT_READY;
    if (!(img->memory_type_bits & (1u << info->memoryTypeIndex)) ||
        info->allocationSize > img->alloc_size) {
        vkv4l2_err("image 0x%llx: allocation of %llu bytes, type %u; the imported CAPTURE buffer "
                   "has %llu bytes, types 0x%x", VKV4L2_HANDLE_LLX(image),
                   (unsigned long long)info->allocationSize, info->memoryTypeIndex,
                   (unsigned long long)img->alloc_size, img->memory_type_bits);
        return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    }
    VkResult res = import_dmabuf(dev, img, image, info->memoryTypeIndex, alloc, out);
    if (res != VK_SUCCESS)
        return res;
    img->memory = *out;
    *imported = img;
    return VK_SUCCESS;
}

/* The application binds the image to memory that is not the import (no
 * dedicated allocation, e.g. GStreamer, or a range of a larger block): the
 * image's memory must still be the CAPTURE buffer, so the layer imports it
 * itself, in the application's memory type when that can import it.  The
 * application's range goes unused (an OPTIMAL image's bytes are opaque to
 * it); the import lives as long as the image. */
static VkResult import_for_bind(struct vkv4l2_device *dev, struct vkv4l2_image *img,
                                VkImage image, VkDeviceMemory app_memory)
{
    struct vkv4l2_memory *mem = vkv4l2_memory_get(dev, app_memory);
    uint32_t bits = img->memory_type_bits;
    uint32_t type = mem && (bits & (1u << mem->type_index)) ? mem->type_index
                                                           : (uint32_t)__builtin_ctz(bits);
    VkResult res = import_dmabuf(dev, img, image, type, NULL, &img->memory);
    if (res != VK_SUCCESS) {
        vkv4l2_err("image 0x%llx: cannot import its CAPTURE buffer (%d)", VKV4L2_HANDLE_LLX(image),
                   res);
        img->memory = VK_NULL_HANDLE;
        return res;
    }
    img->memory_owned = true;
    vkv4l2_info("image 0x%llx: bound to application memory 0x%llx that is not a dedicated "
                "allocation: the layer imported the CAPTURE buffer itself (the application's "
                "%llu bytes stay unused)", VKV4L2_HANDLE_LLX(image), VKV4L2_HANDLE_LLX(app_memory),
                (unsigned long long)img->alloc_size);
    return VK_SUCCESS;
}

/* Appends the driver binds for one application bind (count grows). */
static VkResult expand_bind(struct vkv4l2_device *dev, struct vkv4l2_arena *arena,
                            const VkBindImageMemoryInfo *in, VkBindImageMemoryInfo *outv,
                            uint32_t *count)
{
    struct vkv4l2_image *img = zero_copy_image(dev, in->image);
    if (!img) {
        outv[(*count)++] = *in;
        return VK_SUCCESS;
    }
    if (img->memory == VK_NULL_HANDLE) {
        VkResult res = import_for_bind(dev, img, in->image, in->memory);
        if (res != VK_SUCCESS)
            return res;
    } else if (in->memory != img->memory || in->memoryOffset != 0) {
        vkv4l2_err("image 0x%llx: bound to other memory than the dedicated allocation made for "
                   "it (its memory is the imported CAPTURE buffer)", VKV4L2_HANDLE_LLX(in->image));
        return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    }
    if (img->rung == VKV4L2_RUNG_MODIFIER) {
        outv[*count] = *in;
        outv[*count].memory = img->memory;
        outv[(*count)++].memoryOffset = 0;
        return VK_SUCCESS;
    }
    for (uint32_t p = 0; p < 2; p++) {
        VkBindImagePlaneMemoryInfo *plane = vkv4l2_arena_new(arena, VkBindImagePlaneMemoryInfo, 1);
        if (!plane)
            return VK_ERROR_OUT_OF_HOST_MEMORY;
        plane->sType = VK_STRUCTURE_TYPE_BIND_IMAGE_PLANE_MEMORY_INFO;
        plane->planeAspect = p ? VK_IMAGE_ASPECT_PLANE_1_BIT : VK_IMAGE_ASPECT_PLANE_0_BIT;
        outv[(*count)++] = (VkBindImageMemoryInfo){
            .sType = VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_INFO,
            .pNext = plane,
            .image = in->image,
            .memory = img->memory,
            .memoryOffset = img->layout.planes[p].offset,
        };
    }
    return VK_SUCCESS;
}

static VkResult bind_images(struct vkv4l2_device *dev, uint32_t count,
                            const VkBindImageMemoryInfo *infos)
{
    PFN_vkBindImageMemory2 fn = dev->vtbl.BindImageMemory2;
    if (!fn)
        fn = dev->vtbl.BindImageMemory2KHR;
    bool any = false;
    for (uint32_t i = 0; i < count && !any; i++)
        any = zero_copy_image(dev, infos[i].image) != NULL;
    if (!any)
        return fn(dev->handle, count, infos);
    if (!fn)
        return VK_ERROR_FEATURE_NOT_PRESENT; /* DISJOINT needs Vulkan 1.1 anyway */

    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    VkBindImageMemoryInfo *v = vkv4l2_arena_new(&arena, VkBindImageMemoryInfo, 2 * (size_t)count);
    VkResult res = v ? VK_SUCCESS : VK_ERROR_OUT_OF_HOST_MEMORY;
    uint32_t n = 0;
    for (uint32_t i = 0; i < count && res == VK_SUCCESS; i++)
        res = expand_bind(dev, &arena, &infos[i], v, &n);
    if (res == VK_SUCCESS)
        res = fn(dev->handle, n, v);
    vkv4l2_arena_fini(&arena);
    return res;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BindImageMemory(VkDevice device, VkImage image,
                                                      VkDeviceMemory memory,
                                                      VkDeviceSize memoryOffset)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!zero_copy_image(dev, image))
        return dev->vtbl.BindImageMemory(device, image, memory, memoryOffset);
    const VkBindImageMemoryInfo info = {
        .sType = VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_INFO,
        .image = image,
        .memory = memory,
        .memoryOffset = memoryOffset,
    };
    return bind_images(dev, 1, &info);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BindImageMemory2(VkDevice device, uint32_t bindInfoCount,
                                                       const VkBindImageMemoryInfo *pBindInfos)
{
    return bind_images(vkv4l2_device_get(device), bindInfoCount, pBindInfos);
}
