/* The layer's decode queues: dispatchable VkQueue objects of the added
 * family.  A submission is copied at vkQueueSubmit*, its decode plan
 * resolved (decode_plan.h), and executed by two threads per queue:
 *
 *   submitter  picks the next submission by the data it reads and writes
 *              (sched_policy.h), waits for its remaining wait semaphores
 *              (timeline: host wait; binary: a proxy submission on the
 *              driver queue), executes its command buffers, which queues
 *              decodes on V4L2 sessions (several in flight), and hands it to
 *   completer  which waits for those decodes in start order, sets query
 *              results, and performs the signal operations per semaphore in
 *              value order (timeline: host signal; binary: a proxy
 *              submission on the driver queue), then the fence.
 *
 * Nothing blocks the application's thread except vkQueueWaitIdle. */
#ifndef VKV4L2_QUEUE_H
#define VKV4L2_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "arena.h"
#include "sched_policy.h"

struct vkv4l2_device;
struct vkv4l2_cmd_buffer;
struct vkv4l2_decode;

struct vkv4l2_submission {
    struct vkv4l2_submission *next;
    uint64_t seq;
    struct vkv4l2_arena arena;
    uint32_t wait_count, cmd_count, signal_count, plan_count;
    /* Signals: `done` once performed.  Waits: `done` when the wait is an
     * ordering hint (another submission of this queue signals that value)
     * and is not waited for. */
    struct vkv4l2_sched_op *waits;
    struct vkv4l2_cmd_buffer **cmds;
    struct vkv4l2_sched_op *signals;
    struct vkv4l2_plan_decode *plan; /* one per decode command (decode_plan.h) */
    VkFence fence; /* only on the last submission of a vkQueueSubmit call */
    uint64_t fence_first_seq; /* the call's first submission (0: this one) */
    struct vkv4l2_sched_sub sched;   /* the policy's view of the above */

    /* Execution state, owned by the worker threads. */
    struct vkv4l2_decode *decodes; /* in submission order */
    struct vkv4l2_decode *decodes_tail;
    VkResult result;
    uint64_t blocked_since_ns; /* when it started waiting for data or buffers */
};

struct vkv4l2_queue {
    void *loader_data; /* must be first: the loader's dispatch pointer */
    struct vkv4l2_device *dev;
    uint32_t family, index;

    pthread_mutex_t lock;
    pthread_cond_t cond;   /* any state change below */
    pthread_mutex_t signal_lock; /* one signal operation at a time (both threads) */
    struct vkv4l2_submission *pending, *pending_tail;   /* to the submitter */
    struct vkv4l2_submission *inflight, *inflight_tail; /* to the completer */
    struct vkv4l2_submission *retire, *retire_tail;     /* decoded, awaiting signals */
    struct vkv4l2_submission *executing; /* the submitter's, between lists */
    /* Scratch arrays for the policy: one set per thread. */
    struct vkv4l2_sched_scratch {
        const struct vkv4l2_sched_sub **pending, **all;
        uint64_t *blocked;
        unsigned cap;
    } pick_scratch, retire_scratch;
    uint64_t reorder_wait_ns;
    uint64_t gate_timeout_ns;
    uint64_t next_seq;     /* last sequence number handed out */
    uint64_t completed;    /* submissions completed (in any order) */
    bool stop;
    VkResult lost;         /* VK_ERROR_DEVICE_LOST after a device failure */

    pthread_t submitter, completer;
    bool threads_started;

    /* Layer-owned driver objects for proxy submissions: one fence per
     * thread, so the two never share one. */
    VkFence wait_fence, signal_fence;
};

VkResult vkv4l2_queue_create(struct vkv4l2_device *dev, uint32_t family, uint32_t index,
                             struct vkv4l2_queue **out);
/* Drains (waits for everything submitted), stops the threads, frees. */
void vkv4l2_queue_destroy(struct vkv4l2_queue *q);
/* Blocks until every submission so far has completed. */
VkResult vkv4l2_queue_wait_idle(struct vkv4l2_queue *q);
/* The number the next vkv4l2_queue_push will give (the queue is
 * externally synchronized, so it stays so until then). */
uint64_t vkv4l2_queue_peek_seq(struct vkv4l2_queue *q);
/* Takes ownership of sub (allocated with malloc) and queues it; *seq is
 * its number (sub may be gone when this returns). */
VkResult vkv4l2_queue_push(struct vkv4l2_queue *q, struct vkv4l2_submission *sub, uint64_t *seq);
/* Wakes threads waiting on a queue state change (e.g. a decode finished). */
void vkv4l2_queue_notify(struct vkv4l2_queue *q);

/* Is this dispatchable handle one of the layer's decode queues? */
struct vkv4l2_queue *vkv4l2_queue_from_handle(struct vkv4l2_device *dev, VkQueue queue);

VKAPI_ATTR void VKAPI_CALL vkv4l2_GetDeviceQueue(VkDevice device, uint32_t family,
                                                 uint32_t index, VkQueue *pQueue);
VKAPI_ATTR void VKAPI_CALL vkv4l2_GetDeviceQueue2(VkDevice device,
                                                  const VkDeviceQueueInfo2 *pInfo,
                                                  VkQueue *pQueue);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_QueueSubmit(VkQueue queue, uint32_t count,
                                                  const VkSubmitInfo *pSubmits, VkFence fence);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_QueueSubmit2(VkQueue queue, uint32_t count,
                                                   const VkSubmitInfo2 *pSubmits, VkFence fence);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_QueueSubmit2KHR(VkQueue queue, uint32_t count,
                                                      const VkSubmitInfo2 *pSubmits, VkFence fence);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_QueueWaitIdle(VkQueue queue);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_QueuePresentKHR(VkQueue queue,
                                                      const VkPresentInfoKHR *pPresentInfo);
VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_DeviceWaitIdle(VkDevice device);

#endif
