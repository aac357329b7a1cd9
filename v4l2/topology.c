/* Media-controller topology walk: decoder entity -> video interface. */
#include "topology.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* The uAPI's MEDIA_LNK_FL_LINK_TYPE is (0xf << 28) on an int: undefined
 * behaviour in C.  The same mask, unsigned. */
#define LINK_TYPE_MASK (0xfu << 28)

static bool is_interface_link(const struct media_v2_link *l)
{
    return (l->flags & LINK_TYPE_MASK) == (uint32_t)MEDIA_LNK_FL_INTERFACE_LINK;
}

static bool is_data_link(const struct media_v2_link *l)
{
    return (l->flags & LINK_TYPE_MASK) == (uint32_t)MEDIA_LNK_FL_DATA_LINK;
}

static const struct media_v2_interface *find_interface(const struct vkv4l2_topology *t, uint32_t id)
{
    for (uint32_t i = 0; i < t->num_interfaces; i++)
        if (t->interfaces[i].id == id)
            return &t->interfaces[i];
    return NULL;
}

/* Entity owning pad_id, or 0 (graph object ids are never 0). */
static uint32_t pad_entity(const struct vkv4l2_topology *t, uint32_t pad_id)
{
    for (uint32_t i = 0; i < t->num_pads; i++)
        if (t->pads[i].id == pad_id)
            return t->pads[i].entity_id;
    return 0;
}

/* The video interface linked to entity_id, or NULL.  The kernel makes the
 * interface the link's source and the entity its sink; either order is
 * accepted since the object ids are unique across the graph. */
static const struct media_v2_interface *video_intf_of(const struct vkv4l2_topology *t,
                                                      uint32_t entity_id)
{
    for (uint32_t i = 0; i < t->num_links; i++) {
        const struct media_v2_link *l = &t->links[i];
        if (!is_interface_link(l))
            continue;
        uint32_t other;
        if (l->sink_id == entity_id)
            other = l->source_id;
        else if (l->source_id == entity_id)
            other = l->sink_id;
        else
            continue;
        const struct media_v2_interface *intf = find_interface(t, other);
        if (intf && intf->intf_type == MEDIA_INTF_T_V4L_VIDEO)
            return intf;
    }
    return NULL;
}

/* Interface of an entity one data link away from entity_id, or NULL. */
static const struct media_v2_interface *neighbour_video_intf(const struct vkv4l2_topology *t,
                                                             uint32_t entity_id)
{
    for (uint32_t i = 0; i < t->num_links; i++) {
        const struct media_v2_link *l = &t->links[i];
        if (!is_data_link(l))
            continue;
        uint32_t src = pad_entity(t, l->source_id), sink = pad_entity(t, l->sink_id);
        uint32_t other;
        if (src == entity_id && sink)
            other = sink;
        else if (sink == entity_id && src)
            other = src;
        else
            continue;
        const struct media_v2_interface *intf = video_intf_of(t, other);
        if (intf)
            return intf;
    }
    return NULL;
}

int vkv4l2_topology_find_decoders(const struct vkv4l2_topology *topo,
                                  struct vkv4l2_topo_decoder *out, unsigned max,
                                  unsigned *count, unsigned *unlinked)
{
    unsigned found = 0, lost = 0;
    int ret = 0;
    for (uint32_t i = 0; i < topo->num_entities; i++) {
        const struct media_v2_entity *e = &topo->entities[i];
        if (e->function != MEDIA_ENT_F_PROC_VIDEO_DECODER)
            continue;
        const struct media_v2_interface *intf = video_intf_of(topo, e->id);
        if (!intf)
            intf = neighbour_video_intf(topo, e->id);
        if (!intf) {
            lost++;
            continue;
        }
        if (found == max) {
            ret = -ENOSPC;
            continue;
        }
        struct vkv4l2_topo_decoder *d = &out[found++];
        memset(d, 0, sizeof(*d));
        d->entity_id = e->id;
        memcpy(d->entity_name, e->name, sizeof(d->entity_name));
        d->entity_name[sizeof(d->entity_name) - 1] = '\0';
        d->intf_id = intf->id;
        d->major = intf->devnode.major;
        d->minor = intf->devnode.minor;
    }
    *count = found;
    if (unlinked)
        *unlinked = lost;
    return ret;
}
