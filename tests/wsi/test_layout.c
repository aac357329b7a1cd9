/* Unit tests of wsi/layout.c: V4L2 NV12 layouts and the ladder decision. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"

static int failures;

#define CHECK(cond, ...)                                              \
    do {                                                              \
        if (!(cond)) {                                                \
            failures++;                                               \
            fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                             \
            fputc('\n', stderr);                                      \
        }                                                             \
    } while (0)

/* A hantro-style CAPTURE format: bytesperline = width aligned to 16,
 * height aligned to 16, sizeimage = NV12 + motion vectors. */
static struct v4l2_pix_format_mplane hantro_fmt(uint32_t w, uint32_t h)
{
    struct v4l2_pix_format_mplane f = {0};
    f.pixelformat = V4L2_PIX_FMT_NV12;
    f.num_planes = 1;
    f.width = (w + 15) & ~15u;
    f.height = (h + 15) & ~15u;
    f.plane_fmt[0].bytesperline = f.width;
    f.plane_fmt[0].sizeimage = f.width * f.height * 3 / 2 + 64 * (f.width / 16) * (f.height / 16);
    return f;
}

/* lavapipe's linear layout of a DISJOINT NV12 image: pitch = width aligned
 * to 64 for both planes, each plane at offset 0 of its binding. */
static void lavapipe_planes(uint32_t w, uint32_t h, VkSubresourceLayout out[2])
{
    uint64_t pitch = (w + 63) & ~63u;
    out[0] = (VkSubresourceLayout){ .offset = 0, .rowPitch = pitch, .size = pitch * h };
    out[1] = (VkSubresourceLayout){ .offset = 0, .rowPitch = pitch, .size = pitch * h / 2 };
}

static void test_layout_from_v4l2(void)
{
    struct vkv4l2_nv12_layout l;
    struct v4l2_pix_format_mplane f = hantro_fmt(1920, 1080);
    CHECK(vkv4l2_nv12_layout_from_v4l2(&f, &l) == 0, "1920x1080");
    CHECK(l.height == 1088, "height %u", l.height);
    CHECK(l.planes[0].offset == 0 && l.planes[0].pitch == 1920, "Y %llu/%llu",
          (unsigned long long)l.planes[0].offset, (unsigned long long)l.planes[0].pitch);
    CHECK(l.planes[1].offset == 1920ull * 1088 && l.planes[1].pitch == 1920, "UV at %llu",
          (unsigned long long)l.planes[1].offset);
    CHECK(l.planes[1].size == 1920ull * 544, "UV size %llu", (unsigned long long)l.planes[1].size);
    CHECK(l.total == f.plane_fmt[0].sizeimage, "total");

    f = hantro_fmt(864, 480);
    CHECK(vkv4l2_nv12_layout_from_v4l2(&f, &l) == 0 && l.planes[0].pitch == 864 &&
          l.planes[1].offset == 864ull * 480, "864x480: UV at %llu",
          (unsigned long long)l.planes[1].offset);

    /* Padded pitch (rkvdec-style) is taken from bytesperline. */
    f = hantro_fmt(640, 368);
    f.plane_fmt[0].bytesperline = 704;
    f.plane_fmt[0].sizeimage = 704 * 368 * 3 / 2;
    CHECK(vkv4l2_nv12_layout_from_v4l2(&f, &l) == 0 && l.planes[1].offset == 704ull * 368 &&
          l.planes[1].pitch == 704, "padded pitch");

    f = hantro_fmt(640, 368);
    f.pixelformat = V4L2_PIX_FMT_NV12M;
    CHECK(vkv4l2_nv12_layout_from_v4l2(&f, &l) == -ENOTSUP, "NV12M rejected");
    f = hantro_fmt(640, 368);
    f.num_planes = 2;
    CHECK(vkv4l2_nv12_layout_from_v4l2(&f, &l) == -ENOTSUP, "2 memory planes rejected");
    f = hantro_fmt(640, 368);
    f.plane_fmt[0].bytesperline = 600;
    CHECK(vkv4l2_nv12_layout_from_v4l2(&f, &l) == -EINVAL, "pitch below width rejected");
    f = hantro_fmt(640, 368);
    f.plane_fmt[0].sizeimage = 640 * 368;
    CHECK(vkv4l2_nv12_layout_from_v4l2(&f, &l) == -EINVAL, "short sizeimage rejected");
}

static void test_plane_matches(void)
{
    const struct vkv4l2_plane_layout uv = { .offset = 2088960, .pitch = 1920, .size = 1044480 };
    VkSubresourceLayout d = { .offset = 0, .rowPitch = 1920 };
    CHECK(vkv4l2_plane_layout_matches(&uv, &d, true), "disjoint plane at 0 of its binding");
    CHECK(!vkv4l2_plane_layout_matches(&uv, &d, false), "non-disjoint offset 0 != 2088960");
    d.offset = 2088960;
    CHECK(vkv4l2_plane_layout_matches(&uv, &d, false), "non-disjoint at the V4L2 offset");
    d.rowPitch = 1984;
    CHECK(!vkv4l2_plane_layout_matches(&uv, &d, false), "pitch differs");
}

/* The decision on a lavapipe-like driver (no modifier, linear disjoint
 * supported, pitch = width aligned to 64). */
static enum vkv4l2_rung lavapipe_rung(uint32_t w, uint32_t h, char *reason, size_t len)
{
    struct v4l2_pix_format_mplane f = hantro_fmt(w, h);
    struct vkv4l2_nv12_layout l;
    if (vkv4l2_nv12_layout_from_v4l2(&f, &l) < 0)
        return (enum vkv4l2_rung)-1;
    struct vkv4l2_rung_inputs in = {
        .v4l2 = &l, .array_layers = 1, .linear_supported = true,
        .import_align = vkv4l2_driver_import_align(VK_DRIVER_ID_MESA_LLVMPIPE, 0x10005)};
    lavapipe_planes(l.width, l.height, in.linear_planes);
    return vkv4l2_rung_decide(&in, reason, len);
}

static void test_rungs_lavapipe(void)
{
    char reason[160];
    CHECK(lavapipe_rung(1920, 1088, reason, sizeof(reason)) == VKV4L2_RUNG_LINEAR_DISJOINT,
          "1920x1088: %s", reason);
    CHECK(lavapipe_rung(640, 368, reason, sizeof(reason)) == VKV4L2_RUNG_LINEAR_DISJOINT,
          "640x368: %s", reason);
    CHECK(lavapipe_rung(864, 480, reason, sizeof(reason)) == VKV4L2_RUNG_COPY, "864x480: %s",
          reason);
    CHECK(strstr(reason, "896") && strstr(reason, "864"), "reason names both pitches: %s",
          reason);
    /* 1920x1080 allocates 1088 rows: UV still at 1920*1088. */
    CHECK(lavapipe_rung(1920, 1080, reason, sizeof(reason)) == VKV4L2_RUNG_LINEAR_DISJOINT,
          "1920x1080: %s", reason);
}

static void test_rungs_mali(void)
{
    char reason[160];
    const uint32_t align = vkv4l2_driver_import_align(VK_DRIVER_ID_MESA_PANVK, 0x13B5);
    CHECK(align == 64, "PanVK import alignment %u", align);
    CHECK(vkv4l2_driver_import_align(VK_DRIVER_ID_MESA_LLVMPIPE, 0x10005) <= 1, "lavapipe");

    /* PanVK on Valhall: modifier extension with LINEAR NV12. */
    struct v4l2_pix_format_mplane f = hantro_fmt(1920, 1080);
    struct vkv4l2_nv12_layout l;
    vkv4l2_nv12_layout_from_v4l2(&f, &l);
    struct vkv4l2_rung_inputs in = {
        .v4l2 = &l, .array_layers = 1, .modifier_linear = true, .import_align = align};
    CHECK(vkv4l2_rung_decide(&in, reason, sizeof(reason)) == VKV4L2_RUNG_MODIFIER, "1080p: %s",
          reason);

    /* 864 = 13.5 x 64: refused by the driver's rule even with a modifier,
     * and even if the driver's own linear pitch were 864. */
    f = hantro_fmt(864, 480);
    vkv4l2_nv12_layout_from_v4l2(&f, &l);
    in.linear_supported = true;
    in.linear_planes[0] = (VkSubresourceLayout){ .rowPitch = 864 };
    in.linear_planes[1] = (VkSubresourceLayout){ .rowPitch = 864 };
    CHECK(vkv4l2_rung_decide(&in, reason, sizeof(reason)) == VKV4L2_RUNG_COPY, "864: %s",
          reason);
    CHECK(strstr(reason, "64-byte"), "reason names the alignment: %s", reason);
    /* The same layout on a driver without the rule is imported. */
    in.import_align = 1;
    CHECK(vkv4l2_rung_decide(&in, reason, sizeof(reason)) == VKV4L2_RUNG_MODIFIER, "%s", reason);
    in.modifier_linear = false;
    CHECK(vkv4l2_rung_decide(&in, reason, sizeof(reason)) == VKV4L2_RUNG_LINEAR_DISJOINT, "%s",
          reason);

    /* 640x368 on Mali: pitch 640 = 10 x 64, UV at 235520 = 3680 x 64. */
    f = hantro_fmt(640, 368);
    vkv4l2_nv12_layout_from_v4l2(&f, &l);
    in = (struct vkv4l2_rung_inputs){
        .v4l2 = &l, .array_layers = 1, .modifier_linear = true, .import_align = align};
    CHECK(vkv4l2_rung_decide(&in, reason, sizeof(reason)) == VKV4L2_RUNG_MODIFIER, "640: %s",
          reason);
}

static void test_rungs_other_reasons(void)
{
    char reason[160];
    struct v4l2_pix_format_mplane f = hantro_fmt(1920, 1088);
    struct vkv4l2_nv12_layout l;
    vkv4l2_nv12_layout_from_v4l2(&f, &l);
    struct vkv4l2_rung_inputs in = { .v4l2 = &l, .array_layers = 1, .modifier_linear = true };
    lavapipe_planes(1920, 1088, in.linear_planes);
    in.linear_supported = true;

    in.array_layers = 4;
    CHECK(vkv4l2_rung_decide(&in, reason, sizeof(reason)) == VKV4L2_RUNG_COPY, "layers: %s",
          reason);
    in.array_layers = 1;
    in.app_disjoint = true;
    CHECK(vkv4l2_rung_decide(&in, reason, sizeof(reason)) == VKV4L2_RUNG_COPY, "disjoint: %s",
          reason);
    in.app_disjoint = false;
    in.app_constraint = "application chose the tiling";
    CHECK(vkv4l2_rung_decide(&in, reason, sizeof(reason)) == VKV4L2_RUNG_COPY &&
          !strcmp(reason, in.app_constraint), "constraint: %s", reason);
    in.app_constraint = NULL;
    in.modifier_linear = false;
    in.linear_supported = false;
    CHECK(vkv4l2_rung_decide(&in, reason, sizeof(reason)) == VKV4L2_RUNG_COPY, "unsupported");
    /* A driver placing a disjoint plane away from its binding's start. */
    in.linear_supported = true;
    in.linear_planes[1].offset = 256;
    CHECK(vkv4l2_rung_decide(&in, reason, sizeof(reason)) == VKV4L2_RUNG_COPY, "offset: %s",
          reason);
    /* NULL reason is allowed. */
    in.linear_planes[1].offset = 0;
    CHECK(vkv4l2_rung_decide(&in, NULL, 0) == VKV4L2_RUNG_LINEAR_DISJOINT, "no reason buffer");
}

static void test_needed_size(void)
{
    struct v4l2_pix_format_mplane f = hantro_fmt(1920, 1088);
    struct vkv4l2_nv12_layout l;
    vkv4l2_nv12_layout_from_v4l2(&f, &l);
    /* lavapipe quirk: each disjoint plane requires the whole image. */
    const VkDeviceSize whole = 1920ull * 1088 * 3 / 2;
    const VkDeviceSize quirk[2] = { whole, whole };
    CHECK(vkv4l2_layout_needed_size(&l, true, quirk, 0) == 2088960 + whole, "quirk: %llu",
          (unsigned long long)vkv4l2_layout_needed_size(&l, true, quirk, 0));
    /* Honest plane sizes fit in sizeimage. */
    const VkDeviceSize honest[2] = { 1920ull * 1088, 1920ull * 544 };
    CHECK(vkv4l2_layout_needed_size(&l, true, honest, 0) == l.total, "honest");
    CHECK(vkv4l2_layout_needed_size(&l, false, honest, l.total + 4096) == l.total + 4096,
          "non-disjoint image requirement");
}

int main(void)
{
    test_layout_from_v4l2();
    test_plane_matches();
    test_rungs_lavapipe();
    test_rungs_mali();
    test_rungs_other_reasons();
    test_needed_size();
    if (failures) {
        fprintf(stderr, "test_layout: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_layout: ok\n");
    return 0;
}
