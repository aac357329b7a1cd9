/* A decode session: one video fd and one media fd of its own, with every
 * piece of V4L2 state (formats, buffers, requests) kept here and nowhere
 * else.  Nothing is shared between sessions; two sessions on the same
 * device are two independent kernel contexts.
 *
 * Lifecycle:
 *   create   open both nodes; S_FMT OUTPUT; decode-mode / start-code and
 *            initial controls; G_FMT CAPTURE (re-read from the kernel);
 *            REQBUFS OUTPUT (MMAP, mapped once) and CAPTURE (DMABUF);
 *            one media request per OUTPUT buffer.
 *   queue    copy the bitstream into a free OUTPUT buffer; set the job's
 *            controls on its request; QBUF OUTPUT (in the request), QBUF
 *            CAPTURE (the dma-buf's cached index, capture_cache.h);
 *            MEDIA_REQUEST_IOC_QUEUE.
 *            Both queues are streamed on at the first submission.
 *   wait     poll the request fds (and the video node); DQBUF both queues;
 *            hand back the oldest finished job; REINIT its request.
 *   destroy  STREAMOFF, munmap, REQBUFS(0) on both queues, close requests
 *            and nodes: the device is left as found.
 *
 * Flow control: at most `slots` decodes are in flight; queue() returns
 * -EAGAIN when all are busy (call wait() and retry) -- it never blocks.
 *
 * Threading: every call takes the session's mutex, except that wait()
 * drops it while sleeping in poll, so one thread may submit while another
 * waits.  Only one thread may be inside wait() at a time (a second one
 * gets -EBUSY).  destroy() must not race with any other call. */
#ifndef VKV4L2_V4L2_SESSION_H
#define VKV4L2_V4L2_SESSION_H

#include <linux/videodev2.h>

#include "decode_job.h"
#include "err.h"
#include "format.h"

struct vkv4l2_session;

struct vkv4l2_session_params {
    const char *video_path; /* from discovery */
    const char *media_path;
    struct vkv4l2_stream_config stream;
    unsigned max_in_flight;       /* 0 = 4; at most VKV4L2_MAX_REQUESTS */
    unsigned max_capture_buffers; /* 0 = VKV4L2_MAX_CAPTURE_BUFFERS (32) */
};

/* Returns 0 and *out, or -errno with err naming the step.  -ENOTSUP when
 * the OUTPUT queue lacks requests or CAPTURE is a multi-plane format. */
int vkv4l2_session_create(const struct vkv4l2_session_params *params,
                          struct vkv4l2_session **out, struct vkv4l2_err *err);
void vkv4l2_session_destroy(struct vkv4l2_session *s);

/* The formats the kernel settled on for this session. */
const struct v4l2_pix_format_mplane *vkv4l2_session_capture_format(const struct vkv4l2_session *s);
const struct v4l2_pix_format_mplane *vkv4l2_session_output_format(const struct vkv4l2_session *s);
/* Decodes that may be in flight at once; CAPTURE indices available;
 * largest bitstream a job may carry. */
unsigned vkv4l2_session_slots(const struct vkv4l2_session *s);
unsigned vkv4l2_session_capture_slots(const struct vkv4l2_session *s);
size_t vkv4l2_session_max_bitstream(const struct vkv4l2_session *s);
unsigned vkv4l2_session_in_flight(struct vkv4l2_session *s);

/* Submits one decode.  Returns 0, or:
 *   -EAGAIN   every slot in flight (wait, then retry)
 *   -EBUSY    job->capture_fd is already in flight
 *   -EEXIST   another job in flight has the same timestamp
 *   -ENOSPC   every CAPTURE index is in flight or holds a picture the
 *             job references
 *   -ENOENT   a reference timestamp (a VALID DPB entry) names no CAPTURE
 *             buffer: never decoded here, or its index went to another
 *             dma-buf (the decoder would silently use the wrong picture)
 *   -EINVAL   timestamp not a multiple of 1000 ns, bad fd...
 *   -E2BIG    bitstream larger than an OUTPUT buffer
 *   other     the kernel refused a step (err says which); the slot is
 *             released and the session still usable, except after a
 *             failed MEDIA_REQUEST_IOC_QUEUE, which leaves a CAPTURE buffer
 *             queued without its OUTPUT: the session then fails every
 *             further call with that error and must be destroyed. */
int vkv4l2_session_queue(struct vkv4l2_session *s, const struct vkv4l2_decode_job *job,
                         struct vkv4l2_err *err);

/* Waits up to timeout_ms (< 0: forever) for a decode to finish and fills
 * out.  Jobs are matched by buffer index whatever order the kernel returns
 * them in; the oldest finished one is returned first.  A per-frame error
 * is out->status (the session goes on).  Returns 0, or:
 *   -ETIMEDOUT  nothing finished in time (still in flight)
 *   -ENODATA    nothing in flight
 *   -EBUSY      another thread is waiting
 *   -EIO/other  device failure (POLLERR, DQBUF error, unknown buffer):
 *               sticky, the session must be destroyed. */
int vkv4l2_session_wait(struct vkv4l2_session *s, int timeout_ms,
                        struct vkv4l2_decode_result *out, struct vkv4l2_err *err);

/* Forgets the CAPTURE index bound to dma_buf_fd (its image is destroyed):
 * the index is taken before any cached one.
 * Returns 0, -ENOENT (never queued), -EBUSY (in flight). */
int vkv4l2_session_release_capture(struct vkv4l2_session *s, int dma_buf_fd);

#endif
