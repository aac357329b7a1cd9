/* Scrubbing of pipeline barriers (sync1 and sync2) and dependency infos.
 * The rules, and why, are in scrub.h above enum vkv4l2_recorded_on. */
#include "scrub.h"

#include <string.h>

/* What a barrier's queue family pair becomes at driver level. */
enum qfot {
    QFOT_NONE,           /* no layer family: families untouched */
    QFOT_PLAIN,          /* layer family, no transfer: IGNORED, nothing else */
    QFOT_ACQUIRE_KEEP,   /* plain barrier keeping the transition; src -> ALL_COMMANDS */
    QFOT_RELEASE_KEEP,   /* plain barrier keeping the transition; dst -> ALL_COMMANDS */
    QFOT_ACQUIRE_NO_TRANSITION, /* decode-side acquire: the driver half transitioned */
    QFOT_RELEASE_NO_TRANSITION, /* decode-side release: the driver half will */
};

static bool is_special_family(uint32_t f)
{
    return f == VK_QUEUE_FAMILY_IGNORED || f == VK_QUEUE_FAMILY_EXTERNAL ||
           f == VK_QUEUE_FAMILY_FOREIGN_EXT;
}

static enum qfot classify_qfot(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                               uint32_t src, uint32_t dst)
{
    bool src_ours = vkv4l2_is_layer_family(s, src), dst_ours = vkv4l2_is_layer_family(s, dst);
    if (!src_ours && !dst_ours)
        return QFOT_NONE;
    if (src == dst || (src_ours && dst_ours) || src == VK_QUEUE_FAMILY_IGNORED ||
        dst == VK_QUEUE_FAMILY_IGNORED)
        return QFOT_PLAIN;
    uint32_t other = src_ours ? dst : src;
    if (on == VKV4L2_RECORDED_ON_DECODE_FAMILY && !is_special_family(other))
        return dst_ours ? QFOT_ACQUIRE_NO_TRANSITION : QFOT_RELEASE_NO_TRANSITION;
    /* On a driver family, an acquire names the layer family as src.  On the
     * decode family with an external partner, an acquire names it as dst. */
    bool acquire = on == VKV4L2_RECORDED_ON_DRIVER_FAMILY ? src_ours : dst_ours;
    return acquire ? QFOT_ACQUIRE_KEEP : QFOT_RELEASE_KEEP;
}

/* The driver-level layout an image keeps when a replayed half must not
 * transition it. */
static VkImageLayout resting_layout(VkImageLayout layout)
{
    layout = vkv4l2_scrub_layout(layout);
    if (layout == VK_IMAGE_LAYOUT_UNDEFINED || layout == VK_IMAGE_LAYOUT_PREINITIALIZED)
        return VK_IMAGE_LAYOUT_GENERAL;
    return layout;
}

static bool stages_access2_need(VkPipelineStageFlags2 ss, VkAccessFlags2 sa,
                                VkPipelineStageFlags2 ds, VkAccessFlags2 da)
{
    return ((ss | ds) & vkv4l2_video_stages2()) || ((sa | da) & vkv4l2_video_access2());
}

/* Applies the family rewrite; returns the kind so callers can fix layouts
 * and (sync1) command-level stages. */
static enum qfot fix_families(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                              uint32_t *src, uint32_t *dst)
{
    enum qfot kind = classify_qfot(s, on, *src, *dst);
    if (kind != QFOT_NONE) {
        *src = VK_QUEUE_FAMILY_IGNORED;
        *dst = VK_QUEUE_FAMILY_IGNORED;
    }
    return kind;
}

static void fix_layouts(enum qfot kind, VkImageLayout *old_layout, VkImageLayout *new_layout)
{
    if (kind == QFOT_ACQUIRE_NO_TRANSITION) {
        *old_layout = *new_layout = resting_layout(*new_layout);
    } else if (kind == QFOT_RELEASE_NO_TRANSITION) {
        *old_layout = *new_layout = resting_layout(*old_layout);
    } else {
        *old_layout = vkv4l2_scrub_layout(*old_layout);
        *new_layout = vkv4l2_scrub_layout(*new_layout);
    }
}

static void fix_stages2(enum qfot kind, VkPipelineStageFlags2 *ss, VkAccessFlags2 *sa,
                        VkPipelineStageFlags2 *ds, VkAccessFlags2 *da)
{
    *ss = vkv4l2_scrub_stages2(*ss);
    *ds = vkv4l2_scrub_stages2(*ds);
    *sa = vkv4l2_scrub_access2(*sa);
    *da = vkv4l2_scrub_access2(*da);
    if (kind == QFOT_ACQUIRE_KEEP)
        *ss = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
    else if (kind == QFOT_RELEASE_KEEP)
        *ds = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
}

/* ---- sync2 ---- */

static bool image2_needs(const struct vkv4l2_scrub *s, const VkImageMemoryBarrier2 *b)
{
    return vkv4l2_is_video_layout(b->oldLayout) || vkv4l2_is_video_layout(b->newLayout) ||
           stages_access2_need(b->srcStageMask, b->srcAccessMask, b->dstStageMask, b->dstAccessMask) ||
           vkv4l2_is_layer_family(s, b->srcQueueFamilyIndex) ||
           vkv4l2_is_layer_family(s, b->dstQueueFamilyIndex);
}

VkResult vkv4l2_scrub_image_barriers2(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                                      uint32_t count, const VkImageMemoryBarrier2 *in,
                                      const VkImageMemoryBarrier2 **out)
{
    uint32_t first = 0;
    while (first < count && !image2_needs(s, &in[first]))
        first++;
    if (first == count) {
        *out = in;
        return VK_SUCCESS;
    }
    VkImageMemoryBarrier2 *copy = vkv4l2_arena_dup(s->arena, in, sizeof(*in) * count);
    if (!copy)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    for (uint32_t i = first; i < count; i++) {
        VkImageMemoryBarrier2 *b = &copy[i];
        enum qfot kind = fix_families(s, on, &b->srcQueueFamilyIndex, &b->dstQueueFamilyIndex);
        fix_layouts(kind, &b->oldLayout, &b->newLayout);
        fix_stages2(kind, &b->srcStageMask, &b->srcAccessMask, &b->dstStageMask, &b->dstAccessMask);
    }
    *out = copy;
    return VK_SUCCESS;
}

static bool buffer2_needs(const struct vkv4l2_scrub *s, const VkBufferMemoryBarrier2 *b)
{
    return stages_access2_need(b->srcStageMask, b->srcAccessMask, b->dstStageMask, b->dstAccessMask) ||
           vkv4l2_is_layer_family(s, b->srcQueueFamilyIndex) ||
           vkv4l2_is_layer_family(s, b->dstQueueFamilyIndex);
}

VkResult vkv4l2_scrub_buffer_barriers2(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                                       uint32_t count, const VkBufferMemoryBarrier2 *in,
                                       const VkBufferMemoryBarrier2 **out)
{
    uint32_t first = 0;
    while (first < count && !buffer2_needs(s, &in[first]))
        first++;
    if (first == count) {
        *out = in;
        return VK_SUCCESS;
    }
    VkBufferMemoryBarrier2 *copy = vkv4l2_arena_dup(s->arena, in, sizeof(*in) * count);
    if (!copy)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    for (uint32_t i = first; i < count; i++) {
        VkBufferMemoryBarrier2 *b = &copy[i];
        enum qfot kind = fix_families(s, on, &b->srcQueueFamilyIndex, &b->dstQueueFamilyIndex);
        /* A buffer has no transition: a decode-side half is a plain barrier. */
        if (kind == QFOT_ACQUIRE_NO_TRANSITION || kind == QFOT_RELEASE_NO_TRANSITION)
            kind = QFOT_PLAIN;
        fix_stages2(kind, &b->srcStageMask, &b->srcAccessMask, &b->dstStageMask, &b->dstAccessMask);
    }
    *out = copy;
    return VK_SUCCESS;
}

VkResult vkv4l2_scrub_memory_barriers2(const struct vkv4l2_scrub *s, uint32_t count,
                                       const VkMemoryBarrier2 *in, const VkMemoryBarrier2 **out)
{
    uint32_t first = 0;
    while (first < count && !stages_access2_need(in[first].srcStageMask, in[first].srcAccessMask,
                                                 in[first].dstStageMask, in[first].dstAccessMask))
        first++;
    if (first == count) {
        *out = in;
        return VK_SUCCESS;
    }
    VkMemoryBarrier2 *copy = vkv4l2_arena_dup(s->arena, in, sizeof(*in) * count);
    if (!copy)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    for (uint32_t i = first; i < count; i++)
        fix_stages2(QFOT_NONE, &copy[i].srcStageMask, &copy[i].srcAccessMask,
                    &copy[i].dstStageMask, &copy[i].dstAccessMask);
    *out = copy;
    return VK_SUCCESS;
}

/* Scrubs one info into *dst (a copy of *src); *changed tells whether any
 * array was replaced. */
static VkResult scrub_one_dependency(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                                     VkDependencyInfo *d, bool *changed)
{
    const VkMemoryBarrier2 *m;
    const VkBufferMemoryBarrier2 *b;
    const VkImageMemoryBarrier2 *i;
    VkResult r = vkv4l2_scrub_memory_barriers2(s, d->memoryBarrierCount, d->pMemoryBarriers, &m);
    if (r == VK_SUCCESS)
        r = vkv4l2_scrub_buffer_barriers2(s, on, d->bufferMemoryBarrierCount,
                                          d->pBufferMemoryBarriers, &b);
    if (r == VK_SUCCESS)
        r = vkv4l2_scrub_image_barriers2(s, on, d->imageMemoryBarrierCount,
                                         d->pImageMemoryBarriers, &i);
    if (r != VK_SUCCESS)
        return r;
    *changed = m != d->pMemoryBarriers || b != d->pBufferMemoryBarriers ||
               i != d->pImageMemoryBarriers;
    d->pMemoryBarriers = m;
    d->pBufferMemoryBarriers = b;
    d->pImageMemoryBarriers = i;
    return VK_SUCCESS;
}

VkResult vkv4l2_scrub_dependency_infos(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                                       uint32_t count, const VkDependencyInfo *in,
                                       const VkDependencyInfo **out)
{
    VkDependencyInfo *copy = NULL;
    for (uint32_t k = 0; k < count; k++) {
        VkDependencyInfo d = in[k];
        bool changed;
        VkResult r = scrub_one_dependency(s, on, &d, &changed);
        if (r != VK_SUCCESS)
            return r;
        if (!changed)
            continue;
        if (!copy) {
            copy = vkv4l2_arena_dup(s->arena, in, sizeof(*in) * count);
            if (!copy)
                return VK_ERROR_OUT_OF_HOST_MEMORY;
        }
        copy[k] = d;
    }
    *out = copy ? copy : in;
    return VK_SUCCESS;
}

/* ---- sync1 ---- */

static bool image1_needs(const struct vkv4l2_scrub *s, const VkImageMemoryBarrier *b)
{
    return vkv4l2_is_video_layout(b->oldLayout) || vkv4l2_is_video_layout(b->newLayout) ||
           vkv4l2_is_layer_family(s, b->srcQueueFamilyIndex) ||
           vkv4l2_is_layer_family(s, b->dstQueueFamilyIndex);
}

static bool buffer1_needs(const struct vkv4l2_scrub *s, const VkBufferMemoryBarrier *b)
{
    return vkv4l2_is_layer_family(s, b->srcQueueFamilyIndex) ||
           vkv4l2_is_layer_family(s, b->dstQueueFamilyIndex);
}

static void widen1(struct vkv4l2_barriers1 *b, bool src_fixed, enum qfot kind)
{
    if (kind == QFOT_ACQUIRE_KEEP && !src_fixed)
        b->src_stages = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
    else if (kind == QFOT_RELEASE_KEEP)
        b->dst_stages = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
}

VkResult vkv4l2_scrub_barriers1(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                                bool src_stages_fixed, struct vkv4l2_barriers1 *b)
{
    uint32_t first_buf = 0, first_img = 0;
    while (first_buf < b->buffer_count && !buffer1_needs(s, &b->buffers[first_buf]))
        first_buf++;
    while (first_img < b->image_count && !image1_needs(s, &b->images[first_img]))
        first_img++;

    VkBufferMemoryBarrier *bufs = NULL;
    VkImageMemoryBarrier *imgs = NULL;
    if (first_buf < b->buffer_count) {
        bufs = vkv4l2_arena_dup(s->arena, b->buffers, sizeof(*bufs) * b->buffer_count);
        if (!bufs)
            return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    if (first_img < b->image_count) {
        imgs = vkv4l2_arena_dup(s->arena, b->images, sizeof(*imgs) * b->image_count);
        if (!imgs)
            return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    /* Nothing can fail from here: *b changes all at once. */
    for (uint32_t i = first_buf; bufs && i < b->buffer_count; i++) {
        enum qfot kind = fix_families(s, on, &bufs[i].srcQueueFamilyIndex,
                                      &bufs[i].dstQueueFamilyIndex);
        widen1(b, src_stages_fixed, kind);
    }
    for (uint32_t i = first_img; imgs && i < b->image_count; i++) {
        enum qfot kind = fix_families(s, on, &imgs[i].srcQueueFamilyIndex,
                                      &imgs[i].dstQueueFamilyIndex);
        fix_layouts(kind, &imgs[i].oldLayout, &imgs[i].newLayout);
        widen1(b, src_stages_fixed, kind);
    }
    if (bufs)
        b->buffers = bufs;
    if (imgs)
        b->images = imgs;
    return VK_SUCCESS;
}
