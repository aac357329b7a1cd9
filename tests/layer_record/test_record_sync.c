/* Unit test of the command recorder's synchronization, event, timestamp
 * and debug-label commands: every array (and its barriers' dropped pNext)
 * copied, originals scribbled over and freed before the check. */
#include <string.h>

#include "app_frames.h"

/* count structs of size bytes, seeded, each with sType and no pNext. */
static void *new_array(size_t size, uint32_t count, VkStructureType stype, uint32_t *rng)
{
    unsigned char *a = malloc(size * count);
    EXPECT(a);
    app_fill(a, size * count, rng);
    for (uint32_t i = 0; i < count; i++) {
        VkBaseOutStructure *s = (VkBaseOutStructure *)(void *)(a + i * size);
        s->sType = stype;
        s->pNext = NULL;
    }
    return a;
}

static void check_array(const void *got, const void *want, size_t size, uint32_t count)
{
    EXPECT(got && got != want);
    for (uint32_t i = 0; i < count; i++)
        app_check_flat_copy((const unsigned char *)got + i * size,
                            (const unsigned char *)want + i * size, size);
}

struct sync1 {
    VkMemoryBarrier *mem;
    VkBufferMemoryBarrier *buf;
    VkImageMemoryBarrier *img;
    VkEvent events[3];
};

static struct sync1 sync1_new(uint32_t seed)
{
    uint32_t rng = seed;
    struct sync1 s = {
        .mem = new_array(sizeof(*s.mem), 2, VK_STRUCTURE_TYPE_MEMORY_BARRIER, &rng),
        .buf = new_array(sizeof(*s.buf), 1, VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER, &rng),
        .img = new_array(sizeof(*s.img), 2, VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER, &rng),
    };
    for (int i = 0; i < 3; i++)
        s.events[i] = APP_HANDLE(VkEvent, 0xe000 + 16 * (seed + i));
    return s;
}

static void sync1_free(struct sync1 *s)
{
    app_scribble_free(s->mem, 2 * sizeof(*s->mem));
    app_scribble_free(s->buf, sizeof(*s->buf));
    app_scribble_free(s->img, 2 * sizeof(*s->img));
}

static void check_sync1(const struct vkv4l2_cmd_barrier1 *got, const struct sync1 *want)
{
    EXPECT(got->src_stage_mask == VK_PIPELINE_STAGE_TRANSFER_BIT);
    EXPECT(got->dst_stage_mask == VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
    EXPECT(got->memory_barrier_count == 2);
    check_array(got->memory_barriers, want->mem, sizeof(*want->mem), 2);
    EXPECT(got->buffer_memory_barrier_count == 1);
    check_array(got->buffer_memory_barriers, want->buf, sizeof(*want->buf), 1);
    EXPECT(got->image_memory_barrier_count == 2);
    check_array(got->image_memory_barriers, want->img, sizeof(*want->img), 2);
}

/* A VkDependencyInfo with every kind of barrier array. */
static VkDependencyInfo *dep2_new(uint32_t seed)
{
    uint32_t rng = seed;
    VkDependencyInfo *d = calloc(1, sizeof(*d));
    EXPECT(d);
    *d = (VkDependencyInfo){
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
        .dependencyFlags = seed & 1 ? VK_DEPENDENCY_BY_REGION_BIT : 0,
        .memoryBarrierCount = 1,
        .pMemoryBarriers = new_array(sizeof(VkMemoryBarrier2), 1,
                                     VK_STRUCTURE_TYPE_MEMORY_BARRIER_2, &rng),
        .bufferMemoryBarrierCount = 3,
        .pBufferMemoryBarriers = new_array(sizeof(VkBufferMemoryBarrier2), 3,
                                           VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2, &rng),
        .imageMemoryBarrierCount = 2,
        .pImageMemoryBarriers = new_array(sizeof(VkImageMemoryBarrier2), 2,
                                          VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2, &rng),
    };
    return d;
}

static void dep2_free(VkDependencyInfo *d)
{
    app_scribble_free((void *)d->pMemoryBarriers, sizeof(VkMemoryBarrier2));
    app_scribble_free((void *)d->pBufferMemoryBarriers, 3 * sizeof(VkBufferMemoryBarrier2));
    app_scribble_free((void *)d->pImageMemoryBarriers, 2 * sizeof(VkImageMemoryBarrier2));
    app_scribble_free(d, sizeof(*d));
}

static void check_dep2(const VkDependencyInfo *got, const VkDependencyInfo *want)
{
    EXPECT(got->sType == VK_STRUCTURE_TYPE_DEPENDENCY_INFO && got->pNext == NULL);
    EXPECT(got->dependencyFlags == want->dependencyFlags);
    EXPECT(got->memoryBarrierCount == 1);
    check_array(got->pMemoryBarriers, want->pMemoryBarriers, sizeof(VkMemoryBarrier2), 1);
    EXPECT(got->bufferMemoryBarrierCount == 3);
    check_array(got->pBufferMemoryBarriers, want->pBufferMemoryBarriers,
                sizeof(VkBufferMemoryBarrier2), 3);
    EXPECT(got->imageMemoryBarrierCount == 2);
    check_array(got->pImageMemoryBarriers, want->pImageMemoryBarriers,
                sizeof(VkImageMemoryBarrier2), 2);
}

static VkDebugUtilsLabelEXT *label_new(const char *name, float shade)
{
    VkDebugUtilsLabelEXT *l = calloc(1, sizeof(*l));
    EXPECT(l);
    l->sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_LABEL_EXT;
    l->pLabelName = strdup(name);
    EXPECT(l->pLabelName);
    for (int i = 0; i < 4; i++)
        l->color[i] = shade * (float)(i + 1);
    return l;
}

static void label_free(VkDebugUtilsLabelEXT *l)
{
    app_scribble_free((void *)l->pLabelName, strlen(l->pLabelName) + 1);
    app_scribble_free(l, sizeof(*l));
}

static void check_label(const VkDebugUtilsLabelEXT *got, const char *name, float shade)
{
    EXPECT(got->sType == VK_STRUCTURE_TYPE_DEBUG_UTILS_LABEL_EXT && got->pNext == NULL);
    EXPECT(got->pLabelName && strcmp(got->pLabelName, name) == 0);
    for (int i = 0; i < 4; i++)
        EXPECT(got->color[i] == shade * (float)(i + 1));
}

static void test_sync_and_labels(void)
{
    struct vkv4l2_cmd_list list;
    vkv4l2_cmd_list_init(&list, NULL);
    const VkPipelineStageFlags src = VK_PIPELINE_STAGE_TRANSFER_BIT;
    const VkPipelineStageFlags dst = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;

    struct sync1 s1 = sync1_new(1), s2 = sync1_new(2);
    VkSampleLocationsInfoEXT locations = { .sType = VK_STRUCTURE_TYPE_SAMPLE_LOCATIONS_INFO_EXT };
    s1.img[1].pNext = &locations;
    EXPECT(vkv4l2_record_pipeline_barrier(&list, src, dst, VK_DEPENDENCY_BY_REGION_BIT,
                                          2, s1.mem, 1, s1.buf, 2, s1.img) == VK_SUCCESS);
    EXPECT(list.dropped_struct_count == 1);
    s1.img[1].pNext = NULL;
    EXPECT(vkv4l2_record_wait_events(&list, 3, s2.events, src, dst, 2, s2.mem, 1, s2.buf,
                                     2, s2.img) == VK_SUCCESS);
    EXPECT(vkv4l2_record_set_event(&list, s1.events[0], src) == VK_SUCCESS);
    EXPECT(vkv4l2_record_reset_event(&list, s1.events[1], dst) == VK_SUCCESS);

    VkDependencyInfo *d1 = dep2_new(11), *d2 = dep2_new(12), *d3 = dep2_new(13);
    VkDependencyInfo *pair = malloc(2 * sizeof(*pair));
    VkEvent *events2 = malloc(2 * sizeof(*events2));
    EXPECT(pair && events2);
    pair[0] = *d2;
    pair[1] = *d3;
    events2[0] = s2.events[2];
    events2[1] = s2.events[0];
    EXPECT(vkv4l2_record_set_event2(&list, s1.events[2], d1) == VK_SUCCESS);
    EXPECT(vkv4l2_record_reset_event2(&list, s1.events[0],
                                      VK_PIPELINE_STAGE_2_VIDEO_DECODE_BIT_KHR) == VK_SUCCESS);
    EXPECT(vkv4l2_record_wait_events2(&list, 2, events2, pair) == VK_SUCCESS);
    EXPECT(vkv4l2_record_write_timestamp(&list, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                                         APP_HANDLE(VkQueryPool, 0x7700), 9) == VK_SUCCESS);
    EXPECT(vkv4l2_record_write_timestamp2(&list, VK_PIPELINE_STAGE_2_VIDEO_DECODE_BIT_KHR,
                                          APP_HANDLE(VkQueryPool, 0x7710), 10) == VK_SUCCESS);

    VkDebugUtilsLabelEXT *l1 = label_new("vkv4l2 frame 17", 0.125f);
    VkDebugUtilsLabelEXT *l2 = label_new("", 0.25f);
    EXPECT(vkv4l2_record_begin_debug_label(&list, l1) == VK_SUCCESS);
    EXPECT(vkv4l2_record_insert_debug_label(&list, l2) == VK_SUCCESS);
    EXPECT(vkv4l2_record_end_debug_label(&list) == VK_SUCCESS);
    EXPECT(list.count == 12);
    EXPECT(list.dropped_struct_count == 1);

    /* Gone: everything the app passed. */
    sync1_free(&s1);
    sync1_free(&s2);
    dep2_free(d1);
    dep2_free(d2);
    dep2_free(d3);
    app_scribble_free(pair, 2 * sizeof(*pair));
    app_scribble_free(events2, 2 * sizeof(*events2));
    label_free(l1);
    label_free(l2);

    struct sync1 w1 = sync1_new(1), w2 = sync1_new(2);
    const struct vkv4l2_cmd *c = list.first;
    EXPECT(c->type == VKV4L2_CMD_PIPELINE_BARRIER);
    check_sync1(&c->u.pipeline_barrier, &w1);
    EXPECT(c->u.pipeline_barrier.dependency_flags == VK_DEPENDENCY_BY_REGION_BIT);
    EXPECT(c->u.pipeline_barrier.event_count == 0 && c->u.pipeline_barrier.events == NULL);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_WAIT_EVENTS);
    check_sync1(&c->u.wait_events, &w2);
    EXPECT(c->u.wait_events.event_count == 3);
    EXPECT(memcmp(c->u.wait_events.events, w2.events, sizeof(w2.events)) == 0);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_SET_EVENT);
    EXPECT(c->u.event.event == w1.events[0] && c->u.event.stage_mask == src);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_RESET_EVENT);
    EXPECT(c->u.event.event == w1.events[1] && c->u.event.stage_mask == dst);

    VkDependencyInfo *w_d1 = dep2_new(11), *w_d2 = dep2_new(12), *w_d3 = dep2_new(13);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_SET_EVENT2);
    EXPECT(c->u.set_event2.event == w1.events[2]);
    check_dep2(&c->u.set_event2.dependency_info, w_d1);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_RESET_EVENT2);
    EXPECT(c->u.reset_event2.event == w1.events[0]);
    EXPECT(c->u.reset_event2.stage_mask == VK_PIPELINE_STAGE_2_VIDEO_DECODE_BIT_KHR);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_WAIT_EVENTS2);
    EXPECT(c->u.wait_events2.event_count == 2);
    EXPECT(c->u.wait_events2.events[0] == w2.events[2]);
    EXPECT(c->u.wait_events2.events[1] == w2.events[0]);
    check_dep2(&c->u.wait_events2.dependency_infos[0], w_d2);
    check_dep2(&c->u.wait_events2.dependency_infos[1], w_d3);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_WRITE_TIMESTAMP);
    EXPECT(c->u.write_timestamp.pipeline_stage == VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
    EXPECT(c->u.write_timestamp.query_pool == APP_HANDLE(VkQueryPool, 0x7700));
    EXPECT(c->u.write_timestamp.query == 9);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_WRITE_TIMESTAMP2);
    EXPECT(c->u.write_timestamp2.stage == VK_PIPELINE_STAGE_2_VIDEO_DECODE_BIT_KHR);
    EXPECT(c->u.write_timestamp2.query_pool == APP_HANDLE(VkQueryPool, 0x7710));
    EXPECT(c->u.write_timestamp2.query == 10);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_BEGIN_DEBUG_LABEL);
    check_label(&c->u.label, "vkv4l2 frame 17", 0.125f);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_INSERT_DEBUG_LABEL);
    check_label(&c->u.label, "", 0.25f);
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_END_DEBUG_LABEL);
    EXPECT(c->next == NULL && c == list.last);

    sync1_free(&w1);
    sync1_free(&w2);
    dep2_free(w_d1);
    dep2_free(w_d2);
    dep2_free(w_d3);
    vkv4l2_cmd_list_fini(&list);
}

/* Arrays the app passes as NULL with a zero count stay NULL. */
static void test_empty_arrays(void)
{
    struct vkv4l2_cmd_list list;
    vkv4l2_cmd_list_init(&list, NULL);
    VkDependencyInfo empty = { .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO };
    EXPECT(vkv4l2_record_pipeline_barrier2(&list, &empty) == VK_SUCCESS);
    EXPECT(vkv4l2_record_pipeline_barrier(&list, 0, 0, 0, 0, NULL, 0, NULL, 0, NULL) == VK_SUCCESS);
    VkDebugUtilsLabelEXT unnamed = { .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_LABEL_EXT };
    EXPECT(vkv4l2_record_insert_debug_label(&list, &unnamed) == VK_SUCCESS);
    const struct vkv4l2_cmd *c = list.first;
    EXPECT(c->u.pipeline_barrier2.pMemoryBarriers == NULL);
    EXPECT(c->u.pipeline_barrier2.pBufferMemoryBarriers == NULL);
    EXPECT(c->u.pipeline_barrier2.pImageMemoryBarriers == NULL);
    c = c->next;
    EXPECT(c->u.pipeline_barrier.memory_barriers == NULL);
    EXPECT(c->u.pipeline_barrier.image_memory_barriers == NULL);
    c = c->next;
    EXPECT(c->u.label.pLabelName == NULL);
    EXPECT(list.count == 3);
    vkv4l2_cmd_list_fini(&list);
}

int main(void)
{
    test_sync_and_labels();
    test_empty_arrays();
    printf("ok\n");
    return 0;
}
