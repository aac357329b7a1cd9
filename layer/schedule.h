/* Which pending decode-queue submission may start next.
 *
 * Vulkan orders submissions on a queue only through semaphores and
 * barriers, and FFmpeg's frame threads do submit a picture before the
 * picture it references (their semaphore waits are then already
 * satisfied, or even wait for the user).  On hantro a reference that is
 * not decoded yet is silent corruption, so the queue looks at the data: a
 * submission whose decode references a picture that a later submission is
 * going to produce lets that one run first. */
#ifndef VKV4L2_SCHEDULE_H
#define VKV4L2_SCHEDULE_H

#include <stdbool.h>

struct vkv4l2_queue;
struct vkv4l2_submission;

/* True when no reference of sub's decodes is still to be produced by
 * another pending submission (q->pending, under q->lock) -- or by one not
 * submitted yet: a reference whose buffer does not hold the expected
 * picture makes sub not ready.  *producer: the pending submission that will
 * produce the first missing reference, or NULL if none is pending. */
bool vkv4l2_sched_data_ready(struct vkv4l2_queue *q, const struct vkv4l2_submission *sub,
                             struct vkv4l2_submission **producer);

/* The producer may run before its users when each of its waits is either
 * satisfied now or on a semaphore value one of the users signals (the
 * application ordered the producer after the users of its picture; the
 * data says otherwise).  Those waits are then dropped from the producer and
 * true is returned. */
bool vkv4l2_sched_release_waits_on(struct vkv4l2_queue *q, struct vkv4l2_submission *producer,
                                   const struct vkv4l2_submission *const *users,
                                   unsigned nusers);

/* Every CAPTURE buffer sub decodes into is free of implicit fences now
 * (readers still using it on the GPU, DMA_BUF_IOCTL_EXPORT_SYNC_FILE). */
bool vkv4l2_sched_targets_idle(struct vkv4l2_queue *q, const struct vkv4l2_submission *sub);
/* Every timeline wait of sub is satisfied now (any binary wait: false). */
bool vkv4l2_sched_waits_satisfied(struct vkv4l2_queue *q, const struct vkv4l2_submission *sub);

#endif
