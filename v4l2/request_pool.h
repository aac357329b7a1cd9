/* Media requests of one session, allocated once and reused.
 *
 * MEDIA_IOC_REQUEST_ALLOC on the session's own media fd, one request per
 * slot; a completed request is recycled with MEDIA_REQUEST_IOC_REINIT
 * rather than closed and reallocated (as GStreamer's v4l2codecs does). */
#ifndef VKV4L2_V4L2_REQUEST_POOL_H
#define VKV4L2_V4L2_REQUEST_POOL_H

#include "err.h"
#include "inflight.h"

struct vkv4l2_request_pool {
    unsigned count;
    int fds[VKV4L2_MAX_REQUESTS];
};

/* Allocates count (<= VKV4L2_MAX_REQUESTS) requests.  On failure none is
 * left open.  Returns 0 or -errno. */
int vkv4l2_request_pool_init(struct vkv4l2_request_pool *pool, int media_fd, unsigned count,
                             struct vkv4l2_err *err);
/* MEDIA_REQUEST_IOC_QUEUE / _REINIT of request i. */
int vkv4l2_request_queue(struct vkv4l2_request_pool *pool, unsigned i, struct vkv4l2_err *err);
int vkv4l2_request_reinit(struct vkv4l2_request_pool *pool, unsigned i, struct vkv4l2_err *err);
/* Closes every request fd. */
void vkv4l2_request_pool_fini(struct vkv4l2_request_pool *pool);

#endif
