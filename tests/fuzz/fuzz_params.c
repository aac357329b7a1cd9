/* Fuzz target: session parameters (layer/session_params.c): create with an
 * optional template, then a sequence of updates, each adding random SPS
 * and PPS (with their optional scaling lists, VUI, HRD and POC offsets),
 * and lookups.  The application's structs are freed right after each call
 * (ASan sees any pointer the copies kept into them).  Oracles: a model of
 * the stored keys -- a success adds exactly the keys of the call, a
 * failure changes nothing, the counts never pass maxStd*Count -- and each
 * stored set reading back as it was given. */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "h264_params_copy.h"
#include "session_params.h"
#include "video_session.h"

#define IDS 4 /* SPS ids and PPS ids 0..3: collisions are frequent */

struct app_sets { /* what an application passes, in heap memory */
    uint32_t n_sps, n_pps;
    StdVideoH264SequenceParameterSet *sps;
    StdVideoH264PictureParameterSet *pps;
    void *extra[64];
    unsigned n_extra;
};

static void *app_alloc(struct app_sets *a, size_t size)
{
    void *p = calloc(1, size);
    FUZZ_ASSERT(p && a->n_extra < 64);
    a->extra[a->n_extra++] = p;
    return p;
}

static void make_sets(struct fz *f, struct app_sets *a)
{
    memset(a, 0, sizeof(*a));
    a->n_sps = fz_range(f, 0, 5);
    a->n_pps = fz_range(f, 0, 6);
    a->sps = app_alloc(a, sizeof(*a->sps) * (a->n_sps ? a->n_sps : 1));
    a->pps = app_alloc(a, sizeof(*a->pps) * (a->n_pps ? a->n_pps : 1));
    for (uint32_t i = 0; i < a->n_sps; i++) {
        StdVideoH264SequenceParameterSet *s = &a->sps[i];
        uint32_t flags = fz_u16(f);
        memcpy(&s->flags, &flags, sizeof(flags));
        s->seq_parameter_set_id = (uint8_t)fz_range(f, 0, IDS - 1);
        s->pic_order_cnt_type = (StdVideoH264PocType)fz_range(f, 0, 2);
        s->num_ref_frames_in_pic_order_cnt_cycle = (uint8_t)fz_u8(f);
        s->pic_width_in_mbs_minus1 = fz_u16(f);
        if (fz_bool(f)) {
            int32_t *off = app_alloc(a, sizeof(int32_t) * 255);
            for (unsigned k = 0; k < 255; k++)
                off[k] = (int32_t)(k * 7 + 1);
            s->pOffsetForRefFrame = off;
        }
        if (fz_bool(f)) {
            StdVideoH264ScalingLists *l = app_alloc(a, sizeof(*l));
            l->scaling_list_present_mask = (uint16_t)fz_u16(f);
            l->ScalingList8x8[1][63] = (uint8_t)fz_u8(f);
            s->pScalingLists = l;
        }
        if (fz_bool(f)) {
            StdVideoH264SequenceParameterSetVui *v = app_alloc(a, sizeof(*v));
            uint32_t vflags = fz_u16(f);
            memcpy(&v->flags, &vflags, sizeof(vflags));
            v->sar_width = (uint16_t)fz_u16(f);
            if (fz_bool(f)) {
                StdVideoH264HrdParameters *h = app_alloc(a, sizeof(*h));
                h->cpb_cnt_minus1 = (uint8_t)fz_range(f, 0, 31);
                h->bit_rate_value_minus1[31] = fz_u32(f);
                v->pHrdParameters = h;
            }
            s->pSequenceParameterSetVui = v;
        }
    }
    for (uint32_t i = 0; i < a->n_pps; i++) {
        StdVideoH264PictureParameterSet *p = &a->pps[i];
        uint32_t flags = fz_u8(f);
        memcpy(&p->flags, &flags, sizeof(flags));
        p->seq_parameter_set_id = (uint8_t)fz_range(f, 0, IDS - 1);
        p->pic_parameter_set_id = (uint8_t)fz_range(f, 0, IDS - 1);
        p->chroma_qp_index_offset = (int8_t)fz_u8(f);
        if (fz_bool(f)) {
            StdVideoH264ScalingLists *l = app_alloc(a, sizeof(*l));
            l->ScalingList4x4[5][15] = (uint8_t)fz_u8(f);
            p->pScalingLists = l;
        }
    }
}

static void free_sets(struct app_sets *a)
{
    /* Scribble first: a copy that kept a pointer reads garbage (or, once
     * freed, ASan reports the use). */
    for (unsigned i = 0; i < a->n_extra; i++)
        free(a->extra[i]);
    a->n_extra = 0;
}

struct model {
    bool sps[IDS];
    bool pps[IDS][IDS];
    uint32_t n_sps, n_pps;
};

static void snapshot(const struct vkv4l2_video_session_params *p, struct model *m)
{
    memset(m, 0, sizeof(*m));
    for (unsigned s = 0; s < IDS; s++) {
        m->sps[s] = p->sps[s] != NULL;
        for (unsigned q = 0; q < IDS; q++) {
            const StdVideoH264PictureParameterSet *pps = NULL;
            const StdVideoH264SequenceParameterSet *sps = NULL;
            int ret = vkv4l2_session_params_h264(p, (uint8_t)s, (uint8_t)q, &sps, &pps);
            m->pps[s][q] = p->pps[s] && p->pps[s][q];
            /* A lookup succeeds exactly when both sets are stored. */
            FUZZ_ASSERT((ret == 0) == (m->sps[s] && m->pps[s][q]));
            if (ret == 0)
                FUZZ_ASSERT(sps->seq_parameter_set_id == s && pps->pic_parameter_set_id == q &&
                            pps->seq_parameter_set_id == s);
        }
    }
    m->n_sps = p->sps_count;
    m->n_pps = p->pps_count;
}

/* The sets of one successful call read back as given. */
static void check_stored(const struct vkv4l2_video_session_params *p, const struct app_sets *a)
{
    for (uint32_t i = 0; i < a->n_sps; i++) {
        const StdVideoH264SequenceParameterSet *in = &a->sps[i];
        const StdVideoH264SequenceParameterSet *got = &p->sps[in->seq_parameter_set_id]->std;
        FUZZ_ASSERT(got->pic_width_in_mbs_minus1 == in->pic_width_in_mbs_minus1);
        FUZZ_ASSERT(!got->pScalingLists == !(in->flags.seq_scaling_matrix_present_flag &&
                                              in->pScalingLists));
        if (got->pScalingLists)
            FUZZ_ASSERT(!memcmp(got->pScalingLists, in->pScalingLists,
                                sizeof(*got->pScalingLists)));
        if (got->pOffsetForRefFrame)
            FUZZ_ASSERT(!memcmp(got->pOffsetForRefFrame, in->pOffsetForRefFrame,
                                sizeof(int32_t) * in->num_ref_frames_in_pic_order_cnt_cycle));
        if (got->pSequenceParameterSetVui) {
            FUZZ_ASSERT(in->pSequenceParameterSetVui);
            FUZZ_ASSERT(got->pSequenceParameterSetVui->sar_width ==
                        in->pSequenceParameterSetVui->sar_width);
            const StdVideoH264HrdParameters *h = got->pSequenceParameterSetVui->pHrdParameters;
            if (h)
                FUZZ_ASSERT(!memcmp(h, in->pSequenceParameterSetVui->pHrdParameters,
                                    sizeof(*h)));
        }
    }
    for (uint32_t i = 0; i < a->n_pps; i++) {
        const StdVideoH264PictureParameterSet *in = &a->pps[i];
        const StdVideoH264PictureParameterSet *got =
            &p->pps[in->seq_parameter_set_id][in->pic_parameter_set_id]->std;
        FUZZ_ASSERT(got->chroma_qp_index_offset == in->chroma_qp_index_offset);
        if (got->pScalingLists)
            FUZZ_ASSERT(!memcmp(got->pScalingLists, in->pScalingLists,
                                sizeof(*got->pScalingLists)));
    }
}

/* A success adds exactly the call's keys; a failure changes nothing. */
static void check_transition(const struct model *before, const struct model *after,
                             const struct app_sets *a, VkResult r,
                             const struct vkv4l2_video_session_params *p)
{
    struct model want = *before;
    if (r == VK_SUCCESS) {
        for (uint32_t i = 0; i < a->n_sps; i++) {
            FUZZ_ASSERT(!want.sps[a->sps[i].seq_parameter_set_id]);
            want.sps[a->sps[i].seq_parameter_set_id] = true;
        }
        for (uint32_t i = 0; i < a->n_pps; i++) {
            FUZZ_ASSERT(!want.pps[a->pps[i].seq_parameter_set_id][a->pps[i].pic_parameter_set_id]);
            want.pps[a->pps[i].seq_parameter_set_id][a->pps[i].pic_parameter_set_id] = true;
        }
        want.n_sps += a->n_sps;
        want.n_pps += a->n_pps;
        check_stored(p, a);
    } else {
        FUZZ_ASSERT(r == VK_ERROR_VALIDATION_FAILED_EXT || r == VK_ERROR_TOO_MANY_OBJECTS);
    }
    FUZZ_ASSERT(!memcmp(&want, after, sizeof(want)));
    FUZZ_ASSERT(after->n_sps <= p->max_sps && after->n_pps <= p->max_pps);
}

static VkResult create(struct fz *f, const struct vkv4l2_video_session *session,
                       struct vkv4l2_video_session_params *tmpl,
                       struct vkv4l2_video_session_params **out)
{
    struct app_sets a;
    make_sets(f, &a);
    VkVideoDecodeH264SessionParametersAddInfoKHR add = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_ADD_INFO_KHR,
        .stdSPSCount = a.n_sps, .pStdSPSs = a.sps, .stdPPSCount = a.n_pps, .pStdPPSs = a.pps};
    VkVideoDecodeH264SessionParametersCreateInfoKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_CREATE_INFO_KHR,
        .maxStdSPSCount = fz_range(f, 0, IDS + 1), .maxStdPPSCount = fz_range(f, 0, IDS * IDS),
        .pParametersAddInfo = fz_bool(f) ? NULL : &add};
    const VkVideoSessionParametersCreateInfoKHR ci = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_PARAMETERS_CREATE_INFO_KHR,
        .pNext = fz_u8(f) == 0 ? NULL : &h264};
    VkResult r = vkv4l2_session_params_create(session, tmpl, &ci, out, NULL);
    if (r == VK_SUCCESS) {
        struct model m;
        snapshot(*out, &m);
        FUZZ_ASSERT(m.n_sps <= h264.maxStdSPSCount && m.n_pps <= h264.maxStdPPSCount);
        if (h264.pParametersAddInfo)
            check_stored(*out, &a);
        /* The template fills in only keys the call did not give. */
        for (unsigned s = 0; tmpl && s < IDS; s++)
            FUZZ_ASSERT(!tmpl->sps[s] || m.sps[s]);
    }
    free_sets(&a);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    struct vkv4l2_video_session session = {
        .codec_operation = fz_u8(&f) == 7 ? VK_VIDEO_CODEC_OPERATION_DECODE_H265_BIT_KHR
                                          : VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
    };
    struct vkv4l2_video_session_params *tmpl = NULL, *p = NULL;
    if (fz_bool(&f) && create(&f, &session, NULL, &tmpl) != VK_SUCCESS)
        tmpl = NULL;
    if (create(&f, &session, tmpl, &p) != VK_SUCCESS) {
        vkv4l2_session_params_destroy(tmpl);
        return 0;
    }
    vkv4l2_session_params_destroy(tmpl); /* the object keeps its own copies */

    for (unsigned op = 0; op < 8 && f.n; op++) {
        struct app_sets a;
        make_sets(&f, &a);
        VkVideoDecodeH264SessionParametersAddInfoKHR add = {
            .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_ADD_INFO_KHR,
            .stdSPSCount = a.n_sps, .pStdSPSs = a.sps, .stdPPSCount = a.n_pps, .pStdPPSs = a.pps};
        uint32_t seq = p->update_sequence + (fz_range(&f, 0, 7) ? 1 : fz_range(&f, 0, 3));
        const VkVideoSessionParametersUpdateInfoKHR info = {
            .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_PARAMETERS_UPDATE_INFO_KHR,
            .pNext = fz_range(&f, 0, 7) ? &add : NULL, .updateSequenceCount = seq};
        struct model before, after;
        snapshot(p, &before);
        uint32_t old_seq = p->update_sequence;
        VkResult r = vkv4l2_session_params_update(p, &info, NULL);
        snapshot(p, &after);
        if (!info.pNext)
            a.n_sps = a.n_pps = 0; /* nothing was offered */
        check_transition(&before, &after, &a, r, p);
        FUZZ_ASSERT(p->update_sequence == (r == VK_SUCCESS ? seq : old_seq));
        free_sets(&a);
    }
    vkv4l2_session_params_destroy(p);
    return 0;
}
