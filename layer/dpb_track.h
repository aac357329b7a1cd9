/* Which picture each CAPTURE buffer holds and who is still using it — the
 * bookkeeping behind reference timestamps and requeue gating.  Pure data
 * structure; the caller serializes access.
 *
 * A buffer is named by an opaque non-zero 64-bit id (the layer uses the
 * image and array layer).  Each decode queued into a buffer gives it a new
 * timestamp; later decodes name it as a reference by that timestamp (what
 * hantro and rkvdec look references up by).  A buffer may be queued again
 * only when no decode in flight writes or reads it. */
#ifndef VKV4L2_DPB_TRACK_H
#define VKV4L2_DPB_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#define VKV4L2_DPB_TRACK_MAX 64

struct vkv4l2_dpb_entry {
    uint64_t buffer;        /* 0 = free entry */
    uint64_t ts;            /* timestamp of the last decode queued into it */
    uint64_t tag;           /* the caller's name for that picture (e.g. its POCs) */
    bool failed;            /* that decode failed before reaching the device */
    uint32_t pending_writes;
    uint32_t pending_reads;
};

struct vkv4l2_dpb_track {
    struct vkv4l2_dpb_entry e[VKV4L2_DPB_TRACK_MAX];
};

/* Timestamp of the picture a buffer holds: 0 and *ts, or -ENOENT when no
 * decode was ever queued into it (since the last reset). */
int vkv4l2_dpb_reference_ts(const struct vkv4l2_dpb_track *t, uint64_t buffer, uint64_t *ts);
/* True when no decode in flight writes or reads the buffer. */
bool vkv4l2_dpb_idle(const struct vkv4l2_dpb_track *t, uint64_t buffer);
/* A decode into target reading refs[] is being queued with timestamp ts.
 * Returns 0, -EBUSY when target is not idle, -ENOENT when a reference
 * holds no picture, -ENOSPC when the table is full. */
int vkv4l2_dpb_begin(struct vkv4l2_dpb_track *t, uint64_t target, uint64_t ts, uint64_t tag,
                     const uint64_t *refs, uint32_t nrefs);
/* True when the last decode queued into the buffer was tagged `tag`. */
bool vkv4l2_dpb_holds(const struct vkv4l2_dpb_track *t, uint64_t buffer, uint64_t tag);
/* The picture the buffer holds: true with its tag (and whether its decode
 * failed), false when it holds none. */
bool vkv4l2_dpb_picture(const struct vkv4l2_dpb_track *t, uint64_t buffer, uint64_t *tag,
                        bool *failed);
/* The decode of picture `tag` into the buffer failed before it reached the
 * device: the buffer now holds that failed picture (no timestamp), so its
 * readers fail at once.  Returns 0 or -ENOSPC. */
int vkv4l2_dpb_mark_failed(struct vkv4l2_dpb_track *t, uint64_t buffer, uint64_t tag);
/* The decode begun with the same arguments finished (or failed). */
void vkv4l2_dpb_end(struct vkv4l2_dpb_track *t, uint64_t target, const uint64_t *refs,
                    uint32_t nrefs);
/* The buffer no longer exists.  Returns -EBUSY (and forgets nothing) while
 * it is in flight. */
int vkv4l2_dpb_forget(struct vkv4l2_dpb_track *t, uint64_t buffer);
/* Every picture is gone (new V4L2 session): timestamps are dropped; entries
 * in flight keep their counters. */
void vkv4l2_dpb_reset(struct vkv4l2_dpb_track *t);

#endif
