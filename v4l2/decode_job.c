/* What the session needs to know of a job's codec controls (pure). */
#include "decode_job.h"

#include <string.h>

unsigned vkv4l2_decode_job_refs(const struct vkv4l2_decode_job *job, uint64_t *ts, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < job->n_ctrls; i++) {
        const struct v4l2_ext_control *c = &job->ctrls[i];
        if (c->id != V4L2_CID_STATELESS_H264_DECODE_PARAMS || !c->ptr ||
            c->size < sizeof(struct v4l2_ctrl_h264_decode_params))
            continue;
        struct v4l2_ctrl_h264_decode_params dp;
        memcpy(&dp, c->ptr, sizeof(dp)); /* the caller's payload may be unaligned */
        for (unsigned j = 0; j < V4L2_H264_NUM_DPB_ENTRIES && n < max; j++)
            if (dp.dpb[j].flags & V4L2_H264_DPB_ENTRY_FLAG_VALID)
                ts[n++] = dp.dpb[j].reference_ts;
    }
    return n;
}
