/* V4L2 CAPTURE layout and the import-ladder decision (pure). */
#include "layout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int vkv4l2_nv12_layout_from_v4l2(const struct v4l2_pix_format_mplane *fmt,
                                 struct vkv4l2_nv12_layout *out)
{
    memset(out, 0, sizeof(*out));
    if (fmt->pixelformat != V4L2_PIX_FMT_NV12 || fmt->num_planes != 1)
        return -ENOTSUP;
    uint64_t pitch = fmt->plane_fmt[0].bytesperline;
    if (fmt->width == 0 || fmt->height == 0 || (fmt->height & 1) || pitch < fmt->width)
        return -EINVAL;
    uint64_t luma = pitch * fmt->height;
    uint64_t chroma = pitch * (fmt->height / 2);
    if (fmt->plane_fmt[0].sizeimage < luma + chroma)
        return -EINVAL;
    out->width = fmt->width;
    out->height = fmt->height;
    out->planes[0] = (struct vkv4l2_plane_layout){ .offset = 0, .pitch = pitch, .size = luma };
    out->planes[1] = (struct vkv4l2_plane_layout){ .offset = luma, .pitch = pitch, .size = chroma };
    out->total = fmt->plane_fmt[0].sizeimage;
    return 0;
}

bool vkv4l2_plane_layout_matches(const struct vkv4l2_plane_layout *v4l2,
                                 const VkSubresourceLayout *driver, bool disjoint)
{
    uint64_t want_offset = disjoint ? 0 : v4l2->offset;
    return driver->rowPitch == v4l2->pitch && driver->offset == want_offset;
}

uint32_t vkv4l2_driver_import_align(VkDriverId driver_id, uint32_t vendor_id)
{
    /* Panfrost's linear import check: pitch and offset 64-byte aligned.
     * ARM's own driver shares the hardware rule. */
    if (driver_id == VK_DRIVER_ID_MESA_PANVK || driver_id == VK_DRIVER_ID_ARM_PROPRIETARY ||
        vendor_id == 0x13B5)
        return 64;
    return 1;
}

const char *vkv4l2_rung_name(enum vkv4l2_rung rung)
{
    switch (rung) {
    case VKV4L2_RUNG_MODIFIER:
        return "zero-copy (modifier)";
    case VKV4L2_RUNG_LINEAR_DISJOINT:
        return "zero-copy (linear disjoint)";
    case VKV4L2_RUNG_COPY:
        return "copy";
    }
    return "?";
}

/* Whether each plane's pitch and offset meet the driver's import rule. */
static bool aligned_for_import(const struct vkv4l2_nv12_layout *l, uint32_t align, char *reason,
                               size_t len)
{
    if (align <= 1)
        return true;
    for (int p = 0; p < 2; p++) {
        if (l->planes[p].pitch % align || l->planes[p].offset % align) {
            snprintf(reason, len,
                     "plane %d pitch %" PRIu64 " / offset %" PRIu64
                     " not %u-byte aligned as the driver requires for import",
                     p, l->planes[p].pitch, l->planes[p].offset, align);
            return false;
        }
    }
    return true;
}

enum vkv4l2_rung vkv4l2_rung_decide(const struct vkv4l2_rung_inputs *in, char *reason,
                                    size_t reason_len)
{
    char scratch[160];
    if (!reason || reason_len == 0) {
        reason = scratch;
        reason_len = sizeof(scratch);
    }
    const struct vkv4l2_nv12_layout *l = in->v4l2;
    if (in->array_layers > 1) {
        snprintf(reason, reason_len, "%u array layers (one CAPTURE buffer each)",
                 in->array_layers);
        return VKV4L2_RUNG_COPY;
    }
    if (in->app_disjoint) {
        snprintf(reason, reason_len, "application asked for DISJOINT planes");
        return VKV4L2_RUNG_COPY;
    }
    if (in->app_constraint) {
        snprintf(reason, reason_len, "%s", in->app_constraint);
        return VKV4L2_RUNG_COPY;
    }
    if (!aligned_for_import(l, in->import_align, reason, reason_len))
        return VKV4L2_RUNG_COPY;
    if (in->modifier_linear) {
        snprintf(reason, reason_len, "LINEAR modifier, pitch %" PRIu64, l->planes[0].pitch);
        return VKV4L2_RUNG_MODIFIER;
    }
    if (!in->linear_supported) {
        snprintf(reason, reason_len,
                 "usage/flags not supported for LINEAR DISJOINT DMA_BUF import, no modifier");
        return VKV4L2_RUNG_COPY;
    }
    for (int p = 0; p < 2; p++) {
        const VkSubresourceLayout *d = &in->linear_planes[p];
        if (d->rowPitch != l->planes[p].pitch) {
            snprintf(reason, reason_len,
                     "plane %d: driver pitch %" PRIu64 " != V4L2 bytesperline %" PRIu64, p,
                     (uint64_t)d->rowPitch, l->planes[p].pitch);
            return VKV4L2_RUNG_COPY;
        }
        if (!vkv4l2_plane_layout_matches(&l->planes[p], d, true)) {
            snprintf(reason, reason_len, "plane %d: driver offset %" PRIu64 " in its binding",
                     p, (uint64_t)d->offset);
            return VKV4L2_RUNG_COPY;
        }
    }
    snprintf(reason, reason_len, "driver pitch %" PRIu64 " == V4L2 bytesperline",
             l->planes[0].pitch);
    return VKV4L2_RUNG_LINEAR_DISJOINT;
}

uint64_t vkv4l2_layout_needed_size(const struct vkv4l2_nv12_layout *l, bool disjoint,
                                   const VkDeviceSize plane_req[2], VkDeviceSize image_req)
{
    uint64_t need = l->total;
    if (disjoint) {
        for (int p = 0; p < 2; p++) {
            uint64_t end = l->planes[p].offset + plane_req[p];
            if (end > need)
                need = end;
        }
    } else if (image_req > need) {
        need = image_req;
    }
    return need;
}
