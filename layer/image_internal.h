/* Shared by image.c, image_memory.c, image_copy.c and image_view.c. */
#ifndef VKV4L2_IMAGE_INTERNAL_H
#define VKV4L2_IMAGE_INTERNAL_H

#include <stdbool.h>

#include "image.h"

/* A profile list or a video usage: the image gets CAPTURE buffers. */
bool vkv4l2_image_create_info_is_video(const VkImageCreateInfo *ci);

/* COPY rung: imports every layer's dma-buf as a VkBuffer (img->handle and
 * the captures exist). */
VkResult vkv4l2_image_copy_setup(struct vkv4l2_device *dev, struct vkv4l2_image *img);

#endif
