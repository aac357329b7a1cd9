/* The control builders' oracle: the emulator's copy of the kernel rules. */
#include "ctrl_oracle.h"

#include <errno.h>
#include <string.h>

#include "emu_ctrls.h"
#include "fuzz.h"

static void check_one(uint32_t id, const void *value, size_t size)
{
    union {
        struct v4l2_ctrl_h264_sps sps;
        struct v4l2_ctrl_h264_pps pps;
        struct v4l2_ctrl_h264_scaling_matrix sm;
        struct v4l2_ctrl_h264_decode_params dp;
    } copy;
    FUZZ_ASSERT(size <= sizeof(copy));
    memcpy(&copy, value, size);
    int ret = emu_ctrl_validate_compound(id, &copy);
    if (ret)
        fprintf(stderr, "control 0x%x: the kernel would refuse what the builder made\n", id);
    FUZZ_ASSERT(ret == 0);
    if (memcmp(&copy, value, size))
        fprintf(stderr, "control 0x%x: the kernel would normalize what the builder made\n", id);
    FUZZ_ASSERT(memcmp(&copy, value, size) == 0);
}

int fuzz_check_picture_ctrls(const StdVideoH264SequenceParameterSet *sps,
                             const StdVideoH264PictureParameterSet *pps,
                             const StdVideoDecodeH264PictureInfo *pic,
                             const struct vkv4l2_h264_slice_header *sh,
                             const struct vkv4l2_h264_ref *refs, size_t num_refs)
{
    static struct vkv4l2_h264_picture_ctrls c;
    int ret = vkv4l2_h264_fill_picture_ctrls(sps, pps, pic, sh, refs, num_refs, &c);
    if (ret) {
        FUZZ_ASSERT(ret == -EINVAL);
        return ret;
    }
    /* hantro's try_ctrl also refuses anything but 4:0:0 / 4:2:0 8-bit: a
     * limit of the driver, not a rule of the control, and beyond the only
     * profile the layer advertises (such an SPS is invalid usage; the
     * kernel then fails the frame). */
    if (c.sps.chroma_format_idc > 1 || c.sps.bit_depth_luma_minus8 || c.sps.bit_depth_chroma_minus8)
        return 0;
    struct v4l2_ext_control ext[VKV4L2_H264_FRAME_CTRLS];
    unsigned n = vkv4l2_h264_frame_ext_ctrls(&c, ext);
    FUZZ_ASSERT(n == VKV4L2_H264_FRAME_CTRLS);
    for (unsigned i = 0; i < n; i++)
        check_one(ext[i].id, ext[i].ptr, ext[i].size);
    return 0;
}
