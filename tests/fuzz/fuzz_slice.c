/* Fuzz target: the H.264 slice-header parser (v4l2/h264/h264_slice.c) on
 * Annex-B input, with the SPS and PPS it needs parsed from the same input
 * (by the test frontend, the way a client fills the std structs), and the
 * control builders on every header it accepts.  Oracles: the sanitizers;
 * the parser's bounds; the builders' output passing the kernel's rules. */
#include <errno.h>
#include <string.h>

#include "ctrl_oracle.h"
#include "fuzz.h"
#include "h264/h264_slice.h"
#include "h264_ps.h"

static struct fe_sps sps[FE_MAX_SPS];
static const struct fe_sps *sps_table[FE_MAX_SPS];
static struct fe_pps pps[FE_MAX_PPS];
static bool have_pps[FE_MAX_PPS];

static void slice(const uint8_t *nal, size_t size)
{
    int id = vkv4l2_h264_slice_pps_id(nal, size);
    if (id < 0) {
        FUZZ_ASSERT(id == -EINVAL);
        return;
    }
    FUZZ_ASSERT(id < FE_MAX_PPS);
    if (!have_pps[id])
        return;
    const struct fe_pps *p = &pps[id];
    const struct fe_sps *s = sps_table[p->std.seq_parameter_set_id];
    if (!s)
        return;
    static struct vkv4l2_h264_slice_header sh;
    memset(&sh, 0xa5, sizeof(sh)); /* what the parser leaves unset shows up */
    int ret = vkv4l2_h264_parse_slice_header(nal, size, &s->std, &p->std, &sh);
    if (ret) {
        FUZZ_ASSERT(ret == -EINVAL);
        return;
    }
    FUZZ_ASSERT(sh.pic_parameter_set_id == id);
    FUZZ_ASSERT(sh.nal_unit_type == 1 || sh.nal_unit_type == 5);
    FUZZ_ASSERT(sh.slice_type <= 4);
    FUZZ_ASSERT(sh.num_mmco <= VKV4L2_H264_MAX_MMCO);
    FUZZ_ASSERT(sh.num_rplm[0] <= VKV4L2_H264_MAX_REFS && sh.num_rplm[1] <= VKV4L2_H264_MAX_REFS);
    FUZZ_ASSERT(sh.num_ref_idx_l0_active_minus1 < VKV4L2_H264_MAX_REFS);
    FUZZ_ASSERT(sh.num_ref_idx_l1_active_minus1 < VKV4L2_H264_MAX_REFS);
    FUZZ_ASSERT(sh.header_bit_size <= size * 8);
    FUZZ_ASSERT(sh.dec_ref_pic_marking_bit_size <= sh.header_bit_size);
    FUZZ_ASSERT(sh.pic_order_cnt_bit_size <= sh.header_bit_size);

    /* The picture as a client describes it, from the header. */
    StdVideoDecodeH264PictureInfo pic = {
        .flags = {
            .field_pic_flag = sh.field_pic_flag,
            .bottom_field_flag = sh.bottom_field_flag,
            .IdrPicFlag = sh.nal_unit_type == 5,
            .is_reference = sh.nal_ref_idc != 0,
            .is_intra = sh.slice_type % 5 == 2,
        },
        .seq_parameter_set_id = p->std.seq_parameter_set_id,
        .pic_parameter_set_id = (uint8_t)id,
        .frame_num = (uint16_t)sh.frame_num,
        .idr_pic_id = (uint16_t)sh.idr_pic_id,
        .PicOrderCnt = { (int32_t)sh.pic_order_cnt_lsb,
                         (int32_t)sh.pic_order_cnt_lsb + sh.delta_pic_order_cnt_bottom },
    };
    fuzz_check_picture_ctrls(&s->std, &p->std, &pic, &sh, NULL, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(sps_table, 0, sizeof(sps_table));
    memset(have_pps, 0, sizeof(have_pps));
    size_t pos = 0, nal_size;
    const uint8_t *nal;
    while (vkv4l2_h264_next_nal(data, size, &pos, &nal, &nal_size) == 0) {
        FUZZ_ASSERT(nal >= data && nal + nal_size <= data + size && pos <= size);
        if (!nal_size)
            continue;
        switch (nal[0] & 0x1f) {
        case 7: {
            static struct fe_sps tmp;
            if (fe_parse_sps(nal, nal_size, &tmp) == 0 &&
                tmp.std.seq_parameter_set_id < FE_MAX_SPS) {
                struct fe_sps *s = &sps[tmp.std.seq_parameter_set_id];
                *s = tmp;
                fe_sps_fixup(s);
                sps_table[tmp.std.seq_parameter_set_id] = s;
            }
            break;
        }
        case 8: {
            static struct fe_pps tmp;
            if (fe_parse_pps(nal, nal_size, sps_table, &tmp) == 0) {
                struct fe_pps *p = &pps[tmp.std.pic_parameter_set_id];
                *p = tmp;
                fe_pps_fixup(p);
                have_pps[tmp.std.pic_parameter_set_id] = true;
            }
            break;
        }
        case 1:
        case 5:
            slice(nal, nal_size);
            break;
        }
    }
    return 0;
}
