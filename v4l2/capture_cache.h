/* Which dma-buf each V4L2 CAPTURE index holds (pure, not thread-safe).
 *
 * vb2 attaches a DMABUF buffer to an index and keeps the attachment while
 * the same dma-buf is queued on that index again; queueing another dma-buf
 * there detaches the old one.  Like libcamera's V4L2BufferCache, a dma-buf
 * seen again gets its index back while still cached, and a new one takes a
 * free index: never used ones first, then the least recently used.  So an
 * application may create any number of images over its life (32 indices
 * are only the most in use at once).
 *
 * An index is not free while queued, nor while its buffer holds a picture
 * the job names as a reference: the decoder finds references by the
 * timestamp the index was last decoded with, and rebinding the index would
 * make the reference name another buffer. */
#ifndef VKV4L2_V4L2_CAPTURE_CACHE_H
#define VKV4L2_V4L2_CAPTURE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#define VKV4L2_MAX_CAPTURE_BUFFERS 32

struct vkv4l2_capture_entry {
    bool bound;          /* holds a dma-buf */
    bool queued;         /* held by a job in flight */
    bool has_ts;         /* a decode was queued into it since it was bound */
    uint64_t dev, ino;   /* the dma-buf's identity (fstat) */
    uint64_t ts_ns;      /* timestamp of the last decode queued into it */
    uint64_t last_use;   /* cache clock at its last lookup or reference */
};

struct vkv4l2_capture_cache {
    unsigned n;          /* indices the queue has */
    uint64_t clock;
    unsigned evictions;  /* indices rebound to another dma-buf so far */
    struct vkv4l2_capture_entry e[VKV4L2_MAX_CAPTURE_BUFFERS];
};

/* n <= VKV4L2_MAX_CAPTURE_BUFFERS (clamped). */
void vkv4l2_capture_cache_init(struct vkv4l2_capture_cache *c, unsigned n);

/* The index for the dma-buf (dev, ino), for a job whose references carry
 * the timestamps ref_ts[0..n_refs).  Those references count as used now.
 * Returns 0, or -ENOSPC when every index is queued or holds a reference
 * (the dma-buf is then left unbound). */
int vkv4l2_capture_cache_get(struct vkv4l2_capture_cache *c, uint64_t dev, uint64_t ino,
                             const uint64_t *ref_ts, unsigned n_refs, unsigned *index);

/* The index whose buffer was last decoded with timestamp ts, or -ENOENT. */
int vkv4l2_capture_cache_find_ts(const struct vkv4l2_capture_cache *c, uint64_t ts);

/* A decode with timestamp ts was queued into index (the buffer's vb2
 * timestamp will be ts). */
void vkv4l2_capture_cache_set_ts(struct vkv4l2_capture_cache *c, unsigned index, uint64_t ts);

/* Unbinds a dma-buf (its image is gone).  -ENOENT unknown, -EBUSY queued. */
int vkv4l2_capture_cache_forget(struct vkv4l2_capture_cache *c, uint64_t dev, uint64_t ino);

#endif
