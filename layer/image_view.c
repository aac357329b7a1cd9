/* Image views (scrubbed; those of video images tracked for the executor,
 * which resolves VkVideoPictureResourceInfoKHR.imageViewBinding through
 * them) and the image create/destroy entry points. */
#include <stdlib.h>

#include "arena.h"
#include "device.h"
#include "image_internal.h"
#include "physdev.h"
#include "scrub.h"

struct vkv4l2_image_view *vkv4l2_image_view_get(struct vkv4l2_device *dev, VkImageView view)
{
    return vkv4l2_object_map_get(&dev->image_views, (uintptr_t)view);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateImageView(VkDevice device,
                                                      const VkImageViewCreateInfo *pCreateInfo,
                                                      const VkAllocationCallbacks *pAllocator,
                                                      VkImageView *pView)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.CreateImageView(device, pCreateInfo, pAllocator, pView);
    struct vkv4l2_image *img = vkv4l2_image_get(dev, pCreateInfo->image);
    struct vkv4l2_image_view *view = NULL;
    if (img && !(view = calloc(1, sizeof(*view))))
        return VK_ERROR_OUT_OF_HOST_MEMORY;

    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    const struct vkv4l2_scrub s = {
        .arena = &arena, .decode_family = dev->decode_family,
        .driver_family_count = dev->pd->driver_family_count};
    const VkImageViewCreateInfo *down = pCreateInfo;
    VkResult res = vkv4l2_scrub_image_view_create_info(&s, pCreateInfo,
                                                       img ? img->driver_usage : 0, &down);
    if (res != VK_ERROR_OUT_OF_HOST_MEMORY)
        res = dev->vtbl.CreateImageView(device, down, pAllocator, pView);
    vkv4l2_arena_fini(&arena);
    if (res != VK_SUCCESS || !view) {
        free(view);
        return res;
    }
    view->handle = *pView;
    view->image = img;
    view->base_layer = pCreateInfo->subresourceRange.baseArrayLayer;
    if (vkv4l2_object_map_insert(&dev->image_views, (uintptr_t)*pView, view) < 0) {
        dev->vtbl.DestroyImageView(device, *pView, pAllocator);
        free(view);
        *pView = VK_NULL_HANDLE;
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyImageView(VkDevice device, VkImageView imageView,
                                                   const VkAllocationCallbacks *pAllocator)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (dev->video && imageView != VK_NULL_HANDLE)
        free(vkv4l2_object_map_remove(&dev->image_views, (uintptr_t)imageView));
    dev->vtbl.DestroyImageView(device, imageView, pAllocator);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateImage(VkDevice device,
                                                  const VkImageCreateInfo *pCreateInfo,
                                                  const VkAllocationCallbacks *pAllocator,
                                                  VkImage *pImage)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.CreateImage(device, pCreateInfo, pAllocator, pImage);
    return vkv4l2_image_create(dev, pCreateInfo, pAllocator, pImage);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyImage(VkDevice device, VkImage image,
                                               const VkAllocationCallbacks *pAllocator)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video) {
        dev->vtbl.DestroyImage(device, image, pAllocator);
        return;
    }
    vkv4l2_image_destroy(dev, image, pAllocator);
}
