/* Internal to the command recorder: the list's storage and the deep-copy
 * helpers shared by cmd_record.c, cmd_copy_sync.c and cmd_copy_video.c.
 *
 * Error model: an allocation failure sets list->copy_failed and returns
 * NULL; helpers never write through a NULL they got, and the append that
 * started the copy checks the flag once at the end.  So copy code stays a
 * straight line instead of checking every step. */
#ifndef VKV4L2_CMD_COPY_H
#define VKV4L2_CMD_COPY_H

#include "cmd_record.h"

#include <stddef.h>

/* Zeroed, 16-byte aligned storage owned by the list, or NULL (flagged). */
void *vkv4l2_cmd_alloc(struct vkv4l2_cmd_list *list, size_t size);

/* Copy of count elements of elem_size bytes.  NULL without a flag when
 * src is NULL or count is 0 (nothing to copy). */
void *vkv4l2_cmd_dup_array(struct vkv4l2_cmd_list *list, const void *src,
                           size_t elem_size, size_t count);

#define vkv4l2_cmd_dup(list, src) vkv4l2_cmd_dup_array((list), (src), sizeof(*(src)), 1)

/* Notes one dropped pNext struct of the command being recorded. */
void vkv4l2_cmd_note_dropped(struct vkv4l2_cmd_list *list, VkStructureType parent,
                             VkStructureType dropped);

/* Drops a whole chain (for structs with no pNext extension we execute);
 * returns NULL, the new pNext. */
const void *vkv4l2_cmd_drop_chain(struct vkv4l2_cmd_list *list, VkStructureType parent,
                                  const void *chain);

/* In place: dst already holds a shallow copy of the app's struct; these
 * replace every pointer in it with a pointer to a deep copy. */
void vkv4l2_copy_begin_coding(struct vkv4l2_cmd_list *list, VkVideoBeginCodingInfoKHR *dst);
void vkv4l2_copy_control_coding(struct vkv4l2_cmd_list *list, VkVideoCodingControlInfoKHR *dst);
void vkv4l2_copy_decode_info(struct vkv4l2_cmd_list *list, VkVideoDecodeInfoKHR *dst);
void vkv4l2_copy_dependency_info(struct vkv4l2_cmd_list *list, VkDependencyInfo *dst);
void vkv4l2_copy_barrier1(struct vkv4l2_cmd_list *list, struct vkv4l2_cmd_barrier1 *dst);

#endif
