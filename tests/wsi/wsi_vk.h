/* Test harness for the wsi image code: a lavapipe device (with the
 * validation layer, which sits where the driver below vkv4l2 is) wrapped
 * in a hand-made struct vkv4l2_device, so the layer's image, memory and
 * buffer functions run exactly as inside the layer, on the emulated
 * decoder, without the rest of the layer. */
#ifndef VKV4L2_TEST_WSI_VK_H
#define VKV4L2_TEST_WSI_VK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "device.h"
#include "instance.h"
#include "physdev.h"

struct wsi_vk {
    struct vkv4l2_instance inst;
    struct vkv4l2_physdev pd;
    struct vkv4l2_device dev;
    VkCommandPool pool;
    VkPhysicalDeviceMemoryProperties mem_props;
};

extern struct wsi_vk *wsi_vk_current;
/* Validation messages of error severity seen so far. */
extern int wsi_vk_validation_errors;

#define FAIL(...)                                                        \
    do {                                                                 \
        fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);             \
        fprintf(stderr, __VA_ARGS__);                                    \
        fputc('\n', stderr);                                             \
        return -1;                                                       \
    } while (0)

#define VK_CHECK(expr)                                                   \
    do {                                                                 \
        VkResult r_ = (expr);                                            \
        if (r_ != VK_SUCCESS)                                            \
            FAIL("%s: VkResult %d", #expr, r_);                          \
    } while (0)

/* Discovers the emulated decoder, creates the instance and device.
 * Returns 0 or -1 (with a message). */
int wsi_vk_init(struct wsi_vk *vk);
void wsi_vk_fini(struct wsi_vk *vk);

/* Memory type in `bits` with `want` properties (-1 if none). */
int wsi_vk_memory_type(const struct wsi_vk *vk, uint32_t bits, VkMemoryPropertyFlags want);

/* One-shot command buffer on the driver queue. */
int wsi_vk_begin(struct wsi_vk *vk, VkCommandBuffer *cmd);
int wsi_vk_submit_wait(struct wsi_vk *vk, VkCommandBuffer cmd);

/* A host-visible transfer-destination buffer, mapped. */
struct wsi_host_buffer {
    VkBuffer buffer;
    VkDeviceMemory memory;
    void *map;
    VkDeviceSize size;
};
int wsi_host_buffer_create(struct wsi_vk *vk, VkDeviceSize size, struct wsi_host_buffer *out);
void wsi_host_buffer_destroy(struct wsi_vk *vk, struct wsi_host_buffer *b);

/* Records GENERAL->GENERAL (or UNDEFINED->GENERAL) and a copy of both
 * planes of an NV12 image (layer 0) into b, tightly packed: Y (w*h) then
 * CbCr (w*h/2). */
void wsi_vk_record_readback(struct wsi_vk *vk, VkCommandBuffer cmd, VkImage image,
                            uint32_t w, uint32_t h, VkBuffer b);
void wsi_vk_record_to_general(struct wsi_vk *vk, VkCommandBuffer cmd, VkImage image);

#endif
