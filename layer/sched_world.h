/* The decode queue's answers to the scheduling policy's questions
 * (sched_policy.h): which picture a CAPTURE buffer holds, whether a wait is
 * satisfied, whether GPU readers still hold a buffer. */
#ifndef VKV4L2_SCHED_WORLD_H
#define VKV4L2_SCHED_WORLD_H

#include "sched_policy.h"

struct vkv4l2_queue;

void vkv4l2_sched_world_init(struct vkv4l2_queue *q, struct vkv4l2_sched_world *world);

#endif
