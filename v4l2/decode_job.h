/* One decode submitted to a session, and what comes back from it. */
#ifndef VKV4L2_V4L2_DECODE_JOB_H
#define VKV4L2_V4L2_DECODE_JOB_H

#include <stddef.h>
#include <stdint.h>

#include <linux/videodev2.h>

struct vkv4l2_decode_job {
    const void *bitstream;  /* copied into a free OUTPUT buffer */
    size_t bitstream_size;
    /* Codec controls for this frame, set on the request.  The array and the
     * payloads it points to are only read during vkv4l2_session_queue(). */
    const struct v4l2_ext_control *ctrls;
    unsigned n_ctrls;
    int capture_fd;         /* the CAPTURE dma-buf; its identity picks a stable index */
    /* Chosen by the caller; references name frames by it.  Must be a
     * multiple of 1000: V4L2 carries it as a timeval (microseconds). */
    uint64_t timestamp_ns;
    uint64_t user_data;     /* returned untouched in the result */
};

struct vkv4l2_decode_result {
    uint64_t timestamp_ns;
    uint64_t user_data;
    unsigned capture_index; /* the stable CAPTURE index that was written */
    /* 0: decoded.  -EIO: the driver flagged the buffer (V4L2_BUF_FLAG_ERROR);
     * -EPROTO: the CAPTURE buffer came back with another job's timestamp.
     * Either way the session goes on; the frame's content is not to be
     * trusted. */
    int status;
};

/* The timestamps of the pictures a job references (the VALID entries of an
 * H.264 decode parameters' DPB), at most max of them into ts.  Returns how
 * many.  The decoder looks each up among the CAPTURE buffers by the
 * timestamp it was decoded with. */
unsigned vkv4l2_decode_job_refs(const struct vkv4l2_decode_job *job, uint64_t *ts, unsigned max);

#endif
