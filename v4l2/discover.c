/* Discovery plumbing: media devices through the seam, topology walk in
 * topology.c, devnode numbers matched to /dev/videoN by stat(). */
#include "discover.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <linux/media.h>

#include "devpath.h"
#include "sys.h"
#include "topology.h"

/* Topology arrays, owned. */
struct topo_buf {
    struct media_v2_topology hdr;
    struct media_v2_entity *entities;
    struct media_v2_interface *interfaces;
    struct media_v2_pad *pads;
    struct media_v2_link *links;
};

static void topo_buf_free(struct topo_buf *b)
{
    free(b->entities);
    free(b->interfaces);
    free(b->pads);
    free(b->links);
    memset(b, 0, sizeof(*b));
}

/* Two passes (counts, then arrays); retried when the graph changed in
 * between, which the kernel reports as a new topology_version or -ENOSPC. */
static int read_topology(int fd, struct topo_buf *b)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        struct media_v2_topology counts = {0};
        int ret = vkv4l2_sys_ioctl(fd, MEDIA_IOC_G_TOPOLOGY, &counts);
        if (ret < 0)
            return ret;
        /* +1 so that calloc never sees 0. */
        b->entities = calloc(counts.num_entities + 1, sizeof(*b->entities));
        b->interfaces = calloc(counts.num_interfaces + 1, sizeof(*b->interfaces));
        b->pads = calloc(counts.num_pads + 1, sizeof(*b->pads));
        b->links = calloc(counts.num_links + 1, sizeof(*b->links));
        if (!b->entities || !b->interfaces || !b->pads || !b->links) {
            topo_buf_free(b);
            return -ENOMEM;
        }
        b->hdr = counts;
        b->hdr.ptr_entities = (uintptr_t)b->entities;
        b->hdr.ptr_interfaces = (uintptr_t)b->interfaces;
        b->hdr.ptr_pads = (uintptr_t)b->pads;
        b->hdr.ptr_links = (uintptr_t)b->links;
        ret = vkv4l2_sys_ioctl(fd, MEDIA_IOC_G_TOPOLOGY, &b->hdr);
        if (ret == 0 && b->hdr.topology_version == counts.topology_version)
            return 0;
        topo_buf_free(b);
        if (ret < 0 && ret != -ENOSPC)
            return ret;
    }
    return -EAGAIN;
}

/* /dev/videoN whose st_rdev is major:minor. */
static int find_video_node(uint32_t major, uint32_t minor, char *path, size_t size)
{
    dev_t want = makedev(major, minor);
    for (unsigned n = 0; n < VKV4L2_VIDEO_NODES_MAX; n++) {
        char p[32];
        struct stat st;
        if (vkv4l2_devpath_format(VKV4L2_DEVPATH_VIDEO, n, p, sizeof(p)) < 0)
            return -ENAMETOOLONG;
        if (vkv4l2_sys_stat(p, &st) < 0)
            continue;
        if (S_ISCHR(st.st_mode) && st.st_rdev == want) {
            if (strlen(p) >= size)
                return -ENAMETOOLONG;
            strcpy(path, p);
            return 0;
        }
    }
    return -ENOENT;
}

static void copy_str(char *dst, size_t size, const char *src, size_t src_size)
{
    size_t n = strnlen(src, src_size);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int vkv4l2_discover_media(const char *media_path, struct vkv4l2_decoder_list *out,
                          struct vkv4l2_err *err)
{
    int fd = vkv4l2_sys_open(media_path, O_RDWR);
    if (fd < 0)
        return vkv4l2_err_set(err, fd, "open(%s)", media_path);

    struct media_device_info info = {0};
    struct topo_buf topo = {0};
    int ret = vkv4l2_sys_ioctl(fd, MEDIA_IOC_DEVICE_INFO, &info);
    if (ret < 0) {
        vkv4l2_err_set(err, ret, "MEDIA_IOC_DEVICE_INFO on %s", media_path);
        goto out;
    }
    ret = read_topology(fd, &topo);
    if (ret < 0) {
        vkv4l2_err_set(err, ret, "MEDIA_IOC_G_TOPOLOGY on %s", media_path);
        goto out;
    }

    const struct vkv4l2_topology view = {
        .entities = topo.entities, .num_entities = topo.hdr.num_entities,
        .interfaces = topo.interfaces, .num_interfaces = topo.hdr.num_interfaces,
        .pads = topo.pads, .num_pads = topo.hdr.num_pads,
        .links = topo.links, .num_links = topo.hdr.num_links,
    };
    struct vkv4l2_topo_decoder found[VKV4L2_MAX_DECODERS];
    unsigned count = 0, unlinked = 0;
    /* -ENOSPC only truncates; the list below is bounded the same way. */
    vkv4l2_topology_find_decoders(&view, found, VKV4L2_MAX_DECODERS, &count, &unlinked);

    int appended = 0;
    for (unsigned i = 0; i < count && out->count < VKV4L2_MAX_DECODERS; i++) {
        struct vkv4l2_decoder_node *node = &out->nodes[out->count];
        memset(node, 0, sizeof(*node));
        int r = find_video_node(found[i].major, found[i].minor, node->video_path,
                                sizeof(node->video_path));
        if (r < 0) {
            vkv4l2_err_set(err, r, "%s: decoder '%s' has devnode %u:%u but no /dev/videoN matches it",
                           media_path, found[i].entity_name, found[i].major, found[i].minor);
            continue;
        }
        copy_str(node->media_path, sizeof(node->media_path), media_path, strlen(media_path) + 1);
        copy_str(node->driver, sizeof(node->driver), info.driver, sizeof(info.driver));
        copy_str(node->model, sizeof(node->model), info.model, sizeof(info.model));
        copy_str(node->bus_info, sizeof(node->bus_info), info.bus_info, sizeof(info.bus_info));
        copy_str(node->entity_name, sizeof(node->entity_name), found[i].entity_name,
                 sizeof(found[i].entity_name));
        node->entity_id = found[i].entity_id;
        out->count++;
        appended++;
    }
    if (appended == 0 && unlinked)
        vkv4l2_err_set(err, -ENODEV, "%s: %u decoder entit%s without a video interface link",
                       media_path, unlinked, unlinked == 1 ? "y" : "ies");
    ret = appended;
out:
    topo_buf_free(&topo);
    vkv4l2_sys_close(fd);
    return ret;
}

/* Keeps only the nodes matching the pinned video node (by st_rdev, so
 * /dev/videoN symlinks or renames still match). */
static int keep_video(struct vkv4l2_decoder_list *list, const char *video_path,
                      struct vkv4l2_err *err)
{
    struct stat want;
    int ret = vkv4l2_sys_stat(video_path, &want);
    if (ret < 0)
        return vkv4l2_err_set(err, ret, "VKV4L2_DEVICE=%s: stat", video_path);
    unsigned kept = 0;
    for (unsigned i = 0; i < list->count; i++) {
        struct stat st;
        if (vkv4l2_sys_stat(list->nodes[i].video_path, &st) == 0 && st.st_rdev == want.st_rdev)
            list->nodes[kept++] = list->nodes[i];
    }
    list->count = kept;
    if (!kept)
        return vkv4l2_err_set(err, -ENODEV,
                              "VKV4L2_DEVICE=%s is not the video node of any stateless decoder",
                              video_path);
    return 0;
}

int vkv4l2_discover_pinned(const char *pin, struct vkv4l2_decoder_list *out,
                           struct vkv4l2_err *err)
{
    memset(out, 0, sizeof(*out));
    if (err)
        memset(err, 0, sizeof(*err));
    enum vkv4l2_devpath_kind kind = VKV4L2_DEVPATH_MEDIA;
    unsigned num = 0;
    bool pinned = pin && *pin;
    if (pinned && vkv4l2_devpath_parse(pin, &kind, &num) < 0)
        return vkv4l2_err_set(err, -EINVAL,
                              "VKV4L2_DEVICE=%s: expected /dev/mediaN or /dev/videoN", pin);

    if (pinned && kind == VKV4L2_DEVPATH_MEDIA) {
        int ret = vkv4l2_discover_media(pin, out, err);
        if (ret < 0)
            return ret;
        if (ret == 0 && (!err || !err->code))
            vkv4l2_err_set(err, -ENODEV, "VKV4L2_DEVICE=%s has no stateless decoder entity", pin);
        return out->count ? 0 : -ENODEV;
    }

    unsigned seen = 0;
    for (unsigned n = 0; n < VKV4L2_MEDIA_NODES_MAX; n++) {
        char path[32];
        vkv4l2_devpath_format(VKV4L2_DEVPATH_MEDIA, n, path, sizeof(path));
        /* A failing device only loses its own decoders; err keeps the
         * last failure in case nothing is found at all. */
        struct vkv4l2_err e = {0};
        int ret = vkv4l2_discover_media(path, out, &e);
        if (ret == -ENOENT)
            continue;
        seen++;
        if (e.code && err)
            *err = e;
    }
    if (pinned && kind == VKV4L2_DEVPATH_VIDEO)
        return keep_video(out, pin, err);
    if (out->count)
        return 0;
    if (!err || !err->code)
        vkv4l2_err_set(err, -ENODEV, "no stateless decoder among %u media device%s", seen,
                       seen == 1 ? "" : "s");
    return -ENODEV;
}

int vkv4l2_discover(struct vkv4l2_decoder_list *out, struct vkv4l2_err *err)
{
    return vkv4l2_discover_pinned(secure_getenv("VKV4L2_DEVICE"), out, err);
}
