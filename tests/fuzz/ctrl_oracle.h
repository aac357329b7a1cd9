/* The oracle of the control builders: every control they produce for a
 * picture must pass the kernel's validation (std_validate_compound plus
 * hantro's try_ctrl, as the emulator implements them) unchanged: the
 * builders promise -EINVAL for what the kernel would reject (but for the
 * driver's own limits on chroma format and bit depth), and write
 * conditionally-absent fields as 0 exactly as the kernel normalizes them. */
#ifndef VKV4L2_FUZZ_CTRL_ORACLE_H
#define VKV4L2_FUZZ_CTRL_ORACLE_H

#include "h264/h264_ctrls.h"

/* Builds the picture's controls; when the builder accepts the input,
 * aborts unless each passes validation with no field changed.  Returns
 * the builder's result. */
int fuzz_check_picture_ctrls(const StdVideoH264SequenceParameterSet *sps,
                             const StdVideoH264PictureParameterSet *pps,
                             const StdVideoDecodeH264PictureInfo *pic,
                             const struct vkv4l2_h264_slice_header *sh,
                             const struct vkv4l2_h264_ref *refs, size_t num_refs);

#endif
