/* H.264 scaling matrices: StdVideoH264ScalingLists -> V4L2.
 *
 * Order conventions, checked against the sources:
 * - Vulkan: StdVideoH264ScalingLists holds the lists as coded, i.e. in
 *   zig-zag scan order (FFmpeg's vulkan_h264.c writes
 *   ScalingList4x4[i][j] = its raster matrix at ff_zigzag_scan[j]), indexed
 *   as in Table 7-2 (4x4: Intra Y/Cb/Cr, Inter Y/Cb/Cr; 8x8: Intra Y,
 *   Inter Y, Intra Cb, Inter Cb, Intra Cr, Inter Cr), with bit i of
 *   scaling_list_present_mask / use_default_scaling_matrix_mask for list i
 *   (8x8 list k is bit 6 + k).
 * - V4L2 (v4l2-controls.h): the same list order, values "after applying
 *   the inverse scanning process", i.e. raster order.  GStreamer's
 *   v4l2codech264dec converts with ..._get_raster_from_zigzag(); hantro,
 *   rkvdec and cedrus copy the lists to the hardware as they are.
 * So each list is de-zig-zagged with the frame zig-zag scan (8.5.6: the
 * inverse scan of scaling lists always uses the frame scan, also for field
 * pictures and MBAFF), never the field scan.
 *
 * Lists that are not present: clients fill them with the values the
 * fall-back rules give (FFmpeg, GStreamer), and Mesa's Vulkan Video drivers
 * take every list as given, whatever the masks say.  GStreamer relies on
 * it: its present mask is a single bit (bit 0 = "the SPS/PPS has a
 * matrix") over fully resolved lists.  So a list that is not present but
 * holds valid values (1..255) is taken as given; only an empty one (zeros)
 * is resolved here by the fall-back rules. */
#include "h264_ctrls.h"

#include <errno.h>
#include <string.h>

/* Table 8-12 / 8-13 (zig-zag columns): raster index of scan index k. */
static const uint8_t zigzag4x4[16] = {
    0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15,
};

static const uint8_t zigzag8x8[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,  7,  14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
};

/* Table 7-3 and 7-4, in scan (zig-zag) order like the bitstream. */
static const uint8_t default_4x4[2][16] = {
    { 6, 13, 13, 20, 20, 20, 28, 28, 28, 28, 32, 32, 32, 37, 37, 42 },
    { 10, 14, 14, 20, 20, 20, 24, 24, 24, 24, 27, 27, 27, 30, 30, 34 },
};

static const uint8_t default_8x8[2][64] = {
    { 6,  10, 10, 13, 11, 13, 16, 16, 16, 16, 18, 18, 18, 18, 18, 23,
      23, 23, 23, 23, 23, 25, 25, 25, 25, 25, 25, 25, 27, 27, 27, 27,
      27, 27, 27, 27, 29, 29, 29, 29, 29, 29, 29, 31, 31, 31, 31, 31,
      31, 33, 33, 33, 33, 33, 36, 36, 36, 36, 38, 38, 38, 40, 40, 42 },
    { 9,  13, 13, 15, 13, 15, 17, 17, 17, 17, 19, 19, 19, 19, 19, 21,
      21, 21, 21, 21, 21, 22, 22, 22, 22, 22, 22, 22, 24, 24, 24, 24,
      24, 24, 24, 24, 25, 25, 25, 25, 25, 25, 25, 27, 27, 27, 27, 27,
      27, 28, 28, 28, 28, 28, 30, 30, 30, 30, 32, 32, 32, 33, 33, 35 },
};

/* Lists in scan order, indexed like Table 7-2 (0..5 4x4, 6..11 8x8). */
struct lists {
    uint8_t l4[6][16];
    uint8_t l8[6][64];
};

static void set_flat(struct lists *l)
{
    memset(l, 16, sizeof(*l));
}

/* Resolves one level per Table 7-2: fall-back rule A when seq is NULL,
 * rule B (with the SPS-level lists as seq) otherwise.  A list that is present takes its coded
 * values, or the default list when its useDefaultScalingMatrixFlag is set;
 * a list that is not present falls back.  Lists 8..11 only exist for 4:4:4
 * but resolving them regardless is harmless. */
static bool valid_list(const uint8_t *l, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (l[k] == 0)
            return false;
    return true;
}

static int resolve(const StdVideoH264ScalingLists *sl, const struct lists *seq,
                   struct lists *out)
{
    for (unsigned i = 0; i < 12; i++) {
        bool present = sl->scaling_list_present_mask & (1u << i);
        bool use_default = sl->use_default_scaling_matrix_mask & (1u << i);
        bool inter = i < 6 ? i >= 3 : ((i - 6) & 1);
        uint8_t *dst = i < 6 ? out->l4[i] : out->l8[i - 6];
        size_t n = i < 6 ? 16 : 64;
        const uint8_t *given = i < 6 ? sl->ScalingList4x4[i] : sl->ScalingList8x8[i - 6];
        const uint8_t *src;

        if (present && use_default)
            src = i < 6 ? default_4x4[inter] : default_8x8[inter];
        else if (present || valid_list(given, n))
            src = given;
        else if (i == 0 || i == 3 || i == 6 || i == 7)
            /* Rule A: the default list; rule B: the sequence-level list. */
            src = seq ? (i < 6 ? seq->l4[i] : seq->l8[i - 6])
                      : (i < 6 ? default_4x4[inter] : default_8x8[inter]);
        else
            /* Previous list of the same kind: 4x4 i-1, 8x8 i-2. */
            src = i < 6 ? out->l4[i - 1] : out->l8[i - 8];
        memmove(dst, src, n);
        /* 7.4.2.1.1: a coded scaling list entry is 1..255 (delta coding
         * cannot produce 0 except via useDefault). */
        for (size_t k = 0; k < n; k++)
            if (dst[k] == 0)
                return -EINVAL;
    }
    return 0;
}

bool vkv4l2_h264_scaling_matrix_present(const StdVideoH264SequenceParameterSet *sps,
                                        const StdVideoH264PictureParameterSet *pps)
{
    return sps->flags.seq_scaling_matrix_present_flag ||
           pps->flags.pic_scaling_matrix_present_flag;
}

int vkv4l2_h264_fill_scaling_matrix(const StdVideoH264SequenceParameterSet *sps,
                                    const StdVideoH264PictureParameterSet *pps,
                                    struct v4l2_ctrl_h264_scaling_matrix *out)
{
    struct lists seq, pic;

    if (!sps || !pps)
        return -EINVAL;
    /* The kernel's default for this control, (7-8)/(7-9): Flat_4x4_16 and
     * Flat_8x8_16. */
    memset(out, 16, sizeof(*out));
    if (!vkv4l2_h264_scaling_matrix_present(sps, pps))
        return 0;

    set_flat(&seq);
    if (sps->flags.seq_scaling_matrix_present_flag) {
        if (!sps->pScalingLists || resolve(sps->pScalingLists, NULL, &seq) < 0)
            return -EINVAL;
    }
    if (pps->flags.pic_scaling_matrix_present_flag) {
        /* 7.4.2.2: rule B (fall back to the SPS lists) only when the SPS
         * has a matrix; otherwise rule A (fall back to the defaults). */
        const struct lists *fallback = sps->flags.seq_scaling_matrix_present_flag ? &seq : NULL;
        if (!pps->pScalingLists || resolve(pps->pScalingLists, fallback, &pic) < 0)
            return -EINVAL;
    } else {
        pic = seq;
    }

    for (unsigned i = 0; i < 6; i++)
        for (unsigned k = 0; k < 16; k++)
            out->scaling_list_4x4[i][zigzag4x4[k]] = pic.l4[i][k];
    /* Like GStreamer: only Intra Y / Inter Y exist below 4:4:4; the chroma
     * 8x8 entries are zeroed there (no driver reads them). */
    unsigned n8 = sps->chroma_format_idc == STD_VIDEO_H264_CHROMA_FORMAT_IDC_444 ? 6 : 2;
    memset(out->scaling_list_8x8, 0, sizeof(out->scaling_list_8x8));
    for (unsigned i = 0; i < n8; i++)
        for (unsigned k = 0; k < 64; k++)
            out->scaling_list_8x8[i][zigzag8x8[k]] = pic.l8[i][k];
    return 0;
}
