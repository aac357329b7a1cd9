/* Re-serialisation of H.264 parameter sets from V4L2 stateless controls:
 * a bit writer (u(n), ue(v), se(v), trailing bits) and NAL packaging with
 * emulation prevention.  Pure functions. */
#ifndef VKV4L2_EMU_H264_RBSP_H
#define VKV4L2_EMU_H264_RBSP_H

#include <linux/v4l2-controls.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct emu_bitwriter {
    uint8_t *buf;
    size_t cap;
    size_t bits; /* bits written */
    bool overflow;
};

void emu_bw_init(struct emu_bitwriter *bw, uint8_t *buf, size_t cap);
void emu_bw_bits(struct emu_bitwriter *bw, uint32_t value, unsigned n);
void emu_bw_ue(struct emu_bitwriter *bw, uint32_t value);
void emu_bw_se(struct emu_bitwriter *bw, int32_t value);
/* rbsp_trailing_bits(); returns the RBSP size in bytes. */
size_t emu_bw_trailing(struct emu_bitwriter *bw);

/* Writes seq_parameter_set_rbsp() up to direct_8x8_inference_flag: the
 * part that must equal the stream's own SPS. */
void emu_h264_sps_head(struct emu_bitwriter *bw, const struct v4l2_ctrl_h264_sps *sps);
/* Writes seq_parameter_set_rbsp() (the head, no cropping, no SPS scaling
 * lists, a VUI with bitstream_restriction only).  Returns the RBSP size or
 * -ENOSPC. */
int emu_h264_sps_rbsp(const struct v4l2_ctrl_h264_sps *sps, uint8_t *out, size_t cap);
/* Writes pic_parameter_set_rbsp(); the scaling matrix (raster order, as in
 * the control) goes in the PPS when the PPS flags it present.  Returns the
 * RBSP size, -EINVAL (slice groups cannot be expressed), or -ENOSPC. */
int emu_h264_pps_rbsp(const struct v4l2_ctrl_h264_pps *pps, const struct v4l2_ctrl_h264_sps *sps,
                      const struct v4l2_ctrl_h264_scaling_matrix *sm, uint8_t *out, size_t cap);
/* Wraps an RBSP into an Annex-B NAL unit (00 00 00 01, header byte,
 * emulation prevention).  Returns the size or -ENOSPC. */
int emu_h264_nal(uint8_t header, const uint8_t *rbsp, size_t len, uint8_t *out, size_t cap);

#endif
