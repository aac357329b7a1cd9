/* VkVideoSessionParametersKHR (H.264 decode): deep copies of the SPS and
 * PPS entries an application adds at creation, inherits from a template,
 * or adds with vkUpdateVideoSessionParametersKHR.
 *
 * Entries are immutable once added and each lives in its own allocation
 * until the object is destroyed, so a pointer returned by
 * vkv4l2_session_params_h264 stays valid while later updates add entries
 * (the spec lets an application record and update concurrently, and our
 * decode worker reads long after recording).  Updates and lookups take the
 * object's mutex.
 *
 * The struct is named vkv4l2_video_session_params because v4l2/session.h
 * already has a struct vkv4l2_session_params (the V4L2 session's creation
 * parameters), and the executor includes both headers.
 *
 * Handles: the address of the struct, key of dev->session_params.
 *
 * Lifetime: a reference count.  The application's handle is one reference;
 * each command buffer that recorded vkCmdBeginVideoCodingKHR with the
 * object holds another until it is reset or freed.  A GPU decoder reads
 * the parameters when commands are recorded, so clients destroy them right
 * after recording (GStreamer makes a new object per picture and destroys
 * the previous one while that picture's decode is pending); the layer
 * reads them when the decode executes, and keeps them until then. */
#ifndef VKV4L2_SESSION_PARAMS_H
#define VKV4L2_SESSION_PARAMS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <vulkan/vulkan.h>
#include <vk_video/vulkan_video_codec_h264std.h>

struct vkv4l2_device;
struct vkv4l2_video_session;
struct vkv4l2_h264_sps_copy;
struct vkv4l2_h264_pps_copy;

/* H.264 ids are uint8_t in the std structs: 256 SPS keys, 256 x 256 PPS
 * keys (seq_parameter_set_id, pic_parameter_set_id). */
#define VKV4L2_H264_ID_COUNT 256

struct vkv4l2_video_session_params {
    /* Compared, never dereferenced: the session may be destroyed first. */
    const struct vkv4l2_video_session *session;
    pthread_mutex_t lock;
    uint32_t refs; /* atomic; the object (and its handle) lives while > 0 */
    uint32_t update_sequence;
    uint32_t max_sps, max_pps; /* maxStdSPSCount / maxStdPPSCount */
    uint32_t sps_count, pps_count;
    struct vkv4l2_h264_sps_copy *sps[VKV4L2_H264_ID_COUNT];  /* by sps id */
    /* By sps id, then pps id; a row is allocated on first use. */
    struct vkv4l2_h264_pps_copy **pps[VKV4L2_H264_ID_COUNT];
};

/* Pure.  `tmpl` is the videoSessionParametersTemplate object or NULL.
 * Returns VK_SUCCESS and *out, or:
 *   VK_ERROR_OUT_OF_HOST_MEMORY
 *   VK_ERROR_INITIALIZATION_FAILED   the session is not an H.264 decode one
 *   VK_ERROR_TOO_MANY_OBJECTS        more entries than maxStd{SPS,PPS}Count
 *   VK_ERROR_VALIDATION_FAILED_EXT   another valid usage rule broken (no
 *                                    H.264 create info, duplicate keys, a
 *                                    template of another session)
 * with *why (if why is not NULL) naming the rule. */
VkResult vkv4l2_session_params_create(const struct vkv4l2_video_session *session,
                                      struct vkv4l2_video_session_params *tmpl,
                                      const VkVideoSessionParametersCreateInfoKHR *ci,
                                      struct vkv4l2_video_session_params **out,
                                      const char **why);

/* Pure.  All or nothing: on failure the object is unchanged.  Codes as for
 * create; VK_ERROR_VALIDATION_FAILED_EXT also for an updateSequenceCount
 * other than the current one + 1 and for a key already in the object. */
VkResult vkv4l2_session_params_update(struct vkv4l2_video_session_params *p,
                                      const VkVideoSessionParametersUpdateInfoKHR *info,
                                      const char **why);

void vkv4l2_session_params_destroy(struct vkv4l2_video_session_params *p);

/* Pure.  One more reference (create returns an object with one). */
void vkv4l2_session_params_ref(struct vkv4l2_video_session_params *p);
/* Pure.  Drops a reference; true when it was the last one (the caller
 * then forgets the handle and destroys the object). */
bool vkv4l2_session_params_unref(struct vkv4l2_video_session_params *p);

/* A reference for a command buffer recording with `handle` (NULL for an
 * unknown handle), and its release.  Thread-safe. */
struct vkv4l2_video_session_params *vkv4l2_session_params_hold(struct vkv4l2_device *dev,
                                                               VkVideoSessionParametersKHR handle);
void vkv4l2_session_params_release(struct vkv4l2_device *dev,
                                   struct vkv4l2_video_session_params *p);

/* The SPS with seq_parameter_set_id == sps_id and the PPS with the key
 * (sps_id, pps_id).  Returns 0, or -ENOENT when either is missing (the
 * outputs are then untouched).  Either output may be NULL.  The pointers
 * stay valid until the object is destroyed; thread-safe. */
int vkv4l2_session_params_h264(const struct vkv4l2_video_session_params *p, uint8_t sps_id,
                               uint8_t pps_id, const StdVideoH264SequenceParameterSet **sps,
                               const StdVideoH264PictureParameterSet **pps);

/* The object behind a handle of dev, or NULL. */
struct vkv4l2_video_session_params *vkv4l2_session_params_get(struct vkv4l2_device *dev,
                                                              VkVideoSessionParametersKHR handle);

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateVideoSessionParametersKHR(
    VkDevice device, const VkVideoSessionParametersCreateInfoKHR *pCreateInfo,
    const VkAllocationCallbacks *pAllocator, VkVideoSessionParametersKHR *pVideoSessionParameters);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_UpdateVideoSessionParametersKHR(
    VkDevice device, VkVideoSessionParametersKHR videoSessionParameters,
    const VkVideoSessionParametersUpdateInfoKHR *pUpdateInfo);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyVideoSessionParametersKHR(
    VkDevice device, VkVideoSessionParametersKHR videoSessionParameters,
    const VkAllocationCallbacks *pAllocator);

#endif
