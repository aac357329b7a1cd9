#include "copy_path.h"

#include "copy_readers.h"

#include <stdlib.h>
#include <string.h>

#include "cmd_buffer.h"
#include "device.h"
#include "image.h"
#include "log.h"
#include "queue.h"
#include "sync_proxy.h"
#include "video_caps.h"

#define MAX_JOBS 64
#define MAX_JOB_IMAGES 8
#define MAX_TRIGGERS 8
#define MAX_FAMILIES 8
#define RING_SIZE 8

struct copy_job {
    bool used;
    const struct vkv4l2_queue *queue; /* the decode submission it belongs to */
    uint64_t seq;
    uint32_t image_count;
    struct vkv4l2_image *images[MAX_JOB_IMAGES];
    uint32_t layers[MAX_JOB_IMAGES];
    uint32_t trigger_count;
    VkSemaphore triggers[MAX_TRIGGERS];
    uint64_t values[MAX_TRIGGERS]; /* timeline values; 0 for binary */
};

struct copy_ring {
    VkCommandPool pool;
    VkCommandBuffer cmd[RING_SIZE];
    VkFence fence[RING_SIZE];
    bool used[RING_SIZE];
    unsigned next;
};

struct vkv4l2_copy_state {
    pthread_mutex_t lock;
    struct copy_job jobs[MAX_JOBS];
    unsigned next_job;
    struct copy_ring rings[MAX_FAMILIES];
    VkFence pending_fence; /* to submit after the current application submission */
};

/* Allocated at the first copy-path decode; the decode queue's submit path
 * is externally synchronized per queue, so two queues racing here is the
 * only case: guarded by a process-wide lock. */
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

static struct vkv4l2_copy_state *state(struct vkv4l2_device *dev)
{
    pthread_mutex_lock(&state_lock);
    if (!dev->copy) {
        struct vkv4l2_copy_state *s = calloc(1, sizeof(*s));
        if (s) {
            pthread_mutex_init(&s->lock, NULL);
            dev->copy = s;
        }
    }
    pthread_mutex_unlock(&state_lock);
    return dev->copy;
}

VkResult vkv4l2_copy_path_register(struct vkv4l2_queue *q, const struct vkv4l2_submission *sub,
                                   uint64_t seq)
{
    struct vkv4l2_device *dev = q->dev;
    struct copy_job job = { .used = true, .queue = q, .seq = seq };
    for (uint32_t c = 0; c < sub->cmd_count; c++) {
        vkv4l2_cmd_list_foreach(cmd, &sub->cmds[c]->list) {
            if (cmd->type != VKV4L2_CMD_DECODE_VIDEO)
                continue;
            const VkVideoPictureResourceInfoKHR *res = &cmd->u.decode_video.dstPictureResource;
            struct vkv4l2_image_view *view = vkv4l2_image_view_get(dev, res->imageViewBinding);
            if (!view || !view->image || !vkv4l2_image_needs_copy(view->image))
                continue;
            if (job.image_count == MAX_JOB_IMAGES)
                return VK_ERROR_TOO_MANY_OBJECTS;
            job.images[job.image_count] = view->image;
            job.layers[job.image_count++] = view->base_layer + res->baseArrayLayer;
        }
    }
    if (!job.image_count)
        return VK_SUCCESS;
    for (uint32_t i = 0; i < sub->signal_count && job.trigger_count < MAX_TRIGGERS; i++) {
        job.triggers[job.trigger_count] = sub->signals[i].semaphore;
        job.values[job.trigger_count++] = sub->signals[i].timeline ? sub->signals[i].value : 0;
    }
    if (!job.trigger_count) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_WARN,
                        "a decode into a copy-path image signals no semaphore: nobody can "
                        "read it, no copy");
        return VK_SUCCESS;
    }
    struct vkv4l2_copy_state *s = state(dev);
    if (!s)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    pthread_mutex_lock(&s->lock);
    /* A newer decode into the same image supersedes an unread copy. */
    for (unsigned j = 0; j < MAX_JOBS; j++) {
        for (uint32_t i = 0; s->jobs[j].used && i < s->jobs[j].image_count; i++) {
            for (uint32_t k = 0; k < job.image_count; k++) {
                if (s->jobs[j].images[i] == job.images[k] && s->jobs[j].layers[i] == job.layers[k])
                    s->jobs[j].used = false;
            }
        }
    }
    s->jobs[s->next_job] = job;
    s->next_job = (s->next_job + 1) % MAX_JOBS;
    pthread_mutex_unlock(&s->lock);
    return VK_SUCCESS;
}

void vkv4l2_copy_path_drop_trigger(struct vkv4l2_device *dev, const struct vkv4l2_queue *q,
                                   uint64_t seq, VkSemaphore sem)
{
    struct vkv4l2_copy_state *s = dev->copy;
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    for (unsigned j = 0; j < MAX_JOBS; j++) {
        struct copy_job *job = &s->jobs[j];
        if (!job->used || job->queue != q || job->seq != seq)
            continue;
        uint32_t n = 0;
        for (uint32_t t = 0; t < job->trigger_count; t++) {
            if (job->triggers[t] != sem) {
                job->triggers[n] = job->triggers[t];
                job->values[n++] = job->values[t];
            }
        }
        job->trigger_count = n;
    }
    pthread_mutex_unlock(&s->lock);
}

/* Under s->lock: the jobs one wait satisfies are taken (marked unused)
 * and their images appended to out. */
/* Does one of the submission's command buffers read one of the job's
 * images (copy_readers.h)? */
static bool reads_job(struct vkv4l2_device *dev, const struct copy_job *job, uint32_t ncb,
                      const VkCommandBuffer *cbs, size_t cb_stride)
{
    for (uint32_t c = 0; c < ncb; c++) {
        VkCommandBuffer cb = *(const VkCommandBuffer *)((const char *)cbs + c * cb_stride);
        for (uint32_t i = 0; i < job->image_count; i++) {
            if (vkv4l2_copy_readers_reads(dev, cb, job->images[i]))
                return true;
        }
    }
    return false;
}

static void take_jobs(struct vkv4l2_device *dev, struct vkv4l2_copy_state *s, VkSemaphore sem,
                      uint64_t value, uint32_t ncb, const VkCommandBuffer *cbs,
                      size_t cb_stride, struct copy_job *out)
{
    for (unsigned j = 0; j < MAX_JOBS; j++) {
        struct copy_job *job = &s->jobs[j];
        if (!job->used)
            continue;
        bool hit = false;
        for (uint32_t t = 0; t < job->trigger_count; t++)
            hit |= job->triggers[t] == sem && job->values[t] <= value;
        if (!hit || !reads_job(dev, job, ncb, cbs, cb_stride))
            continue;
        /* A job that does not fit stays for the next reader: taking it
         * without its copy would leave its frame unwritten. */
        if (out->image_count + job->image_count > MAX_JOB_IMAGES)
            continue;
        for (uint32_t i = 0; i < job->image_count && out->image_count < MAX_JOB_IMAGES; i++) {
            out->images[out->image_count] = job->images[i];
            out->layers[out->image_count++] = job->layers[i];
        }

        job->used = false;
    }
}

static VkResult ring_init(struct vkv4l2_device *dev, struct copy_ring *ring, uint32_t family)
{
    const VkCommandPoolCreateInfo pool_info = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
        .queueFamilyIndex = family,
    };
    VkResult r = dev->vtbl.CreateCommandPool(dev->handle, &pool_info, NULL, &ring->pool);
    if (r != VK_SUCCESS)
        return r;
    const VkCommandBufferAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = ring->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = RING_SIZE,
    };
    r = dev->vtbl.AllocateCommandBuffers(dev->handle, &alloc, ring->cmd);
    const VkFenceCreateInfo fence_info = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
    for (unsigned i = 0; i < RING_SIZE && r == VK_SUCCESS; i++) {
        /* Allocated below the loader: layers below ours dispatch on it. */
        r = dev->set_loader_data(dev->handle, ring->cmd[i]);
        if (r == VK_SUCCESS)
            r = dev->vtbl.CreateFence(dev->handle, &fence_info, NULL, &ring->fence[i]);
    }
    return r;
}

/* Under s->lock: records the copies into a free command buffer of the
 * family and arms the fence the caller submits afterwards. */
static VkResult record(struct vkv4l2_device *dev, struct vkv4l2_copy_state *s, uint32_t family,
                       const struct copy_job *job, VkCommandBuffer *out)
{
    if (family >= MAX_FAMILIES)
        return VK_ERROR_FEATURE_NOT_PRESENT;
    struct copy_ring *ring = &s->rings[family];
    VkResult r = ring->pool ? VK_SUCCESS : ring_init(dev, ring, family);
    if (r != VK_SUCCESS)
        return r;
    unsigned i = ring->next;
    ring->next = (ring->next + 1) % RING_SIZE;
    if (ring->used[i]) {
        r = dev->vtbl.WaitForFences(dev->handle, 1, &ring->fence[i], VK_TRUE, UINT64_MAX);
        if (r == VK_SUCCESS)
            r = dev->vtbl.ResetFences(dev->handle, 1, &ring->fence[i]);
        if (r != VK_SUCCESS)
            return r;
        ring->used[i] = false;
    }
    const VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    r = dev->vtbl.BeginCommandBuffer(ring->cmd[i], &begin);
    /* The decode queue's barriers never reach the driver, so the image's
     * layout at driver level is whatever its last reader left.  The copy
     * overwrites the whole picture: start from UNDEFINED (valid whatever
     * the current layout) and leave it in GENERAL, the driver-level form
     * of the video layouts the application believes it is in. */
    for (uint32_t k = 0; k < job->image_count && r == VK_SUCCESS; k++) {
        const struct vkv4l2_image *img = job->images[k];
        const VkImageMemoryBarrier discard = {
            .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
            .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
            .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
            .newLayout = VK_IMAGE_LAYOUT_GENERAL,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .image = img->handle,
            .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, job->layers[k], 1 },
        };
        dev->vtbl.CmdPipelineBarrier(ring->cmd[i], VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                                     VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0, NULL, 1,
                                     &discard);
    }
    for (uint32_t k = 0; k < job->image_count && r == VK_SUCCESS; k++)
        r = vkv4l2_image_record_copy(dev, job->images[k], job->layers[k], ring->cmd[i]);
    if (r == VK_SUCCESS)
        r = dev->vtbl.EndCommandBuffer(ring->cmd[i]);
    if (r != VK_SUCCESS)
        return r;
    ring->used[i] = true;
    s->pending_fence = ring->fence[i];
    *out = ring->cmd[i];
    return VK_SUCCESS;
}

/* Under s->lock: the copy command buffer for a submission with these
 * waits, or VK_NULL_HANDLE when they trigger no copy.  The wait arrays are
 * read with a stride so that both VkSubmitInfo and VkSubmitInfo2 fit;
 * values may be NULL (no timeline values given). */
static VkResult reader_copy(struct vkv4l2_device *dev, struct vkv4l2_copy_state *s,
                            uint32_t family, uint32_t n, const VkSemaphore *sems,
                            size_t sem_stride, const uint64_t *values, size_t value_stride,
                            uint32_t value_count, uint32_t ncb, const VkCommandBuffer *cbs,
                            size_t cb_stride, VkCommandBuffer *cmd)
{
    struct copy_job job = { 0 };
    for (uint32_t w = 0; w < n; w++) {
        VkSemaphore sem = *(const VkSemaphore *)((const char *)sems + w * sem_stride);
        uint64_t value = values && w < value_count && vkv4l2_semaphore_is_timeline(dev, sem)
                             ? *(const uint64_t *)((const char *)values + w * value_stride)
                             : 0;
        take_jobs(dev, s, sem, value, ncb, cbs, cb_stride, &job);
    }
    *cmd = VK_NULL_HANDLE;
    return job.image_count ? record(dev, s, family, &job, cmd) : VK_SUCCESS;
}

VkResult vkv4l2_copy_path_attach2(struct vkv4l2_device *dev, uint32_t family,
                                  struct vkv4l2_arena *arena,
                                  uint32_t count, const VkSubmitInfo2 *in,
                                  const VkSubmitInfo2 **out, bool *fence_needed)
{
    *out = in;
    *fence_needed = false;
    struct vkv4l2_copy_state *s = dev->copy;
    if (!s)
        return VK_SUCCESS;
    VkSubmitInfo2 *copy = NULL;
    VkResult r = VK_SUCCESS;
    pthread_mutex_lock(&s->lock);
    for (uint32_t i = 0; i < count && r == VK_SUCCESS; i++) {
        const VkSemaphoreSubmitInfo *w = in[i].pWaitSemaphoreInfos;
        uint32_t nw = in[i].waitSemaphoreInfoCount;
        VkCommandBuffer cmd;
        uint32_t ncb = in[i].commandBufferInfoCount;
        r = reader_copy(dev, s, family, nw, nw ? &w->semaphore : NULL, sizeof(*w),
                        nw ? &w->value : NULL, sizeof(*w), nw, ncb,
                        ncb ? &in[i].pCommandBufferInfos[0].commandBuffer : NULL,
                        sizeof(VkCommandBufferSubmitInfo), &cmd);
        if (r != VK_SUCCESS || cmd == VK_NULL_HANDLE)
            continue;
        if (!copy && !(copy = vkv4l2_arena_dup(arena, in, count * sizeof(*in)))) {
            r = VK_ERROR_OUT_OF_HOST_MEMORY;
            break;
        }
        uint32_t n = in[i].commandBufferInfoCount;
        VkCommandBufferSubmitInfo *cbs = vkv4l2_arena_new(arena, VkCommandBufferSubmitInfo, n + 1);
        if (!cbs) {
            r = VK_ERROR_OUT_OF_HOST_MEMORY;
            break;
        }
        cbs[0] = (VkCommandBufferSubmitInfo){
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
            .commandBuffer = cmd,
        };
        if (n)
            memcpy(cbs + 1, in[i].pCommandBufferInfos, n * sizeof(*cbs));
        copy[i].commandBufferInfoCount = n + 1;
        copy[i].pCommandBufferInfos = cbs;
        *fence_needed = true;
    }
    pthread_mutex_unlock(&s->lock);
    if (copy)
        *out = copy;
    return r;
}

VkResult vkv4l2_copy_path_attach1(struct vkv4l2_device *dev, uint32_t family,
                                  struct vkv4l2_arena *arena,
                                  uint32_t count, const VkSubmitInfo *in,
                                  const VkSubmitInfo **out, bool *fence_needed)
{
    *out = in;
    *fence_needed = false;
    struct vkv4l2_copy_state *s = dev->copy;
    if (!s)
        return VK_SUCCESS;
    VkSubmitInfo *copy = NULL;
    VkResult r = VK_SUCCESS;
    pthread_mutex_lock(&s->lock);
    for (uint32_t i = 0; i < count && r == VK_SUCCESS; i++) {
        const VkTimelineSemaphoreSubmitInfo *tl =
            vkv4l2_find_struct(in[i].pNext, VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO);
        VkCommandBuffer cmd;
        r = reader_copy(dev, s, family, in[i].waitSemaphoreCount, in[i].pWaitSemaphores,
                        sizeof(VkSemaphore), tl ? tl->pWaitSemaphoreValues : NULL,
                        sizeof(uint64_t), tl ? tl->waitSemaphoreValueCount : 0,
                        in[i].commandBufferCount, in[i].pCommandBuffers, sizeof(VkCommandBuffer),
                        &cmd);
        if (r != VK_SUCCESS || cmd == VK_NULL_HANDLE)
            continue;
        if (!copy && !(copy = vkv4l2_arena_dup(arena, in, count * sizeof(*in)))) {
            r = VK_ERROR_OUT_OF_HOST_MEMORY;
            break;
        }
        uint32_t n = in[i].commandBufferCount;
        VkCommandBuffer *cbs = vkv4l2_arena_new(arena, VkCommandBuffer, n + 1);
        if (!cbs) {
            r = VK_ERROR_OUT_OF_HOST_MEMORY;
            break;
        }
        cbs[0] = cmd;
        if (n)
            memcpy(cbs + 1, in[i].pCommandBuffers, n * sizeof(*cbs));
        copy[i].commandBufferCount = n + 1;
        copy[i].pCommandBuffers = cbs;
        *fence_needed = true;
    }
    pthread_mutex_unlock(&s->lock);
    if (copy)
        *out = copy;
    return r;
}

VkFence vkv4l2_copy_path_fence(struct vkv4l2_device *dev)
{
    struct vkv4l2_copy_state *s = dev->copy;
    if (!s)
        return VK_NULL_HANDLE;
    pthread_mutex_lock(&s->lock);
    VkFence f = s->pending_fence;
    s->pending_fence = VK_NULL_HANDLE;
    pthread_mutex_unlock(&s->lock);
    return f;
}

void vkv4l2_copy_path_forget_image(struct vkv4l2_device *dev, const struct vkv4l2_image *img)
{
    struct vkv4l2_copy_state *s = dev->copy;
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    for (unsigned j = 0; j < MAX_JOBS; j++) {
        for (uint32_t i = 0; s->jobs[j].used && i < s->jobs[j].image_count; i++) {
            if (s->jobs[j].images[i] == img)
                s->jobs[j].used = false;
        }
    }
    pthread_mutex_unlock(&s->lock);
}

void vkv4l2_copy_path_fini(struct vkv4l2_device *dev)
{
    struct vkv4l2_copy_state *s = dev->copy;
    if (!s)
        return;
    for (unsigned f = 0; f < MAX_FAMILIES; f++) {
        struct copy_ring *ring = &s->rings[f];
        for (unsigned i = 0; i < RING_SIZE; i++) {
            if (ring->used[i])
                dev->vtbl.WaitForFences(dev->handle, 1, &ring->fence[i], VK_TRUE, UINT64_MAX);
            if (ring->fence[i])
                dev->vtbl.DestroyFence(dev->handle, ring->fence[i], NULL);
        }
        if (ring->pool)
            dev->vtbl.DestroyCommandPool(dev->handle, ring->pool, NULL);
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
    dev->copy = NULL;
}
