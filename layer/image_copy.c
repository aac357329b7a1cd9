/* COPY rung: the CAPTURE dma-buf imported as a VkBuffer and copied into
 * the application's image on the GPU after each decode. */
#include <fcntl.h>
#include <unistd.h>

#include "device.h"
#include "image_internal.h"
#include "log.h"

/* Imports one dma-buf as a transfer-source buffer covering the NV12 planes. */
static VkResult import_buffer(struct vkv4l2_device *dev, const struct vkv4l2_image *img,
                              struct vkv4l2_image_capture *cap)
{
    const VkExternalMemoryBufferCreateInfo ext = {
        .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO,
        .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
    };
    const VkBufferCreateInfo bci = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .pNext = &ext,
        .size = img->layout.planes[1].offset + img->layout.planes[1].size,
        .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    VkResult res = dev->vtbl.CreateBuffer(dev->handle, &bci, NULL, &cap->buffer);
    if (res != VK_SUCCESS)
        return res;
    VkMemoryRequirements req;
    dev->vtbl.GetBufferMemoryRequirements(dev->handle, cap->buffer, &req);
    VkMemoryFdPropertiesKHR fdp = { .sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR };
    if (!dev->vtbl.GetMemoryFdPropertiesKHR)
        return VK_ERROR_EXTENSION_NOT_PRESENT;
    res = dev->vtbl.GetMemoryFdPropertiesKHR(
        dev->handle, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, cap->fd, &fdp);
    if (res != VK_SUCCESS)
        return res;
    uint32_t bits = req.memoryTypeBits & fdp.memoryTypeBits;
    if (!bits || req.size > cap->size)
        return VK_ERROR_INVALID_EXTERNAL_HANDLE;
    int fd = fcntl(cap->fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return VK_ERROR_TOO_MANY_OBJECTS;
    const VkImportMemoryFdInfoKHR imp = {
        .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR,
        .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
        .fd = fd,
    };
    const VkMemoryAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .pNext = &imp,
        .allocationSize = req.size,
        .memoryTypeIndex = (uint32_t)__builtin_ctz(bits),
    };
    res = dev->vtbl.AllocateMemory(dev->handle, &ai, NULL, &cap->buffer_memory);
    if (res != VK_SUCCESS) {
        close(fd); /* ownership passes to the driver only on success */
        return res;
    }
    return dev->vtbl.BindBufferMemory(dev->handle, cap->buffer, cap->buffer_memory, 0);
}

VkResult vkv4l2_image_copy_setup(struct vkv4l2_device *dev, struct vkv4l2_image *img)
{
    for (uint32_t i = 0; i < img->capture_count; i++) {
        VkResult res = import_buffer(dev, img, &img->captures[i]);
        if (res != VK_SUCCESS) {
            vkv4l2_err("image %ux%u layer %u: importing the CAPTURE dma-buf as a buffer: %d",
                       img->extent.width, img->extent.height, i, res);
            return res;
        }
    }
    return VK_SUCCESS;
}

static VkBufferMemoryBarrier external_barrier(VkBuffer buffer, VkAccessFlags src,
                                              VkAccessFlags dst, uint32_t from, uint32_t to)
{
    return (VkBufferMemoryBarrier){
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
        .srcAccessMask = src,
        .dstAccessMask = dst,
        .srcQueueFamilyIndex = from,
        .dstQueueFamilyIndex = to,
        .buffer = buffer,
        .offset = 0,
        .size = VK_WHOLE_SIZE,
    };
}

VkResult vkv4l2_image_record_copy(struct vkv4l2_device *dev, const struct vkv4l2_image *img,
                                  uint32_t array_layer, VkCommandBuffer cmd)
{
    if (img->rung != VKV4L2_RUNG_COPY)
        return VK_ERROR_FEATURE_NOT_PRESENT;
    if (array_layer >= img->capture_count || !img->captures[array_layer].buffer)
        return VK_ERROR_INITIALIZATION_FAILED;
    const VkBuffer buffer = img->captures[array_layer].buffer;
    const uint32_t family = dev->driver_queue_family;

    /* The decoder wrote the dma-buf outside Vulkan: acquire it from the
     * external family.  The image stays in GENERAL (every video layout is
     * GENERAL at driver level); whatever touched it before is ordered
     * before the copy writes it. */
    VkBufferMemoryBarrier acquire =
        external_barrier(buffer, 0, VK_ACCESS_TRANSFER_READ_BIT, VK_QUEUE_FAMILY_EXTERNAL, family);
    const VkImageSubresourceRange range = {
        .aspectMask = VK_IMAGE_ASPECT_COLOR_BIT,
        .baseMipLevel = 0, .levelCount = 1,
        .baseArrayLayer = array_layer, .layerCount = 1,
    };
    VkImageMemoryBarrier image_barrier = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
        .oldLayout = VK_IMAGE_LAYOUT_GENERAL,
        .newLayout = VK_IMAGE_LAYOUT_GENERAL,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = img->handle,
        .subresourceRange = range,
    };
    dev->vtbl.CmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                                 VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 1, &acquire, 1,
                                 &image_barrier);

    const struct vkv4l2_nv12_layout *l = &img->layout;
    VkBufferImageCopy regions[2];
    for (uint32_t p = 0; p < 2; p++) {
        /* Plane 0 is R8 (1 byte a texel), plane 1 R8G8 (2 bytes). */
        regions[p] = (VkBufferImageCopy){
            .bufferOffset = l->planes[p].offset,
            .bufferRowLength = (uint32_t)(l->planes[p].pitch / (p ? 2 : 1)),
            .bufferImageHeight = p ? l->height / 2 : l->height,
            .imageSubresource = {
                .aspectMask = p ? VK_IMAGE_ASPECT_PLANE_1_BIT : VK_IMAGE_ASPECT_PLANE_0_BIT,
                .mipLevel = 0, .baseArrayLayer = array_layer, .layerCount = 1},
            .imageOffset = {0, 0, 0},
            .imageExtent = { p ? img->extent.width / 2 : img->extent.width,
                             p ? img->extent.height / 2 : img->extent.height, 1 },
        };
    }
    dev->vtbl.CmdCopyBufferToImage(cmd, buffer, img->handle, VK_IMAGE_LAYOUT_GENERAL, 2, regions);

    /* Give the dma-buf back to the decoder, and make the copy visible to
     * everything after it. */
    VkBufferMemoryBarrier release =
        external_barrier(buffer, VK_ACCESS_TRANSFER_READ_BIT, 0, family, VK_QUEUE_FAMILY_EXTERNAL);
    image_barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    image_barrier.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
    dev->vtbl.CmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                                 VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, NULL, 1, &release, 1,
                                 &image_barrier);
    return VK_SUCCESS;
}
