/* Per driver command buffer: the copy-rung images its barriers name. */
#include "copy_readers.h"

#include <stdint.h>
#include <stdlib.h>

#include "device.h"
#include "image.h"

#define MAX_READ_IMAGES 16

struct cb_reads {
    uint32_t count;
    bool overflow; /* more than MAX_READ_IMAGES: reads every image */
    const struct vkv4l2_image *images[MAX_READ_IMAGES];
};

void vkv4l2_copy_readers_note(struct vkv4l2_device *dev, VkCommandBuffer cb, VkImage image)
{
    if (!dev->video || !image)
        return;
    const struct vkv4l2_image *img = vkv4l2_image_get(dev, image);
    if (!img || !vkv4l2_image_needs_copy(img))
        return;
    struct cb_reads *r = vkv4l2_object_map_get(&dev->copy_readers, (uintptr_t)cb);
    if (!r) {
        r = calloc(1, sizeof(*r));
        if (!r || vkv4l2_object_map_insert(&dev->copy_readers, (uintptr_t)cb, r)) {
            free(r); /* out of memory: no copy rides with it, as before */
            return;
        }
    }
    for (uint32_t i = 0; i < r->count; i++) {
        if (r->images[i] == img)
            return;
    }
    if (r->count == MAX_READ_IMAGES)
        r->overflow = true;
    else
        r->images[r->count++] = img;
}

void vkv4l2_copy_readers_reset(struct vkv4l2_device *dev, VkCommandBuffer cb)
{
    if (dev->video)
        free(vkv4l2_object_map_remove(&dev->copy_readers, (uintptr_t)cb));
}

bool vkv4l2_copy_readers_reads(struct vkv4l2_device *dev, VkCommandBuffer cb,
                               const struct vkv4l2_image *img)
{
    const struct cb_reads *r = vkv4l2_object_map_get(&dev->copy_readers, (uintptr_t)cb);
    if (!r)
        return false;
    if (r->overflow)
        return true;
    for (uint32_t i = 0; i < r->count; i++) {
        if (r->images[i] == img)
            return true;
    }
    return false;
}

static int free_entry(uintptr_t key, void *value, void *ctx)
{
    (void)key;
    (void)ctx;
    free(value);
    return 0;
}

void vkv4l2_copy_readers_fini(struct vkv4l2_device *dev)
{
    vkv4l2_object_map_for_each(&dev->copy_readers, free_entry, NULL);
}
