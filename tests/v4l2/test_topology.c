/* Topology -> (decoder entity, video devnode) on synthetic graphs. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "topology.h"

struct graph {
    struct media_v2_entity ents[16];
    struct media_v2_interface intfs[8];
    struct media_v2_pad pads[32];
    struct media_v2_link links[32];
    unsigned ne, ni, np, nl;
    uint32_t next_id;
};

static uint32_t add_entity(struct graph *g, const char *name, uint32_t function)
{
    struct media_v2_entity *e = &g->ents[g->ne++];
    memset(e, 0, sizeof(*e));
    e->id = ++g->next_id;
    strncpy(e->name, name, sizeof(e->name) - 1);
    e->function = function;
    return e->id;
}

static uint32_t add_pad(struct graph *g, uint32_t entity, uint32_t flags)
{
    struct media_v2_pad *p = &g->pads[g->np++];
    memset(p, 0, sizeof(*p));
    p->id = ++g->next_id;
    p->entity_id = entity;
    p->flags = flags;
    return p->id;
}

static uint32_t add_intf(struct graph *g, uint32_t type, uint32_t major, uint32_t minor)
{
    struct media_v2_interface *i = &g->intfs[g->ni++];
    memset(i, 0, sizeof(*i));
    i->id = ++g->next_id;
    i->intf_type = type;
    i->devnode.major = major;
    i->devnode.minor = minor;
    return i->id;
}

static void add_link(struct graph *g, uint32_t src, uint32_t sink, uint32_t type)
{
    struct media_v2_link *l = &g->links[g->nl++];
    memset(l, 0, sizeof(*l));
    l->id = ++g->next_id;
    l->source_id = src;
    l->sink_id = sink;
    l->flags = type | MEDIA_LNK_FL_ENABLED | MEDIA_LNK_FL_IMMUTABLE;
}

/* What v4l2_m2m_register_media_controller builds for one decoder. */
static uint32_t add_m2m_decoder(struct graph *g, const char *name, uint32_t minor)
{
    uint32_t src = add_entity(g, "source", MEDIA_ENT_F_IO_V4L);
    uint32_t proc = add_entity(g, name, MEDIA_ENT_F_PROC_VIDEO_DECODER);
    uint32_t sink = add_entity(g, "sink", MEDIA_ENT_F_IO_V4L);
    uint32_t src_pad = add_pad(g, src, MEDIA_PAD_FL_SOURCE);
    uint32_t proc_in = add_pad(g, proc, MEDIA_PAD_FL_SINK);
    uint32_t proc_out = add_pad(g, proc, MEDIA_PAD_FL_SOURCE);
    uint32_t sink_pad = add_pad(g, sink, MEDIA_PAD_FL_SINK);
    add_link(g, src_pad, proc_in, MEDIA_LNK_FL_DATA_LINK);
    add_link(g, proc_out, sink_pad, MEDIA_LNK_FL_DATA_LINK);
    uint32_t intf = add_intf(g, MEDIA_INTF_T_V4L_VIDEO, 81, minor);
    add_link(g, intf, src, MEDIA_LNK_FL_INTERFACE_LINK);
    add_link(g, intf, sink, MEDIA_LNK_FL_INTERFACE_LINK);
    return proc;
}

static struct vkv4l2_topology view(const struct graph *g)
{
    return (struct vkv4l2_topology){
        .entities = g->ents, .num_entities = g->ne,
        .interfaces = g->intfs, .num_interfaces = g->ni,
        .pads = g->pads, .num_pads = g->np,
        .links = g->links, .num_links = g->nl,
    };
}

static void test_single_m2m(void)
{
    struct graph g = {0};
    uint32_t proc = add_m2m_decoder(&g, "hantro-vpu-dec-proc", 3);
    struct vkv4l2_topology t = view(&g);
    struct vkv4l2_topo_decoder out[4];
    unsigned count = 99, unlinked = 99;
    CHECK_EQ(vkv4l2_topology_find_decoders(&t, out, 4, &count, &unlinked), 0);
    CHECK_EQ(count, 1);
    CHECK_EQ(unlinked, 0);
    CHECK_EQ(out[0].entity_id, proc);
    CHECK_EQ(out[0].major, 81);
    CHECK_EQ(out[0].minor, 3);
    CHECK(strcmp(out[0].entity_name, "hantro-vpu-dec-proc") == 0);
}

/* Two decoders and an encoder in one graph (rkvdec + hantro on one media
 * device is not unusual); the encoder must not be returned. */
static void test_several_entities(void)
{
    struct graph g = {0};
    uint32_t a = add_m2m_decoder(&g, "dec-a", 1);
    uint32_t enc_src = add_entity(&g, "enc-source", MEDIA_ENT_F_IO_V4L);
    add_entity(&g, "enc-proc", MEDIA_ENT_F_PROC_VIDEO_ENCODER);
    uint32_t enc_intf = add_intf(&g, MEDIA_INTF_T_V4L_VIDEO, 81, 7);
    add_link(&g, enc_intf, enc_src, MEDIA_LNK_FL_INTERFACE_LINK);
    uint32_t b = add_m2m_decoder(&g, "dec-b", 5);
    struct vkv4l2_topology t = view(&g);
    struct vkv4l2_topo_decoder out[4];
    unsigned count = 0;
    CHECK_EQ(vkv4l2_topology_find_decoders(&t, out, 4, &count, NULL), 0);
    CHECK_EQ(count, 2);
    CHECK_EQ(out[0].entity_id, a);
    CHECK_EQ(out[0].minor, 1);
    CHECK_EQ(out[1].entity_id, b);
    CHECK_EQ(out[1].minor, 5);

    /* Truncation is reported, the first ones kept. */
    CHECK_EQ(vkv4l2_topology_find_decoders(&t, out, 1, &count, NULL), -ENOSPC);
    CHECK_EQ(count, 1);
    CHECK_EQ(out[0].entity_id, a);
}

/* A camera: sensor -> IO entity with a video interface, no decoder. */
static void test_non_decoder_device(void)
{
    struct graph g = {0};
    uint32_t sensor = add_entity(&g, "sensor", MEDIA_ENT_F_CAM_SENSOR);
    uint32_t io = add_entity(&g, "capture", MEDIA_ENT_F_IO_V4L);
    uint32_t sp = add_pad(&g, sensor, MEDIA_PAD_FL_SOURCE);
    uint32_t ip = add_pad(&g, io, MEDIA_PAD_FL_SINK);
    add_link(&g, sp, ip, MEDIA_LNK_FL_DATA_LINK);
    uint32_t intf = add_intf(&g, MEDIA_INTF_T_V4L_VIDEO, 81, 0);
    add_link(&g, intf, io, MEDIA_LNK_FL_INTERFACE_LINK);
    struct vkv4l2_topology t = view(&g);
    struct vkv4l2_topo_decoder out[2];
    unsigned count = 9, unlinked = 9;
    CHECK_EQ(vkv4l2_topology_find_decoders(&t, out, 2, &count, &unlinked), 0);
    CHECK_EQ(count, 0);
    CHECK_EQ(unlinked, 0);
}

static void test_missing_links(void)
{
    /* Decoder with pads and IO entities but no interface links at all. */
    struct graph g = {0};
    uint32_t src = add_entity(&g, "source", MEDIA_ENT_F_IO_V4L);
    uint32_t proc = add_entity(&g, "lonely-proc", MEDIA_ENT_F_PROC_VIDEO_DECODER);
    uint32_t sp = add_pad(&g, src, MEDIA_PAD_FL_SOURCE);
    uint32_t pp = add_pad(&g, proc, MEDIA_PAD_FL_SINK);
    add_link(&g, sp, pp, MEDIA_LNK_FL_DATA_LINK);
    add_intf(&g, MEDIA_INTF_T_V4L_VIDEO, 81, 4); /* exists, linked to nothing */
    /* A data link whose pad ids are unknown must not crash the walk. */
    add_link(&g, 900, 901, MEDIA_LNK_FL_DATA_LINK);
    struct vkv4l2_topology t = view(&g);
    struct vkv4l2_topo_decoder out[2];
    unsigned count = 9, unlinked = 0;
    CHECK_EQ(vkv4l2_topology_find_decoders(&t, out, 2, &count, &unlinked), 0);
    CHECK_EQ(count, 0);
    CHECK_EQ(unlinked, 1);
    (void)proc;

    /* Linked to an interface of the wrong type (a subdev node). */
    struct graph h = {0};
    uint32_t p2 = add_entity(&h, "proc", MEDIA_ENT_F_PROC_VIDEO_DECODER);
    uint32_t sub = add_intf(&h, MEDIA_INTF_T_V4L_SUBDEV, 81, 9);
    add_link(&h, sub, p2, MEDIA_LNK_FL_INTERFACE_LINK);
    t = view(&h);
    CHECK_EQ(vkv4l2_topology_find_decoders(&t, out, 2, &count, &unlinked), 0);
    CHECK_EQ(count, 0);
    CHECK_EQ(unlinked, 1);

    /* Interface links carry the DATA type here: not interface links. */
    struct graph k = {0};
    uint32_t p3 = add_entity(&k, "proc", MEDIA_ENT_F_PROC_VIDEO_DECODER);
    uint32_t vi = add_intf(&k, MEDIA_INTF_T_V4L_VIDEO, 81, 2);
    add_link(&k, vi, p3, MEDIA_LNK_FL_DATA_LINK);
    t = view(&k);
    CHECK_EQ(vkv4l2_topology_find_decoders(&t, out, 2, &count, &unlinked), 0);
    CHECK_EQ(count, 0);
    CHECK_EQ(unlinked, 1);
}

/* Interface linked straight to the decoder entity (either orientation). */
static void test_direct_link(void)
{
    struct graph g = {0};
    uint32_t proc = add_entity(&g, "direct", MEDIA_ENT_F_PROC_VIDEO_DECODER);
    uint32_t intf = add_intf(&g, MEDIA_INTF_T_V4L_VIDEO, 81, 12);
    add_link(&g, proc, intf, MEDIA_LNK_FL_INTERFACE_LINK);
    struct vkv4l2_topology t = view(&g);
    struct vkv4l2_topo_decoder out[2];
    unsigned count = 0;
    CHECK_EQ(vkv4l2_topology_find_decoders(&t, out, 2, &count, NULL), 0);
    CHECK_EQ(count, 1);
    CHECK_EQ(out[0].minor, 12);
    CHECK_EQ(out[0].intf_id, intf);
}

static void test_empty(void)
{
    struct vkv4l2_topology t = {0};
    unsigned count = 5, unlinked = 5;
    CHECK_EQ(vkv4l2_topology_find_decoders(&t, NULL, 0, &count, &unlinked), 0);
    CHECK_EQ(count, 0);
    CHECK_EQ(unlinked, 0);
}

int main(void)
{
    test_single_m2m();
    test_several_entities();
    test_non_decoder_device();
    test_missing_links();
    test_direct_link();
    test_empty();
    return check_result("test_topology");
}
