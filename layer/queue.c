#include "queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "copy_path.h"
#include "decode_exec.h"
#include "device.h"
#include "instance.h"
#include "log.h"
#include "sched_world.h"
#include "settings.h"
#include "sync_proxy.h"

static void free_submission(struct vkv4l2_submission *sub)
{
    vkv4l2_exec_release(sub);
    vkv4l2_arena_fini(&sub->arena);
    free(sub);
}

static struct vkv4l2_submission *pop(struct vkv4l2_submission **head,
                                     struct vkv4l2_submission **tail)
{
    struct vkv4l2_submission *s = *head;
    if (s) {
        *head = s->next;
        if (!*head)
            *tail = NULL;
        s->next = NULL;
    }
    return s;
}

static void append(struct vkv4l2_submission **head, struct vkv4l2_submission **tail,
                   struct vkv4l2_submission *s)
{
    s->next = NULL;
    if (*tail)
        (*tail)->next = s;
    else
        *head = s;
    *tail = s;
}

static void unlink_from(struct vkv4l2_submission **head, struct vkv4l2_submission **tail,
                        struct vkv4l2_submission *sub)
{
    struct vkv4l2_submission *prev = NULL;
    for (struct vkv4l2_submission *p = *head; p && p != sub; p = p->next)
        prev = p;
    if (prev)
        prev->next = sub->next;
    else
        *head = sub->next;
    if (*tail == sub)
        *tail = prev;
    sub->next = NULL;
}

static void mark_lost(struct vkv4l2_queue *q, VkResult r, const char *what)
{
    pthread_mutex_lock(&q->lock);
    if (q->lost == VK_SUCCESS) {
        q->lost = VK_ERROR_DEVICE_LOST;
        vkv4l2_log_inst(q->dev->inst, VKV4L2_LOG_ERROR,
                        "decode queue %u: %s failed (%d): device lost", q->index, what, r);
    }
    pthread_mutex_unlock(&q->lock);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static unsigned count_list(const struct vkv4l2_submission *s)
{
    unsigned n = 0;
    for (; s; s = s->next)
        n++;
    return n;
}

/* Under q->lock: the policy's views of the pending submissions (arrival
 * order) and of every submission whose signals are not all performed.
 * Returns false when out of memory. */
static bool gather(struct vkv4l2_queue *q, struct vkv4l2_sched_scratch *v, unsigned *npending,
                   unsigned *nall)
{
    unsigned np = count_list(q->pending);
    unsigned na = np + count_list(q->inflight) + count_list(q->retire) + (q->executing != NULL);
    if (na > v->cap) {
        unsigned cap = na * 2;
        const struct vkv4l2_sched_sub **vp = realloc(v->pending, cap * sizeof(*vp));
        if (vp)
            v->pending = vp;
        const struct vkv4l2_sched_sub **va = realloc(v->all, cap * sizeof(*va));
        if (va)
            v->all = va;
        uint64_t *vb = realloc(v->blocked, cap * sizeof(*vb));
        if (vb)
            v->blocked = vb;
        if (!vp || !va || !vb)
            return false;
        v->cap = cap;
    }
    unsigned i = 0, a = 0;
    for (struct vkv4l2_submission *s = q->pending; s; s = s->next) {
        v->pending[i] = &s->sched;
        v->blocked[i++] = s->blocked_since_ns;
        v->all[a++] = &s->sched;
    }
    const struct vkv4l2_submission *lists[] = { q->inflight, q->retire, q->executing };
    for (int l = 0; l < 3; l++) {
        for (const struct vkv4l2_submission *s = lists[l]; s; s = l == 2 ? NULL : s->next)
            v->all[a++] = &s->sched;
    }
    *npending = np;
    *nall = a;
    return true;
}

static void scratch_free(struct vkv4l2_sched_scratch *v)
{
    free(v->pending);
    free(v->all);
    free(v->blocked);
}

static struct vkv4l2_submission *pending_at(struct vkv4l2_queue *q, unsigned i)
{
    struct vkv4l2_submission *s = q->pending;
    while (i-- && s)
        s = s->next;
    return s;
}

/* Under q->lock: signal (sem, value) is about to be performed; every other
 * unfinished submission whose lower value of sem is passed over no longer
 * has its copy triggered by sem (copy_path.h). */
static void pass_over(struct vkv4l2_queue *q, const struct vkv4l2_submission *by, VkSemaphore sem,
                      uint64_t value)
{
    const struct vkv4l2_submission *lists[] = { q->pending, q->inflight, q->retire, q->executing };
    for (int l = 0; l < 4; l++) {
        for (const struct vkv4l2_submission *s = lists[l]; s; s = l == 3 ? NULL : s->next) {
            if (s == by)
                continue;
            for (uint32_t k = 0; k < s->signal_count; k++) {
                const struct vkv4l2_sched_op *o = &s->signals[k];
                if (!o->done && o->timeline && o->semaphore == sem && o->value < value)
                    vkv4l2_copy_path_drop_trigger(q->dev, q, s->seq, sem);
            }
        }
    }
}

/* Under q->lock: unlinks and returns the submission to start next, or NULL
 * to look again shortly (sched_policy.h decides; after a device loss
 * everything flows in arrival order so that its signals still happen). */
static struct vkv4l2_submission *pick(struct vkv4l2_queue *q)
{
    struct vkv4l2_submission *sub = q->pending;
    unsigned np, na;
    struct vkv4l2_sched_scratch *v = &q->pick_scratch;
    if (q->lost == VK_SUCCESS && gather(q, v, &np, &na)) {
        struct vkv4l2_sched_world world;
        vkv4l2_sched_world_init(q, &world);
        const struct vkv4l2_sched_timing timing = {
            .now_ns = now_ns(),
            .reorder_wait_ns = q->reorder_wait_ns,
            .gate_timeout_ns = q->gate_timeout_ns,
        };
        bool late = false;
        int i = vkv4l2_sched_pick(v->pending, np, v->all, na, &world, &timing, v->blocked,
                                  &late);
        unsigned j = 0;
        for (struct vkv4l2_submission *s = q->pending; s; s = s->next)
            s->blocked_since_ns = v->blocked[j++];
        if (i < 0) {
            unsigned x;
            uint32_t k;
            if (vkv4l2_sched_early_signal(v->pending, np, v->all, na, &world, &x, &k)) {
                struct vkv4l2_submission *xs = pending_at(q, x);
                xs->signals[k].done = true;
                /* Its own decode is not done either. */
                vkv4l2_copy_path_drop_trigger(q->dev, q, xs->seq, xs->signals[k].semaphore);
                pass_over(q, xs, xs->signals[k].semaphore, xs->signals[k].value);
                vkv4l2_log_inst(q->dev->inst, VKV4L2_LOG_DEBUG,
                                "submission %llu: signal released before it runs (the "
                                "application waits for it to provide a reference it needs)",
                                (unsigned long long)xs->seq);
                pthread_mutex_unlock(&q->lock);
                VkResult r = vkv4l2_sync_signal_one(q, xs, k);
                if (r != VK_SUCCESS)
                    mark_lost(q, r, "signalling");
                pthread_mutex_lock(&q->lock);
            }
            return NULL;
        }
        sub = pending_at(q, (unsigned)i);
        if (late)
            vkv4l2_log_inst(q->dev->inst, VKV4L2_LOG_WARN,
                            "submission %llu: its references or buffers were not ready in time "
                            "(VKV4L2_REORDER_WAIT_MS / VKV4L2_GATE_TIMEOUT_MS): its frames are "
                            "reported as errors",
                            (unsigned long long)sub->seq);
        else if (sub != q->pending)
            vkv4l2_log_inst(q->dev->inst, VKV4L2_LOG_DEBUG,
                            "submission %llu runs before submission %llu (data order)",
                            (unsigned long long)sub->seq, (unsigned long long)q->pending->seq);
        /* Waits for values this queue signals itself are ordering hints:
         * the data decided the order. */
        for (uint32_t w = 0; w < sub->wait_count; w++)
            sub->waits[w].done = vkv4l2_sched_wait_is_hint(&sub->waits[w], &sub->sched,
                                                           v->all, na);
    }
    sub->sched.started = true;
    unlink_from(&q->pending, &q->pending_tail, sub);
    return sub;
}

/* Starts submissions as the policy allows: waits, then executes; the
 * decodes it queues run while the next submission is being prepared. */
static void *submitter_main(void *arg)
{
    struct vkv4l2_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        if (!q->pending) {
            if (q->stop)
                break;
            pthread_cond_wait(&q->cond, &q->lock);
            continue;
        }
        struct vkv4l2_submission *sub = pick(q);
        if (!sub) {
            /* Waiting for semaphores the host or the GPU will signal
             * without telling us, for GPU readers, or for a reference
             * still to come. */
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += 1000 * 1000;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&q->cond, &q->lock, &ts);
            continue;
        }
        bool lost = q->lost != VK_SUCCESS;
        q->executing = sub;
        pthread_mutex_unlock(&q->lock);

        VkResult r = VK_SUCCESS;
        if (!lost) {
            r = vkv4l2_sync_wait(q, sub);
            if (r != VK_SUCCESS)
                mark_lost(q, r, "waiting for semaphores");
        }
        /* After a loss the submission still flows to the completer, which
         * signals it: an application waiting on it must not hang. */
        if (r == VK_SUCCESS && !lost) {
            r = vkv4l2_exec_run(q, sub);
            if (r == VK_ERROR_DEVICE_LOST)
                mark_lost(q, r, "executing command buffers");
        }
        sub->result = r;

        pthread_mutex_lock(&q->lock);
        q->executing = NULL;
        append(&q->inflight, &q->inflight_tail, sub);
        pthread_cond_broadcast(&q->cond);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

/* Under q->lock: may the fence of sub fire?  Not before every earlier
 * submission of the same vkQueueSubmit call has retired. */
static bool call_retired(const struct vkv4l2_queue *q, const struct vkv4l2_submission *sub)
{
    if (!sub->fence || !sub->fence_first_seq)
        return true;
    const struct vkv4l2_submission *lists[] = { q->pending, q->inflight, q->retire, q->executing };
    for (int l = 0; l < 4; l++) {
        for (const struct vkv4l2_submission *s = lists[l]; s; s = l == 3 ? NULL : s->next) {
            if (s != sub && s->seq >= sub->fence_first_seq && s->seq < sub->seq)
                return false;
        }
    }
    return true;
}

static bool signals_done(const struct vkv4l2_submission *s)
{
    for (uint32_t k = 0; k < s->signal_count; k++) {
        if (!s->signals[k].done)
            return false;
    }
    return true;
}

/* Under q->lock: one signal of a completed submission that value order
 * allows now, or false. */
static bool next_signal(struct vkv4l2_queue *q, struct vkv4l2_submission **out, uint32_t *k)
{
    unsigned np, na;
    struct vkv4l2_sched_scratch *v = &q->retire_scratch;
    bool ordered = gather(q, v, &np, &na); /* out of memory: signal as completed */
    for (struct vkv4l2_submission *s = q->retire; s; s = s->next) {
        for (uint32_t i = 0; i < s->signal_count; i++) {
            if (!s->signals[i].done &&
                (!ordered || vkv4l2_sched_signal_ready(&s->sched, i, v->all, na))) {
                *out = s;
                *k = i;
                return true;
            }
        }
    }
    return false;
}

/* Under q->lock: a completed submission whose signals are all performed
 * and whose fence may fire, or NULL. */
static struct vkv4l2_submission *next_retired(struct vkv4l2_queue *q)
{
    for (struct vkv4l2_submission *s = q->retire; s; s = s->next) {
        if (signals_done(s) && call_retired(q, s))
            return s;
    }
    return NULL;
}

/* Under q->lock (dropped while signalling): performs every signal that
 * value order allows, then retires the submissions that are done, until
 * nothing moves (one signal may unblock another submission's). */
static void retire_ready(struct vkv4l2_queue *q)
{
    for (;;) {
        struct vkv4l2_submission *s;
        uint32_t k;
        if (next_signal(q, &s, &k)) {
            s->signals[k].done = true;
            if (s->signals[k].timeline)
                pass_over(q, s, s->signals[k].semaphore, s->signals[k].value);
            pthread_mutex_unlock(&q->lock);
            VkResult r = vkv4l2_sync_signal_one(q, s, k);
            if (r != VK_SUCCESS)
                mark_lost(q, r, "signalling");
            pthread_mutex_lock(&q->lock);
            continue;
        }
        s = next_retired(q);
        if (!s)
            return;
        unlink_from(&q->retire, &q->retire_tail, s);
        pthread_mutex_unlock(&q->lock);
        vkv4l2_sync_fence(q, s);
        free_submission(s);
        pthread_mutex_lock(&q->lock);
        q->completed++;
    }
}

static void *completer_main(void *arg)
{
    struct vkv4l2_queue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        /* Stop only once the submitter has handed over everything. */
        while (!q->inflight && !(q->stop && !q->pending && q->completed == q->next_seq))
            pthread_cond_wait(&q->cond, &q->lock);
        struct vkv4l2_submission *sub = q->inflight; /* stays listed while completing */
        pthread_mutex_unlock(&q->lock);
        if (!sub)
            break;

        VkResult r = vkv4l2_exec_complete(q, sub);
        if (r == VK_ERROR_DEVICE_LOST)
            mark_lost(q, r, "decoding");

        pthread_mutex_lock(&q->lock);
        pop(&q->inflight, &q->inflight_tail);
        append(&q->retire, &q->retire_tail, sub);
        retire_ready(q);
        pthread_cond_broadcast(&q->cond);
        pthread_mutex_unlock(&q->lock);
    }
    return NULL;
}

VkResult vkv4l2_queue_create(struct vkv4l2_device *dev, uint32_t family, uint32_t index,
                             struct vkv4l2_queue **out)
{
    struct vkv4l2_queue *q = calloc(1, sizeof(*q));
    if (!q)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    q->dev = dev;
    q->family = family;
    q->index = index;
    q->reorder_wait_ns = dev->inst->settings.reorder_wait_ms * 1000000ull;
    q->gate_timeout_ns = dev->inst->settings.gate_timeout_ms * 1000000ull;
    pthread_mutex_init(&q->lock, NULL);
    pthread_mutex_init(&q->signal_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&q->cond, &attr);
    pthread_condattr_destroy(&attr);

    if (dev->set_loader_data(dev->handle, q) != VK_SUCCESS) {
        vkv4l2_queue_destroy(q);
        return VK_ERROR_INITIALIZATION_FAILED;
    }
    if (pthread_create(&q->submitter, NULL, submitter_main, q)) {
        vkv4l2_queue_destroy(q);
        return VK_ERROR_INITIALIZATION_FAILED;
    }
    if (pthread_create(&q->completer, NULL, completer_main, q)) {
        pthread_mutex_lock(&q->lock);
        q->stop = true;
        pthread_cond_broadcast(&q->cond);
        pthread_mutex_unlock(&q->lock);
        pthread_join(q->submitter, NULL);
        vkv4l2_queue_destroy(q);
        return VK_ERROR_INITIALIZATION_FAILED;
    }
    q->threads_started = true;
    *out = q;
    return VK_SUCCESS;
}

void vkv4l2_queue_destroy(struct vkv4l2_queue *q)
{
    if (!q)
        return;
    if (q->threads_started) {
        pthread_mutex_lock(&q->lock);
        q->stop = true;
        pthread_cond_broadcast(&q->cond);
        pthread_mutex_unlock(&q->lock);
        pthread_join(q->submitter, NULL);
        pthread_join(q->completer, NULL);
    }
    vkv4l2_sync_fini(q);
    scratch_free(&q->pick_scratch);
    scratch_free(&q->retire_scratch);
    pthread_cond_destroy(&q->cond);
    pthread_mutex_destroy(&q->lock);
    pthread_mutex_destroy(&q->signal_lock);
    free(q);
}

uint64_t vkv4l2_queue_peek_seq(struct vkv4l2_queue *q)
{
    pthread_mutex_lock(&q->lock);
    uint64_t seq = q->next_seq + 1;
    pthread_mutex_unlock(&q->lock);
    return seq;
}

VkResult vkv4l2_queue_push(struct vkv4l2_queue *q, struct vkv4l2_submission *sub, uint64_t *seq)
{
    pthread_mutex_lock(&q->lock);
    VkResult lost = q->lost;
    sub->seq = ++q->next_seq;
    *seq = sub->seq;
    sub->sched = (struct vkv4l2_sched_sub){
        .seq = sub->seq,
        .nwaits = sub->wait_count,
        .nsignals = sub->signal_count,
        .ndecodes = sub->plan_count,
        .waits = sub->waits,
        .signals = sub->signals,
        .decodes = sub->plan,
    };
    append(&q->pending, &q->pending_tail, sub);
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
    /* Queued even after a loss so that its signals still happen. */
    return lost;
}

void vkv4l2_queue_notify(struct vkv4l2_queue *q)
{
    pthread_mutex_lock(&q->lock);
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

VkResult vkv4l2_queue_wait_idle(struct vkv4l2_queue *q)
{
    /* Submissions may complete out of order (schedule.h); the queue is
     * externally synchronized, so nothing is added while we wait. */
    pthread_mutex_lock(&q->lock);
    while (q->completed < q->next_seq)
        pthread_cond_wait(&q->cond, &q->lock);
    VkResult r = q->lost;
    pthread_mutex_unlock(&q->lock);
    return r;
}
