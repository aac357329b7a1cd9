#include "queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode_exec.h"
#include "device.h"
#include "log.h"
#include "schedule.h"
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

/* Keeps q->retire sorted by sequence number. */
static void retire_insert(struct vkv4l2_queue *q, struct vkv4l2_submission *sub)
{
    struct vkv4l2_submission **p = &q->retire;
    while (*p && (*p)->seq < sub->seq)
        p = &(*p)->next;
    sub->next = *p;
    *p = sub;
    if (!sub->next)
        q->retire_tail = sub;
}

static bool shares_signal(const struct vkv4l2_submission *a, const struct vkv4l2_submission *b)
{
    for (uint32_t i = 0; i < a->signal_count; i++) {
        for (uint32_t j = 0; j < b->signal_count; j++) {
            if (a->signals[i].semaphore == b->signals[j].semaphore)
                return true;
        }
    }
    return false;
}

/* Under q->lock: may sub signal now?  Not while an earlier submission that
 * signals one of the same semaphores has not. */
static bool may_retire(const struct vkv4l2_queue *q, const struct vkv4l2_submission *sub)
{
    const struct vkv4l2_submission *lists[] = { q->pending, q->inflight, q->retire };
    for (int l = 0; l < 3; l++) {
        for (const struct vkv4l2_submission *x = lists[l]; x; x = x->next) {
            if (x != sub && x->seq < sub->seq && shares_signal(x, sub))
                return false;
        }
    }
    return !(q->executing && q->executing->seq < sub->seq && shares_signal(q->executing, sub));
}

static struct vkv4l2_submission *next_retirable(struct vkv4l2_queue *q)
{
    for (struct vkv4l2_submission *s = q->retire; s; s = s->next) {
        if (may_retire(q, s))
            return s;
    }
    return NULL;
}

static void unlink_retire(struct vkv4l2_queue *q, struct vkv4l2_submission *sub)
{
    struct vkv4l2_submission *prev = NULL;
    for (struct vkv4l2_submission *p = q->retire; p && p != sub; p = p->next)
        prev = p;
    if (prev)
        prev->next = sub->next;
    else
        q->retire = sub->next;
    if (q->retire_tail == sub)
        q->retire_tail = prev;
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

static void unlink_pending(struct vkv4l2_queue *q, struct vkv4l2_submission *s)
{
    struct vkv4l2_submission *prev = NULL;
    for (struct vkv4l2_submission *p = q->pending; p && p != s; p = p->next)
        prev = p;
    if (prev)
        prev->next = s->next;
    else
        q->pending = s->next;
    if (q->pending_tail == s)
        q->pending_tail = prev;
    s->next = NULL;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Under q->lock: unlinks and returns the submission to start next, or NULL
 * to poll again shortly.  Submissions start in order (their waits then
 * block in vkv4l2_sync_wait), except that a head whose decode references a
 * picture another submission has yet to produce lets that producer go
 * first (schedule.h) -- if the producer has not been submitted yet, for at
 * most VKV4L2_REORDER_WAIT_MS. */
/* A later submission that can run at once: its references are there, its
 * timeline waits are satisfied now, its buffers are idle. */
static struct vkv4l2_submission *pick_independent(struct vkv4l2_queue *q,
                                                 const struct vkv4l2_submission *blocked)
{
    for (struct vkv4l2_submission *p = q->pending; p; p = p->next) {
        struct vkv4l2_submission *producer;
        if (p == blocked || !vkv4l2_sched_data_ready(q, p, &producer) ||
            !vkv4l2_sched_waits_satisfied(q, p) || !vkv4l2_sched_targets_idle(q, p))
            continue;
        return p;
    }
    return NULL;
}

static struct vkv4l2_submission *pick(struct vkv4l2_queue *q)
{
    struct vkv4l2_submission *head = q->pending;
    /* Follow the chain of missing references down to a submission whose
     * own references are all there. */
    const struct vkv4l2_submission *users[8];
    unsigned nusers = 0;
    struct vkv4l2_submission *cand = head, *producer;
    while (!vkv4l2_sched_data_ready(q, cand, &producer)) {
        if (!producer || nusers == 8) {
            cand = NULL; /* a missing reference nobody has submitted yet */
            break;
        }
        users[nusers++] = cand;
        cand = producer;
    }
    if (cand && !vkv4l2_sched_targets_idle(q, cand)) {
        /* Its picture is still being read on the GPU (implicit fences):
         * another independent submission may go meanwhile, and it goes
         * anyway once VKV4L2_GATE_TIMEOUT_MS is over (the executor then
         * reports the frame as an error). */
        uint64_t now = now_ns();
        if (!cand->gate_blocked_since_ns)
            cand->gate_blocked_since_ns = now;
        if (now - cand->gate_blocked_since_ns < q->gate_timeout_ns) {
            struct vkv4l2_submission *other = pick_independent(q, cand);
            if (other)
                unlink_pending(q, other);
            return other;
        }
    }
    if (cand == head) {
        unlink_pending(q, head);
        return head;
    }
    if (cand && vkv4l2_sched_release_waits_on(q, cand, users, nusers)) {
        vkv4l2_log_inst(q->dev->inst, VKV4L2_LOG_DEBUG,
                        "submission %llu produces a reference of submission %llu: runs first",
                        (unsigned long long)cand->seq, (unsigned long long)head->seq);
        unlink_pending(q, cand);
        return cand;
    }
    uint64_t now = now_ns();
    if (!head->blocked_since_ns)
        head->blocked_since_ns = now;
    if (now - head->blocked_since_ns < q->reorder_wait_ns)
        return NULL;
    vkv4l2_log_inst(q->dev->inst, VKV4L2_LOG_WARN,
                    "submission %llu: a reference was not produced within %llu ms",
                    (unsigned long long)head->seq,
                    (unsigned long long)(q->reorder_wait_ns / 1000000));
    unlink_pending(q, head); /* the reference never came: the frame fails */
    return head;
}

/* Waits, then executes: the decodes it queues run while the next
 * submission is already being prepared. */
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
             * without telling us, or for a reference still to come. */
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
        retire_insert(q, sub);
        /* Signals happen in submission order wherever two submissions
         * signal the same semaphore (timeline values must only grow);
         * otherwise a submission retires as soon as it is done. */
        struct vkv4l2_submission *done;
        while ((done = next_retirable(q))) {
            unlink_retire(q, done);
            pthread_mutex_unlock(&q->lock);
            r = vkv4l2_sync_signal(q, done);
            if (r != VK_SUCCESS)
                mark_lost(q, r, "signalling");
            free_submission(done);
            pthread_mutex_lock(&q->lock);
            q->completed++;
        }
        pthread_cond_broadcast(&q->cond);
        pthread_mutex_unlock(&q->lock);
    }
    return NULL;
}

static unsigned setting_ms(const char *name, unsigned def)
{
    char value[16];
    if (vkv4l2_setting_get(NULL, name, value, sizeof(value)))
        return (unsigned)atoi(value);
    return def;
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
    q->reorder_wait_ns = setting_ms("REORDER_WAIT_MS", 200) * 1000000ull;
    q->gate_timeout_ns = setting_ms("GATE_TIMEOUT_MS", 5000) * 1000000ull;
    pthread_mutex_init(&q->lock, NULL);
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
    pthread_cond_destroy(&q->cond);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

VkResult vkv4l2_queue_push(struct vkv4l2_queue *q, struct vkv4l2_submission *sub, uint64_t *seq)
{
    pthread_mutex_lock(&q->lock);
    VkResult lost = q->lost;
    sub->seq = ++q->next_seq;
    *seq = sub->seq;
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
