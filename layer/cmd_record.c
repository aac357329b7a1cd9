/* The command list: block storage, the append protocol, and the commands
 * whose parameters are plain values (queries, timestamps, events, labels).
 * Video and synchronization structs are deep-copied in cmd_copy_*.c. */
#include "cmd_copy.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_ALIGN 16
#define FIRST_BLOCK_SIZE 4096
#define MAX_BLOCK_SIZE (64 * 1024)

/* Bump-allocated storage; a command buffer's copies live until reset, so
 * nothing is freed individually. */
struct vkv4l2_cmd_block {
    struct vkv4l2_cmd_block *next;
    size_t size;
    size_t used;
    _Alignas(BLOCK_ALIGN) unsigned char data[];
};

static void *host_alloc(struct vkv4l2_cmd_list *list, size_t size)
{
    if (list->has_alloc)
        return list->alloc.pfnAllocation(list->alloc.pUserData, size, BLOCK_ALIGN,
                                         VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
    return malloc(size);
}

static void host_free(struct vkv4l2_cmd_list *list, void *p)
{
    if (list->has_alloc)
        list->alloc.pfnFree(list->alloc.pUserData, p);
    else
        free(p);
}

void *vkv4l2_cmd_alloc(struct vkv4l2_cmd_list *list, size_t size)
{
    size = (size + BLOCK_ALIGN - 1) & ~(size_t)(BLOCK_ALIGN - 1);
    struct vkv4l2_cmd_block *b = list->blocks;
    if (!b || b->size - b->used < size) {
        /* Blocks grow geometrically so long recordings make few calls into
         * the allocator; an oversized request gets a block of its own. */
        size_t want = list->next_block_size;
        if (want < size)
            want = size;
        b = host_alloc(list, sizeof(*b) + want);
        if (!b) {
            list->copy_failed = true;
            return NULL;
        }
        b->size = want;
        b->used = 0;
        b->next = list->blocks;
        list->blocks = b;
        if (list->next_block_size < MAX_BLOCK_SIZE)
            list->next_block_size *= 2;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void *vkv4l2_cmd_dup_array(struct vkv4l2_cmd_list *list, const void *src,
                           size_t elem_size, size_t count)
{
    if (!src || !count || !elem_size)
        return NULL;
    if (count > SIZE_MAX / elem_size) {
        list->copy_failed = true;
        return NULL;
    }
    void *p = vkv4l2_cmd_alloc(list, elem_size * count);
    if (p)
        memcpy(p, src, elem_size * count);
    return p;
}

void vkv4l2_cmd_note_dropped(struct vkv4l2_cmd_list *list, VkStructureType parent,
                             VkStructureType dropped)
{
    list->dropped_struct_count++;
    if (list->on_drop)
        list->on_drop(list->on_drop_user, list->recording, parent, dropped);
}

const void *vkv4l2_cmd_drop_chain(struct vkv4l2_cmd_list *list, VkStructureType parent,
                                  const void *chain)
{
    for (const VkBaseInStructure *s = chain; s; s = s->pNext)
        vkv4l2_cmd_note_dropped(list, parent, s->sType);
    return NULL;
}

void vkv4l2_cmd_list_init(struct vkv4l2_cmd_list *list, const VkAllocationCallbacks *alloc)
{
    memset(list, 0, sizeof(*list));
    if (alloc) {
        list->alloc = *alloc;
        list->has_alloc = true;
    }
    list->next_block_size = FIRST_BLOCK_SIZE;
    list->status = VK_SUCCESS;
}

void vkv4l2_cmd_list_set_drop_callback(struct vkv4l2_cmd_list *list,
                                       vkv4l2_cmd_drop_fn fn, void *user)
{
    list->on_drop = fn;
    list->on_drop_user = user;
}

void vkv4l2_cmd_list_reset(struct vkv4l2_cmd_list *list)
{
    struct vkv4l2_cmd_block *b = list->blocks;
    while (b) {
        struct vkv4l2_cmd_block *next = b->next;
        host_free(list, b);
        b = next;
    }
    list->blocks = NULL;
    list->next_block_size = FIRST_BLOCK_SIZE;
    list->first = list->last = NULL;
    list->count = 0;
    list->dropped_struct_count = 0;
    list->status = VK_SUCCESS;
    list->copy_failed = false;
}

void vkv4l2_cmd_list_fini(struct vkv4l2_cmd_list *list)
{
    vkv4l2_cmd_list_reset(list);
}

/* Append protocol: begin_cmd allocates the entry (NULL once the list has
 * failed), the caller fills and deep-copies, finish_cmd links it only if
 * no allocation failed on the way. */
static struct vkv4l2_cmd *begin_cmd(struct vkv4l2_cmd_list *list, enum vkv4l2_cmd_type type)
{
    if (list->status != VK_SUCCESS)
        return NULL;
    list->copy_failed = false;
    list->recording = type;
    struct vkv4l2_cmd *cmd = vkv4l2_cmd_alloc(list, sizeof(*cmd));
    if (cmd)
        cmd->type = type;
    return cmd;
}

static VkResult finish_cmd(struct vkv4l2_cmd_list *list, struct vkv4l2_cmd *cmd)
{
    if (list->status != VK_SUCCESS)
        return list->status;
    if (!cmd || list->copy_failed) {
        list->status = VK_ERROR_OUT_OF_HOST_MEMORY;
        return list->status;
    }
    if (list->last)
        list->last->next = cmd;
    else
        list->first = cmd;
    list->last = cmd;
    list->count++;
    return VK_SUCCESS;
}

const char *vkv4l2_cmd_type_name(enum vkv4l2_cmd_type type)
{
    static const char *const names[VKV4L2_CMD_TYPE_COUNT] = {
        [VKV4L2_CMD_BEGIN_VIDEO_CODING] = "vkCmdBeginVideoCodingKHR",
        [VKV4L2_CMD_END_VIDEO_CODING] = "vkCmdEndVideoCodingKHR",
        [VKV4L2_CMD_CONTROL_VIDEO_CODING] = "vkCmdControlVideoCodingKHR",
        [VKV4L2_CMD_DECODE_VIDEO] = "vkCmdDecodeVideoKHR",
        [VKV4L2_CMD_PIPELINE_BARRIER] = "vkCmdPipelineBarrier",
        [VKV4L2_CMD_PIPELINE_BARRIER2] = "vkCmdPipelineBarrier2",
        [VKV4L2_CMD_RESET_QUERY_POOL] = "vkCmdResetQueryPool",
        [VKV4L2_CMD_BEGIN_QUERY] = "vkCmdBeginQuery",
        [VKV4L2_CMD_END_QUERY] = "vkCmdEndQuery",
        [VKV4L2_CMD_WRITE_TIMESTAMP] = "vkCmdWriteTimestamp",
        [VKV4L2_CMD_WRITE_TIMESTAMP2] = "vkCmdWriteTimestamp2",
        [VKV4L2_CMD_SET_EVENT] = "vkCmdSetEvent",
        [VKV4L2_CMD_RESET_EVENT] = "vkCmdResetEvent",
        [VKV4L2_CMD_WAIT_EVENTS] = "vkCmdWaitEvents",
        [VKV4L2_CMD_SET_EVENT2] = "vkCmdSetEvent2",
        [VKV4L2_CMD_RESET_EVENT2] = "vkCmdResetEvent2",
        [VKV4L2_CMD_WAIT_EVENTS2] = "vkCmdWaitEvents2",
        [VKV4L2_CMD_BEGIN_DEBUG_LABEL] = "vkCmdBeginDebugUtilsLabelEXT",
        [VKV4L2_CMD_END_DEBUG_LABEL] = "vkCmdEndDebugUtilsLabelEXT",
        [VKV4L2_CMD_INSERT_DEBUG_LABEL] = "vkCmdInsertDebugUtilsLabelEXT",
    };
    if ((unsigned)type >= VKV4L2_CMD_TYPE_COUNT)
        return "unknown command";
    return names[type];
}

/* ---- video coding scope ---- */

VkResult vkv4l2_record_begin_video_coding(struct vkv4l2_cmd_list *list,
                                          const VkVideoBeginCodingInfoKHR *info)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_BEGIN_VIDEO_CODING);
    if (cmd) {
        cmd->u.begin_video_coding = *info;
        vkv4l2_copy_begin_coding(list, &cmd->u.begin_video_coding);
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_end_video_coding(struct vkv4l2_cmd_list *list,
                                        const VkVideoEndCodingInfoKHR *info)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_END_VIDEO_CODING);
    if (cmd) {
        cmd->u.end_video_coding = *info;
        cmd->u.end_video_coding.pNext = vkv4l2_cmd_drop_chain(list, info->sType, info->pNext);
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_control_video_coding(struct vkv4l2_cmd_list *list,
                                            const VkVideoCodingControlInfoKHR *info)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_CONTROL_VIDEO_CODING);
    if (cmd) {
        cmd->u.control_video_coding = *info;
        vkv4l2_copy_control_coding(list, &cmd->u.control_video_coding);
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_decode_video(struct vkv4l2_cmd_list *list,
                                    const VkVideoDecodeInfoKHR *info)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_DECODE_VIDEO);
    if (cmd) {
        cmd->u.decode_video = *info;
        vkv4l2_copy_decode_info(list, &cmd->u.decode_video);
    }
    return finish_cmd(list, cmd);
}

/* ---- barriers and events ---- */

VkResult vkv4l2_record_pipeline_barrier(struct vkv4l2_cmd_list *list,
                                        VkPipelineStageFlags src_stage_mask,
                                        VkPipelineStageFlags dst_stage_mask,
                                        VkDependencyFlags dependency_flags,
                                        uint32_t memory_barrier_count,
                                        const VkMemoryBarrier *memory_barriers,
                                        uint32_t buffer_memory_barrier_count,
                                        const VkBufferMemoryBarrier *buffer_memory_barriers,
                                        uint32_t image_memory_barrier_count,
                                        const VkImageMemoryBarrier *image_memory_barriers)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_PIPELINE_BARRIER);
    if (cmd) {
        cmd->u.pipeline_barrier = (struct vkv4l2_cmd_barrier1){
            .src_stage_mask = src_stage_mask,
            .dst_stage_mask = dst_stage_mask,
            .dependency_flags = dependency_flags,
            .memory_barrier_count = memory_barrier_count,
            .memory_barriers = memory_barriers,
            .buffer_memory_barrier_count = buffer_memory_barrier_count,
            .buffer_memory_barriers = buffer_memory_barriers,
            .image_memory_barrier_count = image_memory_barrier_count,
            .image_memory_barriers = image_memory_barriers,
        };
        vkv4l2_copy_barrier1(list, &cmd->u.pipeline_barrier);
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_pipeline_barrier2(struct vkv4l2_cmd_list *list,
                                         const VkDependencyInfo *dependency_info)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_PIPELINE_BARRIER2);
    if (cmd) {
        cmd->u.pipeline_barrier2 = *dependency_info;
        vkv4l2_copy_dependency_info(list, &cmd->u.pipeline_barrier2);
    }
    return finish_cmd(list, cmd);
}

static VkResult record_event(struct vkv4l2_cmd_list *list, enum vkv4l2_cmd_type type,
                             VkEvent event, VkPipelineStageFlags stage_mask)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, type);
    if (cmd) {
        cmd->u.event.event = event;
        cmd->u.event.stage_mask = stage_mask;
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_set_event(struct vkv4l2_cmd_list *list, VkEvent event,
                                 VkPipelineStageFlags stage_mask)
{
    return record_event(list, VKV4L2_CMD_SET_EVENT, event, stage_mask);
}

VkResult vkv4l2_record_reset_event(struct vkv4l2_cmd_list *list, VkEvent event,
                                   VkPipelineStageFlags stage_mask)
{
    return record_event(list, VKV4L2_CMD_RESET_EVENT, event, stage_mask);
}

VkResult vkv4l2_record_wait_events(struct vkv4l2_cmd_list *list, uint32_t event_count,
                                   const VkEvent *events,
                                   VkPipelineStageFlags src_stage_mask,
                                   VkPipelineStageFlags dst_stage_mask,
                                   uint32_t memory_barrier_count,
                                   const VkMemoryBarrier *memory_barriers,
                                   uint32_t buffer_memory_barrier_count,
                                   const VkBufferMemoryBarrier *buffer_memory_barriers,
                                   uint32_t image_memory_barrier_count,
                                   const VkImageMemoryBarrier *image_memory_barriers)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_WAIT_EVENTS);
    if (cmd) {
        cmd->u.wait_events = (struct vkv4l2_cmd_barrier1){
            .event_count = event_count,
            .events = events,
            .src_stage_mask = src_stage_mask,
            .dst_stage_mask = dst_stage_mask,
            .memory_barrier_count = memory_barrier_count,
            .memory_barriers = memory_barriers,
            .buffer_memory_barrier_count = buffer_memory_barrier_count,
            .buffer_memory_barriers = buffer_memory_barriers,
            .image_memory_barrier_count = image_memory_barrier_count,
            .image_memory_barriers = image_memory_barriers,
        };
        vkv4l2_copy_barrier1(list, &cmd->u.wait_events);
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_set_event2(struct vkv4l2_cmd_list *list, VkEvent event,
                                  const VkDependencyInfo *dependency_info)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_SET_EVENT2);
    if (cmd) {
        cmd->u.set_event2.event = event;
        cmd->u.set_event2.dependency_info = *dependency_info;
        vkv4l2_copy_dependency_info(list, &cmd->u.set_event2.dependency_info);
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_reset_event2(struct vkv4l2_cmd_list *list, VkEvent event,
                                    VkPipelineStageFlags2 stage_mask)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_RESET_EVENT2);
    if (cmd) {
        cmd->u.reset_event2.event = event;
        cmd->u.reset_event2.stage_mask = stage_mask;
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_wait_events2(struct vkv4l2_cmd_list *list, uint32_t event_count,
                                    const VkEvent *events,
                                    const VkDependencyInfo *dependency_infos)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_WAIT_EVENTS2);
    if (cmd) {
        cmd->u.wait_events2.event_count = event_count;
        cmd->u.wait_events2.events =
            vkv4l2_cmd_dup_array(list, events, sizeof(*events), event_count);
        VkDependencyInfo *infos =
            vkv4l2_cmd_dup_array(list, dependency_infos, sizeof(*dependency_infos), event_count);
        for (uint32_t i = 0; infos && i < event_count; i++)
            vkv4l2_copy_dependency_info(list, &infos[i]);
        cmd->u.wait_events2.dependency_infos = infos;
    }
    return finish_cmd(list, cmd);
}

/* ---- queries ---- */

VkResult vkv4l2_record_reset_query_pool(struct vkv4l2_cmd_list *list, VkQueryPool pool,
                                        uint32_t first_query, uint32_t query_count)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_RESET_QUERY_POOL);
    if (cmd) {
        cmd->u.reset_query_pool.query_pool = pool;
        cmd->u.reset_query_pool.first_query = first_query;
        cmd->u.reset_query_pool.query_count = query_count;
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_begin_query(struct vkv4l2_cmd_list *list, VkQueryPool pool,
                                   uint32_t query, VkQueryControlFlags flags)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_BEGIN_QUERY);
    if (cmd) {
        cmd->u.begin_query.query_pool = pool;
        cmd->u.begin_query.query = query;
        cmd->u.begin_query.flags = flags;
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_end_query(struct vkv4l2_cmd_list *list, VkQueryPool pool,
                                 uint32_t query)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_END_QUERY);
    if (cmd) {
        cmd->u.end_query.query_pool = pool;
        cmd->u.end_query.query = query;
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_write_timestamp(struct vkv4l2_cmd_list *list,
                                       VkPipelineStageFlagBits stage,
                                       VkQueryPool pool, uint32_t query)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_WRITE_TIMESTAMP);
    if (cmd) {
        cmd->u.write_timestamp.pipeline_stage = stage;
        cmd->u.write_timestamp.query_pool = pool;
        cmd->u.write_timestamp.query = query;
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_write_timestamp2(struct vkv4l2_cmd_list *list,
                                        VkPipelineStageFlags2 stage,
                                        VkQueryPool pool, uint32_t query)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, VKV4L2_CMD_WRITE_TIMESTAMP2);
    if (cmd) {
        cmd->u.write_timestamp2.stage = stage;
        cmd->u.write_timestamp2.query_pool = pool;
        cmd->u.write_timestamp2.query = query;
    }
    return finish_cmd(list, cmd);
}

/* ---- debug labels ---- */

static VkResult record_label(struct vkv4l2_cmd_list *list, enum vkv4l2_cmd_type type,
                             const VkDebugUtilsLabelEXT *label)
{
    struct vkv4l2_cmd *cmd = begin_cmd(list, type);
    if (cmd) {
        cmd->u.label = *label;
        cmd->u.label.pNext = vkv4l2_cmd_drop_chain(list, label->sType, label->pNext);
        if (label->pLabelName)
            cmd->u.label.pLabelName = vkv4l2_cmd_dup_array(list, label->pLabelName, 1,
                                                           strlen(label->pLabelName) + 1);
    }
    return finish_cmd(list, cmd);
}

VkResult vkv4l2_record_begin_debug_label(struct vkv4l2_cmd_list *list,
                                         const VkDebugUtilsLabelEXT *label)
{
    return record_label(list, VKV4L2_CMD_BEGIN_DEBUG_LABEL, label);
}

VkResult vkv4l2_record_end_debug_label(struct vkv4l2_cmd_list *list)
{
    return finish_cmd(list, begin_cmd(list, VKV4L2_CMD_END_DEBUG_LABEL));
}

VkResult vkv4l2_record_insert_debug_label(struct vkv4l2_cmd_list *list,
                                          const VkDebugUtilsLabelEXT *label)
{
    return record_label(list, VKV4L2_CMD_INSERT_DEBUG_LABEL, label);
}
