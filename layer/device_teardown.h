/* Frees, at vkDestroyDevice, what the application leaked on the device. */
#ifndef VKV4L2_DEVICE_TEARDOWN_H
#define VKV4L2_DEVICE_TEARDOWN_H

#include <stdint.h>

struct vkv4l2_device;

/* How many objects of each kind were still alive (and are now freed). */
struct vkv4l2_leak_counts {
    uint32_t cmd_pools, query_pools, session_params, sessions, image_views, images,
        imported_memories, buffers, memories;
};

/* Destroys every object the layer still tracks on dev, through the same
 * paths as the application's destroy calls: V4L2 sessions are torn down
 * (fds closed, buffers released), CAPTURE dma-bufs closed, the driver
 * objects behind video images, their views, imported memories and video
 * buffers destroyed, the layer's own structs freed.  Ordinary memory the
 * application leaked stays the driver's (only the layer's record of it is
 * freed).  Call with the decode queues and the copy path already gone and
 * before the driver's vkDestroyDevice.  Returns what was found. */
struct vkv4l2_leak_counts vkv4l2_device_free_leaked(struct vkv4l2_device *dev);

#endif
