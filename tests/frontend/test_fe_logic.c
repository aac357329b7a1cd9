/* Unit tests of the frontend's POC, reference marking and output logic on
 * hand-computed cases the generated streams do not reach: POC type 1,
 * frame_num wrap, MMCO 2..6, long-term references, frame_num gaps. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "h264_dpb.h"
#include "h264_output.h"
#include "h264_poc.h"

static int failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            failures++;                                                      \
        }                                                                    \
    } while (0)

static struct vkv4l2_h264_slice_header slice(unsigned type, unsigned ref_idc, unsigned frame_num)
{
    return (struct vkv4l2_h264_slice_header){
        .nal_unit_type = (uint8_t)type, .nal_ref_idc = (uint8_t)ref_idc, .frame_num = frame_num,
    };
}

/* Runs POC, marking, state update of one frame; returns its POCs. */
static struct fe_poc step_poc(struct fe_poc_state *st, const StdVideoH264SequenceParameterSet *sps,
                              struct vkv4l2_h264_slice_header sh)
{
    struct fe_poc poc;
    fe_poc_compute(st, sps, &sh, &poc);
    fe_poc_update(st, sps, &sh, &poc, false);
    return poc;
}

static void test_poc_type1(void)
{
    static const int32_t offsets[2] = { 4, 6 };
    StdVideoH264SequenceParameterSet sps = {
        .pic_order_cnt_type = STD_VIDEO_H264_POC_TYPE_1,
        .log2_max_frame_num_minus4 = 0,
        .offset_for_non_ref_pic = -2,
        .offset_for_top_to_bottom_field = 1,
        .num_ref_frames_in_pic_order_cnt_cycle = 2,
        .pOffsetForRefFrame = offsets,
    };
    struct fe_poc_state st = { 0 };
    struct fe_poc p;

    p = step_poc(&st, &sps, slice(5, 1, 0));
    CHECK(p.top == 0 && p.bottom == 1);
    p = step_poc(&st, &sps, slice(1, 1, 1));
    CHECK(p.top == 4 && p.bottom == 5);
    p = step_poc(&st, &sps, slice(1, 0, 2));   /* non-reference: abs 1, -2 */
    CHECK(p.top == 2 && p.bottom == 3);
    p = step_poc(&st, &sps, slice(1, 1, 2));
    CHECK(p.top == 10);
    p = step_poc(&st, &sps, slice(1, 1, 3));   /* second cycle */
    CHECK(p.top == 14);
    for (unsigned fn = 4; fn < 16; fn++)
        step_poc(&st, &sps, slice(1, 1, fn));
    p = step_poc(&st, &sps, slice(1, 1, 0));   /* frame_num wraps: offset 16 */
    CHECK(p.frame_num_offset == 16);
    /* abs 16: 7 full cycles (70) + offsets[0] */
    CHECK(p.top == 7 * 10 + 4 + 6);
}

static void test_poc_type0_wrap_and_type2(void)
{
    StdVideoH264SequenceParameterSet sps = {
        .pic_order_cnt_type = STD_VIDEO_H264_POC_TYPE_0,
        .log2_max_pic_order_cnt_lsb_minus4 = 0, /* MaxPicOrderCntLsb 16 */
    };
    struct fe_poc_state st = { 0 };
    static const uint32_t lsb[] = { 0, 8, 14, 2, 10, 4 };
    static const int32_t want[] = { 0, 8, 14, 18, 26, 20 };

    for (unsigned i = 0; i < 6; i++) {
        struct vkv4l2_h264_slice_header sh = slice(i ? 1 : 5, 1, i);
        sh.pic_order_cnt_lsb = lsb[i];
        sh.delta_pic_order_cnt_bottom = 1;
        struct fe_poc p = step_poc(&st, &sps, sh);
        CHECK(p.top == want[i] && p.bottom == want[i] + 1);
    }

    StdVideoH264SequenceParameterSet sps2 = { .pic_order_cnt_type = STD_VIDEO_H264_POC_TYPE_2 };
    struct fe_poc_state st2 = { 0 };
    CHECK(step_poc(&st2, &sps2, slice(5, 1, 0)).top == 0);
    CHECK(step_poc(&st2, &sps2, slice(1, 1, 1)).top == 2);
    CHECK(step_poc(&st2, &sps2, slice(1, 0, 2)).top == 3);
    CHECK(step_poc(&st2, &sps2, slice(1, 1, 2)).top == 4);
}

/* Decodes a frame into the DPB: alloc, mark, output bookkeeping. */
static int decode(struct fe_dpb *dpb, const struct vkv4l2_h264_slice_header *sh, int32_t poc,
                  uint32_t max_refs, bool *mmco5)
{
    int s = fe_dpb_alloc_slot(dpb);
    if (s < 0)
        return s;
    dpb->slot[s].frame_num = sh->frame_num;
    dpb->slot[s].poc[0] = dpb->slot[s].poc[1] = poc;
    dpb->slot[s].allocated = false;
    int ret = fe_dpb_mark(dpb, s, sh, 16, max_refs, mmco5);
    return ret ? ret : s;
}

static unsigned refs_string(const struct fe_dpb *dpb, char *buf, size_t size)
{
    int slots[FE_MAX_SLOTS];
    StdVideoDecodeH264ReferenceInfo info[FE_MAX_SLOTS];
    unsigned n = fe_dpb_active_refs(dpb, slots, info);
    size_t len = 0;

    buf[0] = 0;
    for (unsigned i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s%u%s", i ? " " : "",
                                info[i].flags.used_for_long_term_reference ? "L" : "S",
                                info[i].FrameNum, info[i].flags.is_non_existing ? "x" : "");
    return n;
}

static void test_marking(void)
{
    struct fe_dpb dpb;
    struct vkv4l2_h264_slice_header sh;
    bool mmco5;
    char refs[256];

    fe_dpb_init(&dpb);
    for (unsigned fn = 0; fn < 5; fn++) {
        sh = slice(fn ? 1 : 5, 1, fn);
        CHECK(decode(&dpb, &sh, 2 * (int32_t)fn, 3, &mmco5) >= 0);
    }
    refs_string(&dpb, refs, sizeof(refs));
    CHECK(!strcmp(refs, "S4 S3 S2")); /* sliding window, most recent first */

    /* frame 5: MMCO4 (max idx 1), MMCO3 frame 3 (picNum 3 = 5 - (1+1)) -> long 1 */
    sh = slice(1, 1, 5);
    sh.adaptive_ref_pic_marking_mode_flag = true;
    sh.num_mmco = 2;
    sh.mmco[0] = (struct vkv4l2_h264_mmco){ .op = 4, .max_long_term_frame_idx_plus1 = 2 };
    sh.mmco[1] = (struct vkv4l2_h264_mmco){ .op = 3, .difference_of_pic_nums_minus1 = 1,
                                            .long_term_frame_idx = 1 };
    CHECK(decode(&dpb, &sh, 10, 3, &mmco5) >= 0);
    refs_string(&dpb, refs, sizeof(refs));
    CHECK(!strcmp(refs, "S5 S4 S2 L1"));

    /* frame 6: MMCO1 frame 2 (picNum 2 = 6 - 4), MMCO6 current -> long 0 */
    sh = slice(1, 1, 6);
    sh.adaptive_ref_pic_marking_mode_flag = true;
    sh.num_mmco = 2;
    sh.mmco[0] = (struct vkv4l2_h264_mmco){ .op = 1, .difference_of_pic_nums_minus1 = 3 };
    sh.mmco[1] = (struct vkv4l2_h264_mmco){ .op = 6, .long_term_frame_idx = 0 };
    CHECK(decode(&dpb, &sh, 12, 4, &mmco5) >= 0);
    refs_string(&dpb, refs, sizeof(refs));
    CHECK(!strcmp(refs, "S5 S4 L0 L1"));

    /* frame 7: MMCO2 drops LongTermPicNum 1; MMCO1 naming nothing fails */
    sh = slice(1, 1, 7);
    sh.adaptive_ref_pic_marking_mode_flag = true;
    sh.num_mmco = 1;
    sh.mmco[0] = (struct vkv4l2_h264_mmco){ .op = 2, .long_term_pic_num = 1 };
    CHECK(decode(&dpb, &sh, 14, 4, &mmco5) >= 0);
    refs_string(&dpb, refs, sizeof(refs));
    CHECK(!strcmp(refs, "S7 S5 S4 L0"));
    sh = slice(1, 1, 8);
    sh.adaptive_ref_pic_marking_mode_flag = true;
    sh.num_mmco = 1;
    sh.mmco[0] = (struct vkv4l2_h264_mmco){ .op = 1, .difference_of_pic_nums_minus1 = 5 };
    CHECK(decode(&dpb, &sh, 16, 4, &mmco5) == -EINVAL);

    /* MMCO5 empties the DPB but for the current picture */
    fe_dpb_init(&dpb);
    sh = slice(5, 1, 0);
    CHECK(decode(&dpb, &sh, 0, 4, &mmco5) >= 0);
    sh = slice(1, 1, 1);
    sh.adaptive_ref_pic_marking_mode_flag = true;
    sh.num_mmco = 1;
    sh.mmco[0] = (struct vkv4l2_h264_mmco){ .op = 5 };
    CHECK(decode(&dpb, &sh, 2, 4, &mmco5) >= 0 && mmco5);
    CHECK(refs_string(&dpb, refs, sizeof(refs)) == 1 && !strcmp(refs, "S1"));

    /* IDR with long_term_reference_flag */
    sh = slice(5, 1, 0);
    sh.long_term_reference_flag = true;
    CHECK(decode(&dpb, &sh, 0, 4, &mmco5) >= 0);
    refs_string(&dpb, refs, sizeof(refs));
    CHECK(!strcmp(refs, "L0") && dpb.max_long_term_frame_idx == 0);
}

static void test_gap(void)
{
    struct fe_dpb dpb;
    struct vkv4l2_h264_slice_header sh;
    bool mmco5;
    char refs[256];

    fe_dpb_init(&dpb);
    sh = slice(5, 1, 0);
    CHECK(decode(&dpb, &sh, 0, 3, &mmco5) >= 0);
    sh = slice(1, 1, 1);
    CHECK(decode(&dpb, &sh, 2, 3, &mmco5) >= 0);
    /* next picture has frame_num 5: frames 2, 3, 4 are inferred */
    CHECK(fe_dpb_fill_gap(&dpb, 1, 5, 16, 3, false, NULL, NULL) == 3);
    refs_string(&dpb, refs, sizeof(refs));
    CHECK(!strcmp(refs, "S4x S3x S2x"));
    fe_dpb_init(&dpb);
    CHECK(fe_dpb_fill_gap(&dpb, 14, 1, 16, 3, true, NULL, NULL) == 2); /* wraps: 15, 0 */
    refs_string(&dpb, refs, sizeof(refs));
    CHECK(!strcmp(refs, "S0 S15"));
}

static void test_output(void)
{
    struct fe_dpb dpb;
    struct fe_output out = { 0 };
    static const int32_t pocs[] = { 0, 6, 2, 4 };

    fe_dpb_init(&dpb);
    for (unsigned i = 0; i < 4; i++) {
        int s = fe_dpb_alloc_slot(&dpb);
        dpb.slot[s].allocated = false;
        dpb.slot[s].poc[0] = dpb.slot[s].poc[1] = pocs[i];
        dpb.slot[s].needed_for_output = true;
        fe_output_after_store(&dpb, &out, 4, 1); /* one picture may wait */
    }
    /* decode 0,6,2,4 with reorder 1 -> 0 when 6 arrives, 2 when 2 arrives
     * (waiting 6,2: lowest), 4 when 4 arrives. */
    CHECK(fe_output_pop(&out) == 0);
    CHECK(fe_output_pop(&out) == 2);
    CHECK(fe_output_pop(&out) == 3);
    CHECK(fe_output_pop(&out) == -ENOENT);
    fe_output_flush(&dpb, &out);
    CHECK(fe_output_pop(&out) == 1);
    /* held slots are not reused until released */
    CHECK(dpb.slot[1].held && fe_dpb_alloc_slot(&dpb) == 4);
}

int main(void)
{
    test_poc_type1();
    test_poc_type0_wrap_and_type2();
    test_marking();
    test_gap();
    test_output();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("frontend logic: all checks passed\n");
    return 0;
}
