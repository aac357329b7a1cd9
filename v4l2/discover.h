/* Discovery of V4L2 stateless decoders through the media controller.
 *
 * Every /dev/mediaN (N < 64) is opened through the syscall seam (a missing
 * node is skipped), MEDIA_IOC_G_TOPOLOGY is read, and each entity with
 * function MEDIA_ENT_F_PROC_VIDEO_DECODER is mapped to the /dev/videoN whose
 * st_rdev equals its video interface's major:minor (see topology.h).  The
 * setting VKV4L2_DEVICE (a /dev/mediaN or /dev/videoN path) restricts the
 * result to that device.  Nothing is hard-coded; the media path is kept
 * because sessions allocate their requests on it. */
#ifndef VKV4L2_V4L2_DISCOVER_H
#define VKV4L2_V4L2_DISCOVER_H

#include <stdint.h>

#include "err.h"

#define VKV4L2_MAX_DECODERS 16

struct vkv4l2_decoder_node {
    char media_path[32];  /* /dev/mediaN: requests are allocated here */
    char video_path[32];  /* /dev/videoN: formats, buffers, controls */
    char driver[16];      /* media_device_info */
    char model[32];
    char bus_info[32];
    char entity_name[64]; /* the decoder entity, e.g. "visl-proc" */
    uint32_t entity_id;
};

struct vkv4l2_decoder_list {
    unsigned count;
    struct vkv4l2_decoder_node nodes[VKV4L2_MAX_DECODERS];
};

/* Finds the decoders, honouring VKV4L2_DEVICE (read with secure_getenv).
 * Returns 0 with at least one node in out, -ENODEV when none was found
 * (err says why: no media device, no decoder entity, the pinned device is
 * not a decoder...), -EINVAL for a malformed VKV4L2_DEVICE, or another
 * -errno from the seam. */
int vkv4l2_discover(struct vkv4l2_decoder_list *out, struct vkv4l2_err *err);

/* Same with an explicit pin (NULL or "" = all devices). */
int vkv4l2_discover_pinned(const char *pin, struct vkv4l2_decoder_list *out,
                           struct vkv4l2_err *err);

/* Appends the decoders of one media device to out.  Returns the number
 * appended (may be 0), or -errno (-ENOENT if the node does not exist). */
int vkv4l2_discover_media(const char *media_path, struct vkv4l2_decoder_list *out,
                          struct vkv4l2_err *err);

#endif
