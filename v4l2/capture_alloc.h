/* CAPTURE memory allocated by the decoder itself, so it meets the device's
 * DMA constraints (contiguity, IOMMU, alignment), and exported as a dma-buf
 * for the Vulkan driver to import.
 *
 * Sequence on a private fd of the video node: S_FMT OUTPUT (the stream),
 * G_FMT CAPTURE, REQBUFS(1, MMAP) on CAPTURE, EXPBUF, REQBUFS(0), close.
 * REQBUFS(0) does not free the memory while the dma-buf is alive: vb2
 * orphans it, and it lives exactly as long as the returned fd.  A session
 * then queues that fd with V4L2_MEMORY_DMABUF. */
#ifndef VKV4L2_V4L2_CAPTURE_ALLOC_H
#define VKV4L2_V4L2_CAPTURE_ALLOC_H

#include <stdint.h>

#include <linux/videodev2.h>

#include "err.h"
#include "format.h"

struct vkv4l2_capture_buffer {
    int fd;          /* dma-buf, O_RDWR | O_CLOEXEC; the caller closes it */
    uint64_t size;   /* the plane's length as allocated */
    struct v4l2_pix_format_mplane format; /* bytesperline, sizeimage, height... */
};

/* Allocates one CAPTURE buffer for the stream described by cfg on the
 * decoder at video_path.  Returns 0 and *out, or -errno (err names the
 * step; -ENOTSUP for a multi-plane CAPTURE format). */
int vkv4l2_capture_alloc(const char *video_path, const struct vkv4l2_stream_config *cfg,
                         struct vkv4l2_capture_buffer *out, struct vkv4l2_err *err);

/* The same with a buffer of at least min_size bytes: when that exceeds the
 * format's sizeimage, the buffer comes from VIDIOC_CREATE_BUFS with a
 * larger sizeimage (drivers accept any size >= their own; the layout of
 * the planes is the format's).  Some Vulkan drivers' memory requirements
 * need that slack for the planes of an imported image. */
int vkv4l2_capture_alloc_sized(const char *video_path, const struct vkv4l2_stream_config *cfg,
                               uint64_t min_size, struct vkv4l2_capture_buffer *out,
                               struct vkv4l2_err *err);

#endif
