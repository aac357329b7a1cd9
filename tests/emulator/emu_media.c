/* The media controller side: MEDIA_IOC_DEVICE_INFO, MEDIA_IOC_G_TOPOLOGY and
 * MEDIA_IOC_REQUEST_ALLOC.  Two devices: the hantro-like decoder (topology of
 * v4l2_m2m_register_media_controller: source and sink IO entities around a
 * PROC_VIDEO_DECODER entity, the video interface linked to the IO entities)
 * and a camera that is not a decoder, so discovery must read the topology. */
#include "emu.h"

#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>

#define GOBJ_ID(type, n) (((uint32_t)(type) << 24) | (n))
enum { GOBJ_ENTITY = 0, GOBJ_PAD = 1, GOBJ_LINK = 2, GOBJ_INTF = 3 };

#define MAX_OBJS 4

struct topology {
    struct media_v2_entity entities[MAX_OBJS];
    struct media_v2_interface interfaces[MAX_OBJS];
    struct media_v2_pad pads[MAX_OBJS];
    struct media_v2_link links[MAX_OBJS];
    unsigned nent, nintf, npad, nlink;
    uint32_t next_id;
};

static uint32_t add_entity(struct topology *t, const char *name, uint32_t function)
{
    struct media_v2_entity *e = &t->entities[t->nent++];
    memset(e, 0, sizeof(*e));
    e->id = GOBJ_ID(GOBJ_ENTITY, ++t->next_id);
    strncpy(e->name, name, sizeof(e->name) - 1);
    e->function = function;
    return e->id;
}

static uint32_t add_pad(struct topology *t, uint32_t entity, uint32_t flags, uint32_t index)
{
    struct media_v2_pad *p = &t->pads[t->npad++];
    memset(p, 0, sizeof(*p));
    p->id = GOBJ_ID(GOBJ_PAD, ++t->next_id);
    p->entity_id = entity;
    p->flags = flags;
    p->index = index;
    return p->id;
}

static void add_link(struct topology *t, uint32_t source, uint32_t sink, uint32_t flags)
{
    struct media_v2_link *l = &t->links[t->nlink++];
    memset(l, 0, sizeof(*l));
    l->id = GOBJ_ID(GOBJ_LINK, ++t->next_id);
    l->source_id = source;
    l->sink_id = sink;
    l->flags = flags;
}

static uint32_t add_video_intf(struct topology *t, unsigned minor)
{
    struct media_v2_interface *i = &t->interfaces[t->nintf++];
    memset(i, 0, sizeof(*i));
    i->id = GOBJ_ID(GOBJ_INTF, ++t->next_id);
    i->intf_type = MEDIA_INTF_T_V4L_VIDEO;
    i->devnode.major = EMU_VIDEO_MAJOR;
    i->devnode.minor = minor;
    return i->id;
}

static void build_decoder(struct topology *t, unsigned video_minor)
{
    const uint32_t fixed = MEDIA_LNK_FL_ENABLED | MEDIA_LNK_FL_IMMUTABLE;
    uint32_t src = add_entity(t, "rockchip,rk3399-vpu-dec-source", MEDIA_ENT_F_IO_V4L);
    uint32_t src_pad = add_pad(t, src, MEDIA_PAD_FL_SOURCE, 0);
    uint32_t proc = add_entity(t, "rockchip,rk3399-vpu-dec-proc", MEDIA_ENT_F_PROC_VIDEO_DECODER);
    uint32_t proc_sink = add_pad(t, proc, MEDIA_PAD_FL_SINK, 0);
    uint32_t proc_src = add_pad(t, proc, MEDIA_PAD_FL_SOURCE, 1);
    uint32_t sink = add_entity(t, "rockchip,rk3399-vpu-dec-sink", MEDIA_ENT_F_IO_V4L);
    uint32_t sink_pad = add_pad(t, sink, MEDIA_PAD_FL_SINK, 0);
    add_link(t, src_pad, proc_sink, fixed | MEDIA_LNK_FL_DATA_LINK);
    add_link(t, proc_src, sink_pad, fixed | MEDIA_LNK_FL_DATA_LINK);
    uint32_t intf = add_video_intf(t, video_minor);
    add_link(t, intf, src, fixed | MEDIA_LNK_FL_INTERFACE_LINK);
    add_link(t, intf, sink, fixed | MEDIA_LNK_FL_INTERFACE_LINK);
}

static void build_camera(struct topology *t, unsigned video_minor)
{
    const uint32_t fixed = MEDIA_LNK_FL_ENABLED | MEDIA_LNK_FL_IMMUTABLE;
    uint32_t sensor = add_entity(t, "emu-sensor 1-0010", MEDIA_ENT_F_CAM_SENSOR);
    uint32_t sensor_pad = add_pad(t, sensor, MEDIA_PAD_FL_SOURCE, 0);
    uint32_t cap = add_entity(t, "emu-capture", MEDIA_ENT_F_IO_V4L);
    uint32_t cap_pad = add_pad(t, cap, MEDIA_PAD_FL_SINK, 0);
    add_link(t, sensor_pad, cap_pad, fixed | MEDIA_LNK_FL_DATA_LINK);
    uint32_t intf = add_video_intf(t, video_minor);
    add_link(t, intf, cap, fixed | MEDIA_LNK_FL_INTERFACE_LINK);
}

/* Copies n objects to the user array, like media_device_get_topology:
 * counts are always reported, -ENOSPC when the array is too small. */
static int copy_out(uint64_t uptr, uint32_t *unum, const void *objs, unsigned n, size_t size)
{
    int ret = 0;
    if (uptr) {
        if (*unum < n)
            ret = -ENOSPC;
        else
            memcpy((void *)(uintptr_t)uptr, objs, n * size);
    }
    *unum = n;
    return ret;
}

static int get_topology(unsigned media_index, struct media_v2_topology *topo)
{
    struct topology t = {0};
    if (media_index == emu.settings.dec_media)
        build_decoder(&t, emu.settings.dec_video);
    else
        build_camera(&t, emu.settings.cam_video);
    topo->topology_version = t.next_id;
    /* The struct is packed: work on aligned copies of its counts. */
    uint32_t ne = topo->num_entities, ni = topo->num_interfaces;
    uint32_t np = topo->num_pads, nl = topo->num_links;
    int results[4] = {
        copy_out(topo->ptr_entities, &ne, t.entities, t.nent, sizeof(t.entities[0])),
        copy_out(topo->ptr_interfaces, &ni, t.interfaces, t.nintf, sizeof(t.interfaces[0])),
        copy_out(topo->ptr_pads, &np, t.pads, t.npad, sizeof(t.pads[0])),
        copy_out(topo->ptr_links, &nl, t.links, t.nlink, sizeof(t.links[0])),
    };
    topo->num_entities = ne;
    topo->num_interfaces = ni;
    topo->num_pads = np;
    topo->num_links = nl;
    int ret = 0;
    for (unsigned i = 0; i < 4 && !ret; i++)
        ret = results[i];
    topo->reserved1 = topo->reserved2 = topo->reserved3 = topo->reserved4 = 0;
    return ret;
}

int emu_media_ioctl(unsigned media_index, unsigned long req, void *arg)
{
    bool decoder = media_index == emu.settings.dec_media;
    switch (req) {
    case MEDIA_IOC_DEVICE_INFO: {
        struct media_device_info *info = arg;
        memset(info, 0, sizeof(*info));
        strcpy(info->driver, decoder ? "hantro-vpu" : "emu-camera");
        strcpy(info->model, decoder ? "hantro-vpu" : "emu-camera");
        strcpy(info->bus_info, decoder ? "platform: hantro-vpu" : "platform:emu-camera");
        info->media_version = MEDIA_API_VERSION;
        info->driver_version = (6u << 16) | (12u << 8);
        return 0;
    }
    case MEDIA_IOC_G_TOPOLOGY:
        return get_topology(media_index, arg);
    case MEDIA_IOC_REQUEST_ALLOC:
        /* media_device_request_alloc: -ENOTTY without req_queue support. */
        if (!decoder)
            return -ENOTTY;
        return emu_request_alloc(media_index, arg);
    case MEDIA_IOC_ENUM_ENTITIES:
    case MEDIA_IOC_ENUM_LINKS:
    case MEDIA_IOC_SETUP_LINK:
        return -ENOTTY; /* legacy API: not modelled */
    }
    return -ENOTTY;
}
