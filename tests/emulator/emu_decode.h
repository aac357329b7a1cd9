/* Pixel production for one decode job: libavcodec (replay of the job's IDR
 * epoch in decode order, whatever the arrival order, into a fresh decoder,
 * then flush, so the output of every job is exact despite libavcodec's
 * reordering delay) or a cheap deterministic pattern. */
#ifndef VKV4L2_EMU_DECODE_H
#define VKV4L2_EMU_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu_ctrls.h"

struct emu_decoder; /* access units of the last IDR epochs (emu_gop.h) */

struct emu_decode_job {
    const struct emu_ctrl_store *ctrls; /* SPS, PPS, scaling matrix, decode params */
    const uint8_t *bitstream;           /* Annex-B slices of one frame */
    size_t size;
    uint8_t *dst; /* NV12, one plane: Y then interleaved CbCr */
    size_t dst_size;
    unsigned width, height, bytesperline; /* CAPTURE format (coded size) */
    uint64_t timestamp_ns;
    /* The decode is made to fail (fault injection): its access unit is
     * kept, as its CAPTURE buffer carries its timestamp for later
     * references, but nothing is written. */
    bool record_only;
};

/* Decodes the job's frame into dst.  *dec is created on first use.
 * Returns 0 or -errno: -EINVAL the bitstream or parameters do not decode;
 * -ENOENT a DPB entry names a timestamp no kept picture carries, -EXDEV the
 * references belong to different IDR epochs (both strictness violations,
 * described in why). */
int emu_decoder_decode(struct emu_decoder **dec, const struct emu_decode_job *job, char *why,
                       size_t why_size);
void emu_decoder_free(struct emu_decoder *dec);
/* Pattern mode: Y row y = (y + timestamp in ms) & 0xff, chroma 128. */
void emu_pattern_fill(const struct emu_decode_job *job);

#endif
