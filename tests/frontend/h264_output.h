/* Output order of the test frontend: pictures leave the DPB by increasing
 * POC ("bumping", C.4.5.3), when the DPB is full, when more pictures wait
 * than the stream's reorder depth allows, and all at once at an IDR, after
 * memory_management_control_operation 5 and at the end of the stream.
 * Output slots go to a FIFO the caller drains; a drained slot stays held
 * (not reused) until the caller releases it. */
#ifndef VKV4L2_FE_H264_OUTPUT_H
#define VKV4L2_FE_H264_OUTPUT_H

#include <stdint.h>

#include "h264_dpb.h"

struct fe_output {
    int fifo[FE_MAX_SLOTS];
    unsigned head, count;
};

/* Outputs the waiting picture with the lowest POC; -ENOENT if none waits. */
int fe_output_bump(struct fe_dpb *dpb, struct fe_output *out);

/* Outputs every waiting picture, in POC order. */
void fe_output_flush(struct fe_dpb *dpb, struct fe_output *out);

/* After the current picture was stored: bumps while more than `dpb_frames`
 * frames are stored or more than `max_reorder` wait for output. */
void fe_output_after_store(struct fe_dpb *dpb, struct fe_output *out,
                           uint32_t dpb_frames, uint32_t max_reorder);

/* Next slot in output order, or -ENOENT. */
int fe_output_pop(struct fe_output *out);

#endif
