/* Pure logic of H.264 video session parameters objects (the entry points
 * are in video_session_entry.c). */
#include "session_params.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "h264_params_copy.h"
#include "video_caps.h"
#include "video_session.h"

static VkResult fail(const char **why, const char *rule, VkResult code)
{
    if (why)
        *why = rule;
    return code;
}

static bool test_and_set(uint64_t *bits, unsigned i)
{
    uint64_t mask = UINT64_C(1) << (i % 64);
    bool was = bits[i / 64] & mask;
    bits[i / 64] |= mask;
    return was;
}

static unsigned pps_key(const StdVideoH264PictureParameterSet *pps)
{
    return (unsigned)pps->seq_parameter_set_id * VKV4L2_H264_ID_COUNT + pps->pic_parameter_set_id;
}

static struct vkv4l2_h264_pps_copy *pps_at(const struct vkv4l2_video_session_params *p,
                                           uint8_t sps_id, uint8_t pps_id)
{
    return p->pps[sps_id] ? p->pps[sps_id][pps_id] : NULL;
}

/* Checks an add list against itself and against the object (only the
 * single writer calls this, so reading the tables without the lock is
 * safe).  Nothing is allocated. */
static VkResult check_add(const struct vkv4l2_video_session_params *p,
                          const VkVideoDecodeH264SessionParametersAddInfoKHR *add,
                          const char **why)
{
    uint64_t seen_sps[VKV4L2_H264_ID_COUNT / 64] = { 0 };
    uint64_t seen_pps[VKV4L2_H264_ID_COUNT * VKV4L2_H264_ID_COUNT / 64] = { 0 };

    for (uint32_t i = 0; i < add->stdSPSCount; i++) {
        uint8_t id = add->pStdSPSs[i].seq_parameter_set_id;
        if (test_and_set(seen_sps, id))
            return fail(why, "VUID-VkVideoDecodeH264SessionParametersAddInfoKHR-None-04825: "
                             "duplicate seq_parameter_set_id in pStdSPSs",
                        VK_ERROR_VALIDATION_FAILED_EXT);
        if (p->sps[id])
            return fail(why, "VUID-vkUpdateVideoSessionParametersKHR-videoSessionParameters-07216: "
                             "an SPS with this seq_parameter_set_id is already stored",
                        VK_ERROR_VALIDATION_FAILED_EXT);
    }
    for (uint32_t i = 0; i < add->stdPPSCount; i++) {
        const StdVideoH264PictureParameterSet *pps = &add->pStdPPSs[i];
        if (test_and_set(seen_pps, pps_key(pps)))
            return fail(why, "VUID-VkVideoDecodeH264SessionParametersAddInfoKHR-None-04826: "
                             "duplicate (seq_parameter_set_id, pic_parameter_set_id) in pStdPPSs",
                        VK_ERROR_VALIDATION_FAILED_EXT);
        if (pps_at(p, pps->seq_parameter_set_id, pps->pic_parameter_set_id))
            return fail(why, "VUID-vkUpdateVideoSessionParametersKHR-videoSessionParameters-07218: "
                             "a PPS with this key is already stored",
                        VK_ERROR_VALIDATION_FAILED_EXT);
    }
    if ((uint64_t)p->sps_count + add->stdSPSCount > p->max_sps)
        return fail(why, "VUID-vkUpdateVideoSessionParametersKHR-videoSessionParameters-07217 / "
                         "VkVideoSessionParametersCreateInfoKHR-videoSession-07204: "
                         "more SPS entries than maxStdSPSCount",
                    VK_ERROR_TOO_MANY_OBJECTS);
    if ((uint64_t)p->pps_count + add->stdPPSCount > p->max_pps)
        return fail(why, "VUID-vkUpdateVideoSessionParametersKHR-videoSessionParameters-07219 / "
                         "VkVideoSessionParametersCreateInfoKHR-videoSession-07205: "
                         "more PPS entries than maxStdPPSCount",
                    VK_ERROR_TOO_MANY_OBJECTS);
    return VK_SUCCESS;
}

/* Adds a checked list: copies everything first, then publishes under the
 * lock, so a failed allocation leaves the object as it was. */
static VkResult add_entries(struct vkv4l2_video_session_params *p,
                            const VkVideoDecodeH264SessionParametersAddInfoKHR *add)
{
    uint32_t ns = add->stdSPSCount, np = add->stdPPSCount;
    struct vkv4l2_h264_sps_copy **sps = calloc(ns ? ns : 1, sizeof(*sps));
    struct vkv4l2_h264_pps_copy **pps = calloc(np ? np : 1, sizeof(*pps));
    bool ok = sps && pps;

    for (uint32_t i = 0; ok && i < ns; i++) {
        ok = (sps[i] = malloc(sizeof(*sps[i]))) != NULL;
        if (ok)
            vkv4l2_h264_sps_copy(sps[i], &add->pStdSPSs[i]);
    }
    for (uint32_t i = 0; ok && i < np; i++) {
        uint8_t sid = add->pStdPPSs[i].seq_parameter_set_id;
        /* An empty row left behind by a later failure is harmless. */
        if (!p->pps[sid]) {
            struct vkv4l2_h264_pps_copy **row = calloc(VKV4L2_H264_ID_COUNT, sizeof(*row));
            pthread_mutex_lock(&p->lock);
            p->pps[sid] = row;
            pthread_mutex_unlock(&p->lock);
            ok = row != NULL;
        }
        if (ok)
            ok = (pps[i] = malloc(sizeof(*pps[i]))) != NULL;
        if (ok)
            vkv4l2_h264_pps_copy(pps[i], &add->pStdPPSs[i]);
    }

    if (ok) {
        pthread_mutex_lock(&p->lock);
        for (uint32_t i = 0; i < ns; i++)
            p->sps[sps[i]->std.seq_parameter_set_id] = sps[i];
        for (uint32_t i = 0; i < np; i++)
            p->pps[pps[i]->std.seq_parameter_set_id][pps[i]->std.pic_parameter_set_id] = pps[i];
        p->sps_count += ns;
        p->pps_count += np;
        pthread_mutex_unlock(&p->lock);
    } else {
        for (uint32_t i = 0; sps && i < ns; i++)
            free(sps[i]);
        for (uint32_t i = 0; pps && i < np; i++)
            free(pps[i]);
    }
    free(sps);
    free(pps);
    return ok ? VK_SUCCESS : VK_ERROR_OUT_OF_HOST_MEMORY;
}

/* Copies the template's entries whose keys p does not have yet.  p is not
 * visible to anyone else yet; on failure the caller destroys it. */
static VkResult inherit(struct vkv4l2_video_session_params *p,
                        struct vkv4l2_video_session_params *tmpl, const char **why)
{
    VkResult r = VK_SUCCESS;
    pthread_mutex_lock(&tmpl->lock);
    for (unsigned s = 0; r == VK_SUCCESS && s < VKV4L2_H264_ID_COUNT; s++) {
        if (tmpl->sps[s] && !p->sps[s]) {
            if (p->sps_count == p->max_sps) {
                r = fail(why, "VUID-VkVideoSessionParametersCreateInfoKHR-videoSession-07204: "
                              "SPS entries with the template's exceed maxStdSPSCount",
                         VK_ERROR_TOO_MANY_OBJECTS);
                break;
            }
            if (!(p->sps[s] = malloc(sizeof(*p->sps[s])))) {
                r = VK_ERROR_OUT_OF_HOST_MEMORY;
                break;
            }
            vkv4l2_h264_sps_copy(p->sps[s], &tmpl->sps[s]->std);
            p->sps_count++;
        }
        for (unsigned q = 0; tmpl->pps[s] && q < VKV4L2_H264_ID_COUNT; q++) {
            if (!tmpl->pps[s][q] || pps_at(p, (uint8_t)s, (uint8_t)q))
                continue;
            if (p->pps_count == p->max_pps) {
                r = fail(why, "VUID-VkVideoSessionParametersCreateInfoKHR-videoSession-07205: "
                              "PPS entries with the template's exceed maxStdPPSCount",
                         VK_ERROR_TOO_MANY_OBJECTS);
                break;
            }
            if (!p->pps[s] && !(p->pps[s] = calloc(VKV4L2_H264_ID_COUNT, sizeof(*p->pps[s])))) {
                r = VK_ERROR_OUT_OF_HOST_MEMORY;
                break;
            }
            if (!(p->pps[s][q] = malloc(sizeof(*p->pps[s][q])))) {
                r = VK_ERROR_OUT_OF_HOST_MEMORY;
                break;
            }
            vkv4l2_h264_pps_copy(p->pps[s][q], &tmpl->pps[s][q]->std);
            p->pps_count++;
        }
    }
    pthread_mutex_unlock(&tmpl->lock);
    return r;
}

VkResult vkv4l2_session_params_create(const struct vkv4l2_video_session *session,
                                      struct vkv4l2_video_session_params *tmpl,
                                      const VkVideoSessionParametersCreateInfoKHR *ci,
                                      struct vkv4l2_video_session_params **out,
                                      const char **why)
{
    if (session->codec_operation != VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR)
        return fail(why, "the video session is not an H.264 decode session",
                    VK_ERROR_INITIALIZATION_FAILED);
    const VkVideoDecodeH264SessionParametersCreateInfoKHR *h264 = vkv4l2_find_struct(
        ci->pNext, VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_CREATE_INFO_KHR);
    if (!h264)
        return fail(why, "VUID-VkVideoSessionParametersCreateInfoKHR-videoSession-07203: "
                         "no VkVideoDecodeH264SessionParametersCreateInfoKHR in pNext",
                    VK_ERROR_VALIDATION_FAILED_EXT);
    if (tmpl && tmpl->session != session)
        return fail(why, "VUID-VkVideoSessionParametersCreateInfoKHR-videoSessionParametersTemplate-04855: "
                         "template created against another video session",
                    VK_ERROR_VALIDATION_FAILED_EXT);

    struct vkv4l2_video_session_params *p = calloc(1, sizeof(*p));
    if (!p)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    p->session = session;
    pthread_mutex_init(&p->lock, NULL);
    p->refs = 1;
    p->max_sps = h264->maxStdSPSCount;
    p->max_pps = h264->maxStdPPSCount;

    /* The explicit entries first; the template fills in the other keys. */
    VkResult r = VK_SUCCESS;
    if (h264->pParametersAddInfo) {
        r = check_add(p, h264->pParametersAddInfo, why);
        if (r == VK_SUCCESS)
            r = add_entries(p, h264->pParametersAddInfo);
    }
    if (r == VK_SUCCESS && tmpl)
        r = inherit(p, tmpl, why);
    if (r != VK_SUCCESS) {
        vkv4l2_session_params_destroy(p);
        return r;
    }
    *out = p;
    return VK_SUCCESS;
}

VkResult vkv4l2_session_params_update(struct vkv4l2_video_session_params *p,
                                      const VkVideoSessionParametersUpdateInfoKHR *info,
                                      const char **why)
{
    /* Written only here, and updates are externally synchronized. */
    if (info->updateSequenceCount != p->update_sequence + 1)
        return fail(why, "VUID-vkUpdateVideoSessionParametersKHR-pUpdateInfo-07215: "
                         "updateSequenceCount must be the current update sequence counter + 1",
                    VK_ERROR_VALIDATION_FAILED_EXT);
    const VkVideoDecodeH264SessionParametersAddInfoKHR *add = vkv4l2_find_struct(
        info->pNext, VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_ADD_INFO_KHR);
    if (add) {
        VkResult r = check_add(p, add, why);
        if (r == VK_SUCCESS)
            r = add_entries(p, add);
        if (r != VK_SUCCESS)
            return r;
    }
    p->update_sequence = info->updateSequenceCount;
    return VK_SUCCESS;
}

void vkv4l2_session_params_destroy(struct vkv4l2_video_session_params *p)
{
    if (!p)
        return;
    for (unsigned s = 0; s < VKV4L2_H264_ID_COUNT; s++) {
        free(p->sps[s]);
        for (unsigned q = 0; p->pps[s] && q < VKV4L2_H264_ID_COUNT; q++)
            free(p->pps[s][q]);
        free(p->pps[s]);
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}

int vkv4l2_session_params_h264(const struct vkv4l2_video_session_params *p, uint8_t sps_id,
                               uint8_t pps_id, const StdVideoH264SequenceParameterSet **sps,
                               const StdVideoH264PictureParameterSet **pps)
{
    /* The lock is the object's internal state, not part of its value. */
    pthread_mutex_t *lock = (pthread_mutex_t *)&p->lock;
    pthread_mutex_lock(lock);
    const struct vkv4l2_h264_sps_copy *s = p->sps[sps_id];
    const struct vkv4l2_h264_pps_copy *q = pps_at(p, sps_id, pps_id);
    pthread_mutex_unlock(lock);
    if (!s || !q)
        return -ENOENT;
    if (sps)
        *sps = &s->std;
    if (pps)
        *pps = &q->std;
    return 0;
}

void vkv4l2_session_params_ref(struct vkv4l2_video_session_params *p)
{
    __atomic_fetch_add(&p->refs, 1, __ATOMIC_RELAXED);
}

bool vkv4l2_session_params_unref(struct vkv4l2_video_session_params *p)
{
    return __atomic_fetch_sub(&p->refs, 1, __ATOMIC_ACQ_REL) == 1;
}
