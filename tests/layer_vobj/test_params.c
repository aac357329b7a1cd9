/* H.264 video session parameters (layer/session_params.c and
 * layer/h264_params_copy.c): deep copies, template inheritance, updates,
 * lookups, and lookups racing with updates. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "session_params.h"
#include "video_session.h"

/* One SPS with every pointer member in use, and the values behind them. */
struct sps_src {
    StdVideoH264SequenceParameterSet sps;
    StdVideoH264ScalingLists lists;
    StdVideoH264SequenceParameterSetVui vui;
    StdVideoH264HrdParameters hrd;
    int32_t offsets[3];
};

struct pps_src {
    StdVideoH264PictureParameterSet pps;
    StdVideoH264ScalingLists lists;
};

static void fill_bytes(void *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)p)[i] = (uint8_t)(seed * 31 + i * 7);
}

static void make_sps(struct sps_src *s, uint8_t id, unsigned seed)
{
    memset(s, 0, sizeof(*s));
    fill_bytes(&s->lists, sizeof(s->lists), seed);
    fill_bytes(&s->hrd, sizeof(s->hrd), seed + 1);
    s->offsets[0] = -7 - (int)seed;
    s->offsets[1] = 3;
    s->offsets[2] = 100 + (int)seed;
    s->vui.flags.nal_hrd_parameters_present_flag = 1;
    s->vui.sar_width = (uint16_t)(seed + 16);
    s->vui.max_dec_frame_buffering = 4;
    s->vui.pHrdParameters = &s->hrd;
    s->sps.flags.seq_scaling_matrix_present_flag = 1;
    s->sps.flags.vui_parameters_present_flag = 1;
    s->sps.flags.frame_mbs_only_flag = 1;
    s->sps.profile_idc = STD_VIDEO_H264_PROFILE_IDC_HIGH;
    s->sps.seq_parameter_set_id = id;
    s->sps.pic_order_cnt_type = STD_VIDEO_H264_POC_TYPE_1;
    s->sps.num_ref_frames_in_pic_order_cnt_cycle = 3;
    s->sps.pic_width_in_mbs_minus1 = 119 + seed;
    s->sps.pic_height_in_map_units_minus1 = 67;
    s->sps.pOffsetForRefFrame = s->offsets;
    s->sps.pScalingLists = &s->lists;
    s->sps.pSequenceParameterSetVui = &s->vui;
}

static void make_pps(struct pps_src *p, uint8_t sps_id, uint8_t pps_id, unsigned seed)
{
    memset(p, 0, sizeof(*p));
    fill_bytes(&p->lists, sizeof(p->lists), seed + 5);
    p->pps.flags.pic_scaling_matrix_present_flag = 1;
    p->pps.flags.transform_8x8_mode_flag = 1;
    p->pps.seq_parameter_set_id = sps_id;
    p->pps.pic_parameter_set_id = pps_id;
    p->pps.pic_init_qp_minus26 = (int8_t)(seed - 3);
    p->pps.pScalingLists = &p->lists;
}

/* The copy must equal `want` (taken before the source was scribbled over)
 * and point only into itself. */
static void check_sps(const StdVideoH264SequenceParameterSet *got, const struct sps_src *want,
                      const struct sps_src *scribbled)
{
    CHECK_EQ(got->seq_parameter_set_id, want->sps.seq_parameter_set_id);
    CHECK_EQ(got->pic_width_in_mbs_minus1, want->sps.pic_width_in_mbs_minus1);
    CHECK_EQ(got->num_ref_frames_in_pic_order_cnt_cycle, 3);
    CHECK(got->flags.seq_scaling_matrix_present_flag && got->flags.frame_mbs_only_flag);
    CHECK(got->pScalingLists && got->pScalingLists != &scribbled->lists);
    CHECK(got->pScalingLists && !memcmp(got->pScalingLists, &want->lists, sizeof(want->lists)));
    CHECK(got->pOffsetForRefFrame && got->pOffsetForRefFrame != scribbled->offsets);
    CHECK(got->pOffsetForRefFrame &&
          !memcmp(got->pOffsetForRefFrame, want->offsets, sizeof(want->offsets)));
    const StdVideoH264SequenceParameterSetVui *vui = got->pSequenceParameterSetVui;
    CHECK(vui && vui != &scribbled->vui);
    if (vui) {
        CHECK_EQ(vui->sar_width, want->vui.sar_width);
        CHECK_EQ(vui->max_dec_frame_buffering, 4);
        CHECK(vui->flags.nal_hrd_parameters_present_flag);
        CHECK(vui->pHrdParameters && vui->pHrdParameters != &scribbled->hrd);
        CHECK(vui->pHrdParameters && !memcmp(vui->pHrdParameters, &want->hrd, sizeof(want->hrd)));
    }
}

static void check_pps(const StdVideoH264PictureParameterSet *got, const struct pps_src *want,
                      const struct pps_src *scribbled)
{
    CHECK_EQ(got->seq_parameter_set_id, want->pps.seq_parameter_set_id);
    CHECK_EQ(got->pic_parameter_set_id, want->pps.pic_parameter_set_id);
    CHECK_EQ(got->pic_init_qp_minus26, want->pps.pic_init_qp_minus26);
    CHECK(got->flags.transform_8x8_mode_flag);
    CHECK(got->pScalingLists && got->pScalingLists != &scribbled->lists);
    CHECK(got->pScalingLists && !memcmp(got->pScalingLists, &want->lists, sizeof(want->lists)));
}

static struct vkv4l2_video_session h264_session = {
    .codec_operation = VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
};

struct create_info {
    VkVideoDecodeH264SessionParametersAddInfoKHR add;
    VkVideoDecodeH264SessionParametersCreateInfoKHR h264;
    VkVideoSessionParametersCreateInfoKHR ci;
};

static void make_create(struct create_info *c, uint32_t max_sps, uint32_t max_pps,
                        const StdVideoH264SequenceParameterSet *sps, uint32_t nsps,
                        const StdVideoH264PictureParameterSet *pps, uint32_t npps)
{
    c->add = (VkVideoDecodeH264SessionParametersAddInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_ADD_INFO_KHR,
        .stdSPSCount = nsps, .pStdSPSs = sps, .stdPPSCount = npps, .pStdPPSs = pps,
    };
    c->h264 = (VkVideoDecodeH264SessionParametersCreateInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_CREATE_INFO_KHR,
        .maxStdSPSCount = max_sps, .maxStdPPSCount = max_pps, .pParametersAddInfo = &c->add,
    };
    c->ci = (VkVideoSessionParametersCreateInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_PARAMETERS_CREATE_INFO_KHR,
        .pNext = &c->h264,
    };
}

static VkResult update(struct vkv4l2_video_session_params *p, uint32_t seq,
                       const StdVideoH264SequenceParameterSet *sps, uint32_t nsps,
                       const StdVideoH264PictureParameterSet *pps, uint32_t npps)
{
    const VkVideoDecodeH264SessionParametersAddInfoKHR add = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_ADD_INFO_KHR,
        .stdSPSCount = nsps, .pStdSPSs = sps, .stdPPSCount = npps, .pStdPPSs = pps,
    };
    const VkVideoSessionParametersUpdateInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_PARAMETERS_UPDATE_INFO_KHR,
        .pNext = (nsps || npps) ? &add : NULL,
        .updateSequenceCount = seq,
    };
    const char *why = NULL;
    VkResult r = vkv4l2_session_params_update(p, &info, &why);
    CHECK((r == VK_SUCCESS) == (why == NULL) || r == VK_ERROR_OUT_OF_HOST_MEMORY);
    return r;
}

static void test_deep_copy(void)
{
    struct sps_src sps, sps_want;
    struct pps_src pps, pps_want;
    make_sps(&sps, 2, 1);
    make_pps(&pps, 2, 9, 1);
    sps_want = sps;
    pps_want = pps;

    struct create_info c;
    make_create(&c, 4, 4, &sps.sps, 1, &pps.pps, 1);
    struct vkv4l2_video_session_params *p = NULL;
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &p, NULL), VK_SUCCESS);
    if (!p)
        return;
    /* The application reuses its memory right after the call. */
    memset(&sps, 0xA5, sizeof(sps));
    memset(&pps, 0x5A, sizeof(pps));

    const StdVideoH264SequenceParameterSet *gs = NULL;
    const StdVideoH264PictureParameterSet *gp = NULL;
    CHECK_EQ(vkv4l2_session_params_h264(p, 2, 9, &gs, &gp), 0);
    if (gs && gp) {
        check_sps(gs, &sps_want, &sps);
        check_pps(gp, &pps_want, &pps);
    }

    /* Same for an update. */
    make_sps(&sps, 7, 2);
    make_pps(&pps, 7, 0, 2);
    sps_want = sps;
    pps_want = pps;
    CHECK_EQ(update(p, 1, &sps.sps, 1, &pps.pps, 1), VK_SUCCESS);
    memset(&sps, 0xA5, sizeof(sps));
    memset(&pps, 0x5A, sizeof(pps));
    CHECK_EQ(vkv4l2_session_params_h264(p, 7, 0, &gs, &gp), 0);
    check_sps(gs, &sps_want, &sps);
    check_pps(gp, &pps_want, &pps);
    vkv4l2_session_params_destroy(p);
}

/* Pointers the flags do not announce may be garbage: never followed. */
static void test_absent_members(void)
{
    StdVideoH264SequenceParameterSet sps = {
        .seq_parameter_set_id = 0,
        .pic_order_cnt_type = STD_VIDEO_H264_POC_TYPE_0,
        .num_ref_frames_in_pic_order_cnt_cycle = 5, /* ignored for POC type 0 */
        .pOffsetForRefFrame = (const int32_t *)(uintptr_t)8,
        .pScalingLists = (const StdVideoH264ScalingLists *)(uintptr_t)16,
        .pSequenceParameterSetVui = (const StdVideoH264SequenceParameterSetVui *)(uintptr_t)24,
    };
    StdVideoH264PictureParameterSet pps = {
        .pScalingLists = (const StdVideoH264ScalingLists *)(uintptr_t)32,
    };
    /* A VUI without HRD flags: its garbage pHrdParameters is dropped. */
    StdVideoH264SequenceParameterSetVui vui = {
        .pHrdParameters = (const StdVideoH264HrdParameters *)(uintptr_t)40,
    };
    StdVideoH264SequenceParameterSet sps1 = sps;
    sps1.seq_parameter_set_id = 1;
    sps1.flags.vui_parameters_present_flag = 1;
    sps1.pSequenceParameterSetVui = &vui;
    const StdVideoH264SequenceParameterSet list[2] = { sps, sps1 };

    struct create_info c;
    make_create(&c, 2, 1, list, 2, &pps, 1);
    struct vkv4l2_video_session_params *p = NULL;
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &p, NULL), VK_SUCCESS);
    if (!p)
        return;
    const StdVideoH264SequenceParameterSet *gs = NULL;
    const StdVideoH264PictureParameterSet *gp = NULL;
    CHECK_EQ(vkv4l2_session_params_h264(p, 0, 0, &gs, &gp), 0);
    CHECK(gs && !gs->pOffsetForRefFrame && !gs->pScalingLists && !gs->pSequenceParameterSetVui);
    CHECK(gp && !gp->pScalingLists);
    CHECK_EQ(vkv4l2_session_params_h264(p, 1, 0, &gs, NULL), -ENOENT); /* no PPS (1,0) */
    pthread_mutex_lock(&p->lock);
    gs = p->sps[1] ? (const StdVideoH264SequenceParameterSet *)p->sps[1] : NULL;
    pthread_mutex_unlock(&p->lock);
    CHECK(gs && gs->pSequenceParameterSetVui && !gs->pSequenceParameterSetVui->pHrdParameters);
    vkv4l2_session_params_destroy(p);
}

static void test_lookup_keys(void)
{
    struct sps_src s0, s1;
    struct pps_src q05;
    make_sps(&s0, 0, 0);
    make_sps(&s1, 1, 1);
    make_pps(&q05, 0, 5, 0);
    const StdVideoH264SequenceParameterSet sps[2] = { s0.sps, s1.sps };
    struct create_info c;
    make_create(&c, 2, 2, sps, 2, &q05.pps, 1);
    struct vkv4l2_video_session_params *p = NULL;
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &p, NULL), VK_SUCCESS);
    if (!p)
        return;
    const StdVideoH264SequenceParameterSet *gs = (void *)&c;
    const StdVideoH264PictureParameterSet *gp = (void *)&c;
    CHECK_EQ(vkv4l2_session_params_h264(p, 0, 5, &gs, &gp), 0);
    /* A PPS is keyed by (sps id, pps id): (1, 5) is another PPS. */
    const StdVideoH264SequenceParameterSet *untouched_s = gs;
    const StdVideoH264PictureParameterSet *untouched_p = gp;
    CHECK_EQ(vkv4l2_session_params_h264(p, 1, 5, &gs, &gp), -ENOENT);
    CHECK(gs == untouched_s && gp == untouched_p);
    CHECK_EQ(vkv4l2_session_params_h264(p, 2, 5, &gs, &gp), -ENOENT);
    CHECK_EQ(vkv4l2_session_params_h264(p, 0, 4, &gs, &gp), -ENOENT);
    vkv4l2_session_params_destroy(p);
}

static void test_template(void)
{
    struct sps_src s0, s1, s1b;
    struct pps_src q00, q10, q01, q00b;
    make_sps(&s0, 0, 10);
    make_sps(&s1, 1, 11);
    make_pps(&q00, 0, 0, 10);
    make_pps(&q10, 1, 0, 11);
    const StdVideoH264SequenceParameterSet t_sps[2] = { s0.sps, s1.sps };
    const StdVideoH264PictureParameterSet t_pps[2] = { q00.pps, q10.pps };
    struct create_info c;
    make_create(&c, 2, 2, t_sps, 2, t_pps, 2);
    struct vkv4l2_video_session_params *tmpl = NULL, *p = NULL;
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &tmpl, NULL), VK_SUCCESS);
    if (!tmpl)
        return;

    /* The new object's own SPS 1 and PPS (0,0) win over the template's. */
    make_sps(&s1b, 1, 21);
    make_pps(&q00b, 0, 0, 20);
    make_pps(&q01, 0, 1, 22);
    const StdVideoH264PictureParameterSet n_pps[2] = { q00b.pps, q01.pps };
    make_create(&c, 2, 3, &s1b.sps, 1, n_pps, 2);
    c.ci.videoSessionParametersTemplate = (VkVideoSessionParametersKHR)(uintptr_t)tmpl;
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, tmpl, &c.ci, &p, NULL), VK_SUCCESS);
    /* The new object owns copies: the template can go first. */
    vkv4l2_session_params_destroy(tmpl);
    if (!p)
        return;
    CHECK_EQ(p->sps_count, 2);
    CHECK_EQ(p->pps_count, 3);

    const StdVideoH264SequenceParameterSet *gs = NULL;
    const StdVideoH264PictureParameterSet *gp = NULL;
    CHECK_EQ(vkv4l2_session_params_h264(p, 0, 0, &gs, &gp), 0);
    check_sps(gs, &s0, &s1b);       /* inherited */
    check_pps(gp, &q00b, &q00);     /* own */
    CHECK_EQ(vkv4l2_session_params_h264(p, 1, 0, &gs, &gp), 0);
    check_sps(gs, &s1b, &s1);       /* own */
    check_pps(gp, &q10, &q00b);     /* inherited */
    CHECK_EQ(vkv4l2_session_params_h264(p, 0, 1, &gs, &gp), 0);
    check_pps(gp, &q01, &q00);
    vkv4l2_session_params_destroy(p);
}

static void test_template_errors(void)
{
    struct sps_src s0, s1;
    make_sps(&s0, 0, 0);
    make_sps(&s1, 1, 1);
    const StdVideoH264SequenceParameterSet sps[2] = { s0.sps, s1.sps };
    struct create_info c;
    make_create(&c, 2, 0, sps, 2, NULL, 0);
    struct vkv4l2_video_session_params *tmpl = NULL, *p = NULL;
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &tmpl, NULL), VK_SUCCESS);
    if (!tmpl)
        return;

    /* Inherited entries count against the new object's capacity. */
    make_create(&c, 1, 0, NULL, 0, NULL, 0);
    const char *why = NULL;
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, tmpl, &c.ci, &p, &why),
             VK_ERROR_TOO_MANY_OBJECTS);
    CHECK(why != NULL);

    /* A template of another session. */
    struct vkv4l2_video_session other = h264_session;
    make_create(&c, 4, 4, NULL, 0, NULL, 0);
    CHECK_EQ(vkv4l2_session_params_create(&other, tmpl, &c.ci, &p, NULL),
             VK_ERROR_VALIDATION_FAILED_EXT);
    vkv4l2_session_params_destroy(tmpl);
}

static void test_create_errors(void)
{
    struct sps_src s0;
    struct pps_src q0, q0dup;
    make_sps(&s0, 0, 0);
    make_pps(&q0, 0, 0, 0);
    make_pps(&q0dup, 0, 0, 1);
    struct create_info c;
    struct vkv4l2_video_session_params *p = NULL;

    const StdVideoH264SequenceParameterSet dup_sps[2] = { s0.sps, s0.sps };
    make_create(&c, 4, 4, dup_sps, 2, NULL, 0);
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &p, NULL),
             VK_ERROR_VALIDATION_FAILED_EXT);
    const StdVideoH264PictureParameterSet dup_pps[2] = { q0.pps, q0dup.pps };
    make_create(&c, 4, 4, &s0.sps, 1, dup_pps, 2);
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &p, NULL),
             VK_ERROR_VALIDATION_FAILED_EXT);

    make_create(&c, 0, 4, &s0.sps, 1, NULL, 0);
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &p, NULL),
             VK_ERROR_TOO_MANY_OBJECTS);
    make_create(&c, 1, 0, &s0.sps, 1, &q0.pps, 1);
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &p, NULL),
             VK_ERROR_TOO_MANY_OBJECTS);

    make_create(&c, 1, 1, NULL, 0, NULL, 0);
    c.ci.pNext = NULL; /* no H.264 create info */
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &p, NULL),
             VK_ERROR_VALIDATION_FAILED_EXT);

    struct vkv4l2_video_session h265 = {
        .codec_operation = VK_VIDEO_CODEC_OPERATION_DECODE_H265_BIT_KHR,
    };
    make_create(&c, 1, 1, NULL, 0, NULL, 0);
    CHECK_EQ(vkv4l2_session_params_create(&h265, NULL, &c.ci, &p, NULL),
             VK_ERROR_INITIALIZATION_FAILED);
}

static void test_update_rules(void)
{
    struct sps_src s0, s1, s2;
    struct pps_src q00, q10, q11, q20;
    make_sps(&s0, 0, 0);
    make_sps(&s1, 1, 1);
    make_sps(&s2, 2, 2);
    make_pps(&q00, 0, 0, 0);
    make_pps(&q10, 1, 0, 1);
    make_pps(&q11, 1, 1, 1);
    make_pps(&q20, 2, 0, 2);
    struct create_info c;
    make_create(&c, 2, 3, &s0.sps, 1, &q00.pps, 1);
    struct vkv4l2_video_session_params *p = NULL;
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &p, NULL), VK_SUCCESS);
    if (!p)
        return;
    CHECK_EQ(p->update_sequence, 0);

    /* The sequence counter must advance by exactly one. */
    CHECK_EQ(update(p, 0, &s1.sps, 1, NULL, 0), VK_ERROR_VALIDATION_FAILED_EXT);
    CHECK_EQ(update(p, 2, &s1.sps, 1, NULL, 0), VK_ERROR_VALIDATION_FAILED_EXT);
    CHECK_EQ(vkv4l2_session_params_h264(p, 1, 0, NULL, NULL), -ENOENT);
    CHECK_EQ(update(p, 1, &s1.sps, 1, &q10.pps, 1), VK_SUCCESS);
    CHECK_EQ(p->update_sequence, 1);
    CHECK_EQ(vkv4l2_session_params_h264(p, 1, 0, NULL, NULL), 0);

    /* An update with nothing to add still advances the counter. */
    CHECK_EQ(update(p, 2, NULL, 0, NULL, 0), VK_SUCCESS);
    CHECK_EQ(p->update_sequence, 2);

    /* An existing key is an error, and the whole update is refused. */
    CHECK_EQ(update(p, 3, NULL, 0, (StdVideoH264PictureParameterSet[]){ q11.pps, q10.pps }, 2),
             VK_ERROR_VALIDATION_FAILED_EXT);
    CHECK_EQ(vkv4l2_session_params_h264(p, 1, 1, NULL, NULL), -ENOENT);
    CHECK_EQ(update(p, 3, &s0.sps, 1, NULL, 0), VK_ERROR_VALIDATION_FAILED_EXT);
    /* Duplicates within one update. */
    CHECK_EQ(update(p, 3, NULL, 0, (StdVideoH264PictureParameterSet[]){ q11.pps, q11.pps }, 2),
             VK_ERROR_VALIDATION_FAILED_EXT);
    CHECK_EQ(p->update_sequence, 2);

    /* Capacity: 2 SPS and 3 PPS. */
    CHECK_EQ(update(p, 3, &s2.sps, 1, &q20.pps, 1), VK_ERROR_TOO_MANY_OBJECTS); /* 3 SPS */
    CHECK_EQ(update(p, 3, NULL, 0, (StdVideoH264PictureParameterSet[]){ q11.pps, q20.pps }, 2),
             VK_ERROR_TOO_MANY_OBJECTS);
    CHECK_EQ(p->sps_count, 2);
    CHECK_EQ(p->pps_count, 2);
    CHECK_EQ(update(p, 3, NULL, 0, &q11.pps, 1), VK_SUCCESS);
    CHECK_EQ(p->pps_count, 3);
    CHECK_EQ(vkv4l2_session_params_h264(p, 1, 1, NULL, NULL), 0);
    vkv4l2_session_params_destroy(p);
}

/* A decode worker looks up entries while the application keeps adding:
 * every pointer it got stays valid and unchanged. */
struct reader {
    struct vkv4l2_video_session_params *p;
    int stop;
    long passes;     /* atomic: full sweeps over the 256 PPS ids */
    int last_hits;   /* PPS found in the latest sweep */
    int corrupt;
};

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    const StdVideoH264SequenceParameterSet *first_sps = NULL;
    while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
        int hits = 0;
        for (unsigned id = 0; id < 256; id++) {
            const StdVideoH264SequenceParameterSet *s;
            const StdVideoH264PictureParameterSet *q;
            if (vkv4l2_session_params_h264(r->p, 0, (uint8_t)id, &s, &q) != 0)
                continue;
            hits++;
            if (!first_sps)
                first_sps = s;
            if (s != first_sps || q->pic_parameter_set_id != id || q->seq_parameter_set_id != 0 ||
                q->pic_init_qp_minus26 != (int8_t)(id % 50) || !q->pScalingLists ||
                q->pScalingLists->ScalingList4x4[0][0] != (uint8_t)id)
                r->corrupt = 1;
        }
        r->last_hits = hits;
        __atomic_add_fetch(&r->passes, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

/* Until the reader has finished `n` more sweeps. */
static void wait_passes(struct reader *r, long n)
{
    long target = __atomic_load_n(&r->passes, __ATOMIC_SEQ_CST) + n;
    while (__atomic_load_n(&r->passes, __ATOMIC_SEQ_CST) < target)
        sched_yield();
}

static void test_concurrent_updates(void)
{
    struct sps_src s0;
    struct pps_src q;
    make_sps(&s0, 0, 0);
    make_pps(&q, 0, 0, 0);
    q.pps.pic_init_qp_minus26 = 0;
    q.lists.ScalingList4x4[0][0] = 0;
    struct create_info c;
    make_create(&c, 1, 256, &s0.sps, 1, &q.pps, 1);
    struct reader r = { 0 };
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &r.p, NULL), VK_SUCCESS);
    if (!r.p)
        return;
    const StdVideoH264PictureParameterSet *pps0 = NULL;
    CHECK_EQ(vkv4l2_session_params_h264(r.p, 0, 0, NULL, &pps0), 0);

    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, reader_main, &r), 0);
    wait_passes(&r, 1);
    for (unsigned id = 1; id < 256; id++) {
        make_pps(&q, 0, (uint8_t)id, id);
        q.pps.pic_init_qp_minus26 = (int8_t)(id % 50);
        q.lists.ScalingList4x4[0][0] = (uint8_t)id;
        CHECK_EQ(update(r.p, id, NULL, 0, &q.pps, 1), VK_SUCCESS);
        memset(&q, 0xEE, sizeof(q)); /* the app reuses its structs */
        if (id % 32 == 0)
            wait_passes(&r, 1); /* interleave sweeps with updates */
    }
    /* Two sweeps: the second started after the last update. */
    wait_passes(&r, 2);
    __atomic_store_n(&r.stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(t, NULL);
    CHECK(!r.corrupt);
    CHECK_EQ(r.last_hits, 256);

    const StdVideoH264PictureParameterSet *again = NULL;
    CHECK_EQ(vkv4l2_session_params_h264(r.p, 0, 0, NULL, &again), 0);
    CHECK(again == pps0); /* never moved */
    CHECK_EQ(r.p->pps_count, 256);
    vkv4l2_session_params_destroy(r.p);
}

/* The application's handle and each recording hold one reference; the
 * last release says so (and only the last). */
static void test_references(void)
{
    struct sps_src sps;
    struct pps_src pps;
    make_sps(&sps, 0, 1);
    make_pps(&pps, 0, 0, 1);
    struct create_info c;
    make_create(&c, 1, 1, &sps.sps, 1, &pps.pps, 1);
    struct vkv4l2_video_session_params *p = NULL;
    CHECK_EQ(vkv4l2_session_params_create(&h264_session, NULL, &c.ci, &p, NULL), VK_SUCCESS);
    if (!p)
        return;
    vkv4l2_session_params_ref(p);               /* a command buffer records with it */
    vkv4l2_session_params_ref(p);               /* a second one */
    CHECK(!vkv4l2_session_params_unref(p));     /* the application destroys it */
    const StdVideoH264SequenceParameterSet *got = NULL;
    CHECK_EQ(vkv4l2_session_params_h264(p, 0, 0, &got, NULL), 0); /* still readable */
    CHECK(!vkv4l2_session_params_unref(p));
    CHECK(vkv4l2_session_params_unref(p));      /* the last recording is reset */
    vkv4l2_session_params_destroy(p);
}

int main(void)
{
    RUN(test_deep_copy);
    RUN(test_absent_members);
    RUN(test_lookup_keys);
    RUN(test_template);
    RUN(test_template_errors);
    RUN(test_create_errors);
    RUN(test_update_rules);
    RUN(test_concurrent_updates);
    RUN(test_references);
    return check_failures ? 1 : 0;
}
