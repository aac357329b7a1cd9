/* The decode queue's scheduling policy, as pure functions: submissions as
 * data in, which one starts next and which signals may be performed out.
 *
 * Vulkan orders the work of one queue only through semaphores, and FFmpeg's
 * frame threads reach vkQueueSubmit in any order: a picture may arrive
 * before the picture it references, and the reference's own submission then
 * waits (by timeline value) for its reader's signal.  A GPU would run the
 * reader on stale memory.  The layer knows the data every decode reads and
 * writes, so it orders execution by data hazards instead:
 *
 *   RAW  a decode reading picture (buffer, tag) runs once that picture is in
 *        the buffer (queued on V4L2 or decoded); if its producer failed, it
 *        runs at once (and fails); if no submission will produce it, it waits
 *        for one to arrive (bounded by the caller's reorder timeout).
 *   WAW  writes of one buffer happen in arrival order.
 *   WAR  a buffer is not overwritten while another pending submission still
 *        has to read the picture it holds.
 *
 * A timeline wait for a value that another submission of this queue signals
 * is an ordering hint, not a barrier: the data decides.  Every other wait is
 * honoured.  Signals follow value order per semaphore among started
 * submissions (vkv4l2_sched_signal_ready), and each timeline stays
 * monotonic whatever order the decodes finish in. */
#ifndef VKV4L2_SCHED_POLICY_H
#define VKV4L2_SCHED_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include <vulkan/vulkan.h>

#define VKV4L2_PLAN_MAX_REFS 16

/* A decoded picture: the CAPTURE buffer (image, layer) and the picture's
 * name (for H.264 its POCs), within one video session. */
struct vkv4l2_pic {
    uint64_t buffer;
    uint64_t tag;
};

/* What one vkCmdDecodeVideoKHR reads and writes, resolved when the
 * submission arrives. */
struct vkv4l2_plan_decode {
    const void *session; /* the DPB the pictures live in */
    struct vkv4l2_pic target;
    const void *target_image; /* the layer's image and array layer behind */
    uint32_t target_layer;    /* target.buffer (for the executor)        */
    uint32_t nrefs;
    struct vkv4l2_pic refs[VKV4L2_PLAN_MAX_REFS];
};

struct vkv4l2_sched_op {
    VkSemaphore semaphore;
    uint64_t value;
    bool timeline;
    bool done; /* performed (signals) */
};

/* A submission as the policy sees it. */
struct vkv4l2_sched_sub {
    uint64_t seq; /* arrival order */
    bool started; /* picked for execution */
    uint32_t nwaits, nsignals, ndecodes;
    const struct vkv4l2_sched_op *waits;
    const struct vkv4l2_sched_op *signals;
    const struct vkv4l2_plan_decode *decodes;
};

enum vkv4l2_pic_state {
    VKV4L2_PIC_ABSENT,  /* the buffer holds another picture, or none */
    VKV4L2_PIC_PRESENT, /* queued or decoded */
    VKV4L2_PIC_FAILED,  /* its decode failed before it reached the device */
};

/* What the policy asks of the world (the queue answers from the V4L2
 * sessions' DPB tracking, the driver's semaphores and the dma-bufs). */
struct vkv4l2_sched_world {
    void *ctx;
    /* The picture the buffer holds: true and *tag (and *failed), or false
     * when it holds none. */
    bool (*holds)(void *ctx, const void *session, uint64_t buffer, uint64_t *tag, bool *failed);
    /* A wait the application (or another queue) must satisfy: true once the
     * semaphore reached the value.  Binary waits: true (the executor blocks
     * on them). */
    bool (*wait_satisfied)(void *ctx, const struct vkv4l2_sched_op *wait);
    /* No GPU reader (implicit fence) still uses a buffer it writes. */
    bool (*targets_idle)(void *ctx, const struct vkv4l2_sched_sub *sub);
};

enum vkv4l2_sched_verdict {
    VKV4L2_SCHED_RUN,          /* may start now */
    VKV4L2_SCHED_RUN_FAILING,  /* a reference's producer failed: start now, it fails */
    VKV4L2_SCHED_WAIT_DATA,    /* a hazard with another pending submission */
    VKV4L2_SCHED_WAIT_MISSING, /* a reference nobody pending will produce (yet) */
    VKV4L2_SCHED_WAIT_EXTERNAL,/* a wait the application has not satisfied */
    VKV4L2_SCHED_WAIT_BUSY,    /* a target still read on the GPU */
};

/* Is wait `w` of `self` signalled (with exactly that value) by another
 * submission of `all` that has not performed that signal yet? */
bool vkv4l2_sched_wait_is_hint(const struct vkv4l2_sched_op *w, const struct vkv4l2_sched_sub *self,
                               const struct vkv4l2_sched_sub *const *all, unsigned nall);

/* The verdict for pending[i].  `pending` is in arrival order; `all` holds
 * every submission of the queue whose signals are not all performed
 * (pending, executing, in flight, completed). */
enum vkv4l2_sched_verdict vkv4l2_sched_assess(const struct vkv4l2_sched_sub *const *pending,
                                              unsigned npending, unsigned i,
                                              const struct vkv4l2_sched_sub *const *all,
                                              unsigned nall,
                                              const struct vkv4l2_sched_world *world);

struct vkv4l2_sched_timing {
    uint64_t now_ns;
    uint64_t reorder_wait_ns; /* WAIT_MISSING / WAIT_DATA without progress */
    uint64_t gate_timeout_ns; /* WAIT_BUSY */
};

/* Which pending submission starts next: its index, or -1 to look again
 * later.  blocked_since[i] (per pending submission, 0 = not blocked)
 * records when each started waiting; a submission waiting for data longer
 * than the reorder timeout, or for its buffers longer than the gate
 * timeout, starts anyway (the executor then reports its frame as an error).
 * *late is set when that is the reason. */
int vkv4l2_sched_pick(const struct vkv4l2_sched_sub *const *pending, unsigned npending,
                      const struct vkv4l2_sched_sub *const *all, unsigned nall,
                      const struct vkv4l2_sched_world *world,
                      const struct vkv4l2_sched_timing *timing, uint64_t *blocked_since,
                      bool *late);

/* When nothing may start: a pending submission Y waits for a value
 * (sem, w) the application will only reach after a value v < w of the same
 * semaphore that a pending, data-blocked submission X signals -- FFmpeg's
 * frame threads do this when a thread locks a frame before the thread that
 * produces its reference (X reads a frame, the application's transfer
 * reads it after X's signal, Y reads it after the transfer, and X needs
 * Y's picture).  X's signal is then performed early: it only releases
 * readers (a buffer X still reads is not overwritten by this queue, the
 * WAR rule above).  Returns true with X's index in `pending` and the
 * signal's index. */
bool vkv4l2_sched_early_signal(const struct vkv4l2_sched_sub *const *pending, unsigned npending,
                               const struct vkv4l2_sched_sub *const *all, unsigned nall,
                               const struct vkv4l2_sched_world *world, unsigned *x,
                               uint32_t *k);

/* May completed submission `s` perform signal k now?  Binary: yes.
 * Timeline: in value order with the submissions already started (they
 * finish soon); a lower value whose submission has not started yet is
 * passed over -- that submission may be waiting, through the application's
 * work on another queue, for this very signal (FFmpeg takes timeline values
 * in the order its threads lock a frame, not in data order).  The passed
 * over signal is later performed only if the semaphore has not gone beyond
 * it, so each timeline stays monotonic. */
bool vkv4l2_sched_signal_ready(const struct vkv4l2_sched_sub *s, uint32_t k,
                               const struct vkv4l2_sched_sub *const *all, unsigned nall);

#endif
