/* hantro's format rules for the H.264 decoder (rk3399 variant: stepwise
 * 48..1920 x 48..1088, step 16), as pure functions. */
#ifndef VKV4L2_EMU_FMT_H
#define VKV4L2_EMU_FMT_H

#include <linux/videodev2.h>

#define EMU_FMT_MIN_W 48
#define EMU_FMT_MIN_H 48
#define EMU_FMT_MAX_W 1920
#define EMU_FMT_MAX_H 1088
#define EMU_MB_DIM 16

/* Motion-vector space hantro appends to an H.264 NV12 CAPTURE buffer
 * (hantro_h264_mv_size): 64 bytes per macroblock + 32. */
unsigned emu_h264_mv_size(unsigned width, unsigned height);
/* hantro_try_fmt for OUTPUT (coded) and CAPTURE (raw; size follows src). */
void emu_try_fmt_out(struct v4l2_pix_format_mplane *pix);
void emu_try_fmt_cap(struct v4l2_pix_format_mplane *pix, const struct v4l2_pix_format_mplane *src);
/* The formats of a freshly opened context (hantro_reset_fmts). */
void emu_default_fmts(struct v4l2_pix_format_mplane *src, struct v4l2_pix_format_mplane *dst);
int emu_enum_fmt(struct v4l2_fmtdesc *f);
int emu_enum_framesizes(struct v4l2_frmsizeenum *fs);

#endif
