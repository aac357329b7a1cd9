/* Media-controller topology -> stateless decoders (pure, no I/O).
 *
 * A V4L2 mem2mem decoder registers three entities (v4l2_m2m_register_media_
 * controller): an IO_V4L source, the processing entity with function
 * MEDIA_ENT_F_PROC_VIDEO_DECODER, and an IO_V4L sink, joined by data links
 * between their pads.  The MEDIA_INTF_T_V4L_VIDEO interface (the /dev/videoN
 * devnode) is linked to the two IO entities, not to the decoder itself.  So
 * the decoder's node is found by following its own interface links first and,
 * failing that, the interface links of the entities one data link away. */
#ifndef VKV4L2_V4L2_TOPOLOGY_H
#define VKV4L2_V4L2_TOPOLOGY_H

#include <stdint.h>

#include <linux/media.h>

/* The arrays MEDIA_IOC_G_TOPOLOGY filled in. */
struct vkv4l2_topology {
    const struct media_v2_entity *entities;
    uint32_t num_entities;
    const struct media_v2_interface *interfaces;
    uint32_t num_interfaces;
    const struct media_v2_pad *pads;
    uint32_t num_pads;
    const struct media_v2_link *links;
    uint32_t num_links;
};

/* One decoder entity and the video devnode that drives it. */
struct vkv4l2_topo_decoder {
    uint32_t entity_id;
    char entity_name[64];
    uint32_t intf_id;
    uint32_t major, minor; /* of the /dev/videoN char device */
};

/* Fills out[0..max) with the decoders of topo whose video interface was
 * found, and *count with how many.  Decoder entities without a reachable
 * MEDIA_INTF_T_V4L_VIDEO interface are counted in *unlinked (may be NULL),
 * not returned.  Returns 0, or -ENOSPC when more than max decoders were
 * found (out holds the first max). */
int vkv4l2_topology_find_decoders(const struct vkv4l2_topology *topo,
                                  struct vkv4l2_topo_decoder *out, unsigned max,
                                  unsigned *count, unsigned *unlinked);

#endif
