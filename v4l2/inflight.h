/* Book-keeping of a session's decodes in flight (pure, no I/O).
 *
 * A slot is one request fd + one OUTPUT buffer (slot i owns OUTPUT index i).
 * CAPTURE indices come from a cache of dma-buf identities (st_dev, st_ino;
 * capture_cache.h): a dma-buf keeps its index while cached, so vb2 keeps its
 * attachment across decodes, and free indices are reused LRU.  The
 * kernel hands buffers back by index, in any order relative to each other
 * and to request completion; a job finishes when its OUTPUT buffer, its
 * CAPTURE buffer and its request have all come back.  Not thread-safe: the
 * session serialises access. */
#ifndef VKV4L2_V4L2_INFLIGHT_H
#define VKV4L2_V4L2_INFLIGHT_H

#include <stdbool.h>
#include <stdint.h>

#include "capture_cache.h"
#include "decode_job.h"

#define VKV4L2_MAX_REQUESTS 16
enum vkv4l2_slot_state { VKV4L2_SLOT_FREE, VKV4L2_SLOT_RESERVED, VKV4L2_SLOT_QUEUED };

struct vkv4l2_job_slot {
    enum vkv4l2_slot_state state;
    uint64_t seq;            /* submission order */
    uint64_t timestamp_ns;
    uint64_t user_data;
    unsigned capture_index;
    bool output_done, capture_done, request_done;
    int status;
};

struct vkv4l2_inflight {
    unsigned n_slots;
    uint64_t next_seq;
    struct vkv4l2_job_slot slots[VKV4L2_MAX_REQUESTS];
    struct vkv4l2_capture_cache captures;
};

/* n_slots <= VKV4L2_MAX_REQUESTS, n_captures <= VKV4L2_MAX_CAPTURE_BUFFERS. */
void vkv4l2_inflight_init(struct vkv4l2_inflight *t, unsigned n_slots, unsigned n_captures);

/* The CAPTURE index of a dma-buf for a job whose references carry the
 * timestamps ref_ts[0..n_refs) (vkv4l2_capture_cache_get).  Returns 0, or
 * -ENOSPC when every index is in flight or holds one of those references. */
int vkv4l2_inflight_capture_index(struct vkv4l2_inflight *t, uint64_t dev, uint64_t ino,
                                  const uint64_t *ref_ts, unsigned n_refs, unsigned *index);
/* Unbinds a dma-buf (its image is gone).  -ENOENT unknown, -EBUSY in flight. */
int vkv4l2_inflight_capture_forget(struct vkv4l2_inflight *t, uint64_t dev, uint64_t ino);

/* Takes a free slot for a job on capture_index.  Returns the slot (>= 0),
 * -EAGAIN when every slot is in flight, -EBUSY when that CAPTURE buffer is
 * already in flight, -EEXIST when another job in flight has the same
 * timestamp (references would be ambiguous). */
int vkv4l2_inflight_reserve(struct vkv4l2_inflight *t, unsigned capture_index,
                            uint64_t timestamp_ns, uint64_t user_data);
/* The kernel accepted the reserved slot's request (its CAPTURE index now
 * carries the job's timestamp). */
void vkv4l2_inflight_commit(struct vkv4l2_inflight *t, unsigned slot);
/* Submission failed before the request was queued: the slot is free again. */
void vkv4l2_inflight_cancel(struct vkv4l2_inflight *t, unsigned slot);

/* DQBUF results.  Return 0, or -ENOENT when no job in flight holds that
 * buffer (the kernel returned something we never queued). */
int vkv4l2_inflight_output_done(struct vkv4l2_inflight *t, unsigned output_index, bool error);
int vkv4l2_inflight_capture_done(struct vkv4l2_inflight *t, unsigned capture_index,
                                 uint64_t timestamp_ns, bool error);
/* Request fd signalled completion. */
void vkv4l2_inflight_request_done(struct vkv4l2_inflight *t, unsigned slot);

/* Oldest finished job: fills out, frees its slot and CAPTURE hold, returns
 * the slot (so the caller can REINIT its request), or -EAGAIN if none. */
int vkv4l2_inflight_take_finished(struct vkv4l2_inflight *t, struct vkv4l2_decode_result *out);

/* Jobs queued to the kernel and not yet taken. */
unsigned vkv4l2_inflight_count(const struct vkv4l2_inflight *t);

#endif
