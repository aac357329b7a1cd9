/* Bump allocator for short-lived copies (scrubbed create infos, rewritten
 * barrier arrays, recorded command parameters).  Everything allocated from
 * an arena is freed at once by vkv4l2_arena_reset / _fini. */
#ifndef VKV4L2_ARENA_H
#define VKV4L2_ARENA_H

#include <stddef.h>

struct vkv4l2_arena_block;

struct vkv4l2_arena {
    struct vkv4l2_arena_block *head;
    size_t block_size; /* 0: default (4 KiB) */
};

#define VKV4L2_ARENA_INIT { NULL, 0 }

/* Zeroed, 16-byte aligned memory, or NULL when out of memory. */
void *vkv4l2_arena_alloc(struct vkv4l2_arena *arena, size_t size);
/* Copy of size bytes of src; NULL if src is NULL, size is 0, or no memory. */
void *vkv4l2_arena_dup(struct vkv4l2_arena *arena, const void *src, size_t size);
/* Frees all blocks but keeps the arena usable. */
void vkv4l2_arena_reset(struct vkv4l2_arena *arena);
void vkv4l2_arena_fini(struct vkv4l2_arena *arena);

#define vkv4l2_arena_new(arena, type, count) \
    ((type *)vkv4l2_arena_alloc((arena), sizeof(type) * (size_t)(count)))

#endif
