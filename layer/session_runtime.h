/* The executor's state behind one VkVideoSessionKHR: its V4L2 session
 * (created at the first decode, for the coded size of the active SPS, and
 * re-created when that size changes), the timestamps decodes are tagged
 * with, which picture each CAPTURE buffer holds, and the decodes in flight
 * (for requeue gating).  Owned by the decode queue's threads. */
#ifndef VKV4L2_SESSION_RUNTIME_H
#define VKV4L2_SESSION_RUNTIME_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dpb_track.h"

struct vkv4l2_device;
struct vkv4l2_session;
struct vkv4l2_video_session;

struct vkv4l2_session_runtime {
    struct vkv4l2_device *dev;
    struct vkv4l2_video_session *vs;
    pthread_mutex_t lock;
    pthread_cond_t cond;           /* a decode of this session finished */
    struct vkv4l2_session *v4l2;   /* NULL until the first decode */
    uint32_t coded_width, coded_height;
    uint64_t generation;           /* bumped when the V4L2 session is re-created */
    uint64_t next_ts;              /* timestamps in ns, multiples of 1000 */
    struct vkv4l2_dpb_track track; /* which picture each buffer holds */
    struct vkv4l2_session_runtime *next_of_device;
};

struct vkv4l2_session_runtime *vkv4l2_runtime_get(struct vkv4l2_device *dev,
                                                  struct vkv4l2_video_session *vs);
/* Makes sure a V4L2 session of this coded size exists; re-creates it (after
 * draining) when the size changed.  Returns 0 or -errno. */
int vkv4l2_runtime_configure(struct vkv4l2_session_runtime *rt, uint32_t width, uint32_t height);
/* An image is gone: forget its buffer in every session of the device. */
void vkv4l2_runtime_forget_buffer(struct vkv4l2_device *dev, int dma_buf_fd, uint64_t buffer_id);
/* Destroys every runtime of the device (device teardown). */
void vkv4l2_runtime_destroy_all(struct vkv4l2_device *dev);

#endif
