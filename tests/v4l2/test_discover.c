/* Discovery against a device (emulator or kernel): topology walk, devnode
 * mapping, VKV4L2_DEVICE pins, non-decoder nodes refused. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "devpath.h"
#include "devtest.h"
#include "sys.h"

static bool is_decoder_video(const struct vkv4l2_decoder_list *l, dev_t rdev)
{
    for (unsigned i = 0; i < l->count; i++) {
        struct stat st;
        if (vkv4l2_sys_stat(l->nodes[i].video_path, &st) == 0 && st.st_rdev == rdev)
            return true;
    }
    return false;
}

static bool is_decoder_media(const struct vkv4l2_decoder_list *l, const char *path)
{
    for (unsigned i = 0; i < l->count; i++)
        if (!strcmp(l->nodes[i].media_path, path))
            return true;
    return false;
}

int main(void)
{
    struct devtest t;
    int ret = devtest_init(&t);
    if (ret)
        return ret;

    struct vkv4l2_decoder_list all, pinned;
    struct vkv4l2_err err = {0};
    CHECK_EQ(vkv4l2_discover_pinned(NULL, &all, &err), 0);
    CHECK(all.count >= 1);
    for (unsigned i = 0; i < all.count; i++) {
        const struct vkv4l2_decoder_node *n = &all.nodes[i];
        struct stat st;
        CHECK_EQ(vkv4l2_sys_stat(n->video_path, &st), 0);
        CHECK(S_ISCHR(st.st_mode));
        CHECK_EQ(vkv4l2_sys_stat(n->media_path, &st), 0);
        CHECK(n->entity_id != 0);
        CHECK(n->entity_name[0] != '\0');
        fprintf(stderr, "decoder %u: %s %s '%s' (%s / %s)\n", i, n->media_path, n->video_path,
                n->entity_name, n->driver, n->model);
    }

    /* Pinned by media node, then by video node: the same decoder. */
    CHECK_EQ(vkv4l2_discover_pinned(t.node.media_path, &pinned, &err), 0);
    CHECK(pinned.count >= 1);
    CHECK(!strcmp(pinned.nodes[0].media_path, t.node.media_path));
    CHECK_EQ(vkv4l2_discover_pinned(t.node.video_path, &pinned, &err), 0);
    CHECK_EQ(pinned.count, 1);
    CHECK(!strcmp(pinned.nodes[0].video_path, t.node.video_path));
    CHECK(!strcmp(pinned.nodes[0].media_path, t.node.media_path));
    CHECK_EQ(pinned.nodes[0].entity_id, t.node.entity_id);

    /* Malformed and absent pins. */
    CHECK_EQ(vkv4l2_discover_pinned("/dev/dri/card0", &pinned, &err), -EINVAL);
    CHECK(strstr(err.what, "VKV4L2_DEVICE") != NULL);
    CHECK_EQ(vkv4l2_discover_pinned("/dev/media63", &pinned, &err) < 0, 1);
    CHECK_EQ(pinned.count, 0);

    /* Every other video / media node present is refused when pinned. */
    unsigned others = 0;
    for (unsigned n = 0; n < VKV4L2_VIDEO_NODES_MAX; n++) {
        char path[32];
        struct stat st;
        vkv4l2_devpath_format(VKV4L2_DEVPATH_VIDEO, n, path, sizeof(path));
        if (vkv4l2_sys_stat(path, &st) < 0 || is_decoder_video(&all, st.st_rdev))
            continue;
        others++;
        CHECK_EQ(vkv4l2_discover_pinned(path, &pinned, &err), -ENODEV);
        CHECK_EQ(pinned.count, 0);
    }
    for (unsigned n = 0; n < VKV4L2_MEDIA_NODES_MAX; n++) {
        char path[32];
        struct stat st;
        vkv4l2_devpath_format(VKV4L2_DEVPATH_MEDIA, n, path, sizeof(path));
        if (vkv4l2_sys_stat(path, &st) < 0 || is_decoder_media(&all, path))
            continue;
        others++;
        CHECK_EQ(vkv4l2_discover_pinned(path, &pinned, &err), -ENODEV);
    }
    fprintf(stderr, "%u non-decoder nodes refused\n", others);
    return check_result("test_discover");
}
