/* One stream on one video session: frontend picture -> command buffer
 * (begin coding with the references and the setup slot, RESET on the
 * first, decode, end coding, a status query) -> vkQueueSubmit2 on the
 * decode queue, ordered by a timeline semaphore (value n = picture n). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "client_session.h"

static int map_file(const char *path, const uint8_t **data, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st = { 0 };
    if (fd < 0)
        CLIENT_FAIL(-errno, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) < 0 || st.st_size == 0) {
        close(fd);
        CLIENT_FAIL(-EINVAL, "%s: empty", path);
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        CLIENT_FAIL(-errno, "%s: mmap: %s", path, strerror(errno));
    *data = p;
    *size = (size_t)st.st_size;
    return 0;
}

int client_stream_open(struct client_stream *s, struct client_vk *vk, const char *path,
                       const char *name)
{
    s->vk = vk;
    s->name = name;
    int ret = map_file(path, &s->data, &s->size);
    if (ret)
        return ret;
    if ((ret = vkv4l2_fe_init(&s->fe, s->data, s->size)))
        CLIENT_FAIL(ret, "%s: frontend init: %d", name, ret);
    int n = client_reference_md5(path, &s->ref_md5);
    if (n <= 0)
        CLIENT_FAIL(n < 0 ? n : -EINVAL, "%s: no software-decode reference", name);
    s->n_ref = (unsigned)n;
    /* The coded size of the first SPS sizes the session (no size changes). */
    for (unsigned i = 0; i < FE_MAX_SPS && !s->extent.width; i++)
        if (s->fe.sps[i])
            s->extent = (VkExtent2D){ s->fe.sps[i]->width, s->fe.sps[i]->height };
    if (!s->extent.width) {
        /* SPS are parsed with the first picture: peek by parsing a copy. */
        static struct vkv4l2_fe probe;
        const struct vkv4l2_fe_picture *pic;
        vkv4l2_fe_init(&probe, s->data, s->size);
        if ((ret = vkv4l2_fe_next_picture(&probe, &pic)) == 0)
            s->extent = (VkExtent2D){ pic->sps->width, pic->sps->height };
        vkv4l2_fe_finish(&probe);
        if (ret)
            CLIENT_FAIL(ret < 0 ? ret : -EINVAL, "%s: no first picture (%d)", name, ret);
    }
    return client_session_create(s);
}

void client_stream_close(struct client_stream *s)
{
    if (s->vk && s->vk->dev) {
        if (s->submitted)
            client_stream_wait(s, s->submitted, 10ull * 1000000000);
        client_session_destroy(s);
    }
    vkv4l2_fe_finish(&s->fe);
    if (s->data)
        munmap((void *)s->data, s->size);
    free(s->ref_md5);
}

int client_stream_wait(struct client_stream *s, uint64_t value, uint64_t timeout_ns)
{
    const VkSemaphoreWaitInfo wi = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO, .semaphoreCount = 1,
        .pSemaphores = &s->timeline, .pValues = &value};
    VkResult r = vkWaitSemaphores(s->vk->dev, &wi, timeout_ns);
    if (r == VK_TIMEOUT)
        return 1;
    CLIENT_VK(r);
    return 0;
}

int client_entry_status(struct client_stream *s, const struct client_entry *e)
{
    int32_t status = 0;
    uint32_t q = (uint32_t)(e - s->ring);
    VkResult r = vkGetQueryPoolResults(s->vk->dev, s->query, q, 1, sizeof(status), &status,
                                       sizeof(status), VK_QUERY_RESULT_WITH_STATUS_BIT_KHR);
    if (r == VK_NOT_READY)
        return 0;
    CLIENT_VK(r);
    return status;
}

int client_stream_next(struct client_stream *s, struct client_picture *out)
{
    const struct vkv4l2_fe_picture *pic;
    int ret = vkv4l2_fe_next_picture(&s->fe, &pic);
    if (ret == -ENOENT)
        return 1;
    if (ret)
        CLIENT_FAIL(ret, "%s: frontend: %d", s->name, ret);
    if (pic->sps->width != s->extent.width || pic->sps->height != s->extent.height)
        CLIENT_FAIL(-ENOTSUP, "%s: size change (not handled by this client)", s->name);
    if (pic->num_slices > sizeof(out->slice_offsets) / sizeof(out->slice_offsets[0]))
        CLIENT_FAIL(-ENOTSUP, "%s: %u slices", s->name, pic->num_slices);
    if ((ret = client_params_for(s, pic, &out->params)))
        return ret;
    s->crop_left = pic->sps->std.frame_crop_left_offset;
    s->crop_top = pic->sps->std.frame_crop_top_offset;
    s->display_width = pic->sps->display_width;
    s->display_height = pic->sps->display_height;
    out->info = pic->info;
    out->setup_slot = pic->setup_slot;
    out->setup_info = pic->setup_info;
    out->num_refs = pic->num_refs;
    memcpy(out->ref_slots, pic->ref_slots, sizeof(out->ref_slots));
    memcpy(out->refs, pic->refs, sizeof(out->refs));
    memcpy(out->slice_offsets, pic->slice_offsets, pic->num_slices * sizeof(uint32_t));
    out->num_slices = pic->num_slices;
    out->size = pic->bitstream_size;
    /* The slices travel in the entry's bitstream buffer: keep a pointer. */
    out->bits = pic->bitstream;
    return 0;
}

static void record(struct client_stream *s, struct client_entry *e)
{
    struct client_vk *vk = s->vk;
    const struct client_picture *p = &e->pic;
    VkCommandBuffer cmd = e->cmd;
    uint32_t q = (uint32_t)(e - s->ring);
    VkVideoPictureResourceInfoKHR res[CLIENT_SLOTS + 1];
    VkVideoDecodeH264DpbSlotInfoKHR h264[CLIENT_SLOTS + 1];
    VkVideoReferenceSlotInfoKHR slots[CLIENT_SLOTS + 1];
    for (unsigned i = 0; i <= p->num_refs; i++) {
        bool setup = i == p->num_refs;
        int slot = setup ? p->setup_slot : p->ref_slots[i];
        res[i] = (VkVideoPictureResourceInfoKHR){
            .sType = VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR,
            .codedExtent = s->extent, .imageViewBinding = s->view[slot]};
        h264[i] = (VkVideoDecodeH264DpbSlotInfoKHR){
            .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_DPB_SLOT_INFO_KHR,
            .pStdReferenceInfo = setup ? &p->setup_info : &p->refs[i]};
        slots[i] = (VkVideoReferenceSlotInfoKHR){
            .sType = VK_STRUCTURE_TYPE_VIDEO_REFERENCE_SLOT_INFO_KHR, .pNext = &h264[i],
            .slotIndex = slot, .pPictureResource = &res[i]};
    }
    /* In begin coding the slot being set up is not active yet: -1. */
    VkVideoReferenceSlotInfoKHR begin_slots[CLIENT_SLOTS + 1];
    memcpy(begin_slots, slots, sizeof(slots[0]) * (p->num_refs + 1));
    begin_slots[p->num_refs].slotIndex = -1;

    const VkCommandBufferBeginInfo bi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    vkBeginCommandBuffer(cmd, &bi);
    vkCmdResetQueryPool(cmd, s->query, q, 1);
    const VkVideoBeginCodingInfoKHR begin = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR, .videoSession = s->session,
        .videoSessionParameters = p->params, .referenceSlotCount = p->num_refs + 1,
        .pReferenceSlots = begin_slots};
    vk->CmdBeginVideoCoding(cmd, &begin);
    if (!s->reset_done) {
        const VkVideoCodingControlInfoKHR ctl = {
            .sType = VK_STRUCTURE_TYPE_VIDEO_CODING_CONTROL_INFO_KHR,
            .flags = VK_VIDEO_CODING_CONTROL_RESET_BIT_KHR};
        vk->CmdControlVideoCoding(cmd, &ctl);
        s->reset_done = true;
    }
    const VkVideoDecodeH264PictureInfoKHR pic = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR,
        .pStdPictureInfo = &p->info, .sliceCount = p->num_slices, .pSliceOffsets = p->slice_offsets};
    const VkVideoDecodeInfoKHR dec = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_INFO_KHR, .pNext = &pic,
        .srcBuffer = e->bitstream, .srcBufferOffset = 0, .srcBufferRange = p->size,
        .dstPictureResource = res[p->num_refs], .pSetupReferenceSlot = &slots[p->num_refs],
        .referenceSlotCount = p->num_refs, .pReferenceSlots = slots};
    vkCmdBeginQuery(cmd, s->query, q, 0);
    vk->CmdDecodeVideo(cmd, &dec);
    vkCmdEndQuery(cmd, s->query, q);
    const VkVideoEndCodingInfoKHR end = { .sType = VK_STRUCTURE_TYPE_VIDEO_END_CODING_INFO_KHR };
    vk->CmdEndVideoCoding(cmd, &end);
    vkEndCommandBuffer(cmd);
}

/* An entry whose last decode is over (its query checked). */
static int take_entry(struct client_stream *s, struct client_entry **out)
{
    struct client_entry *e = &s->ring[s->submitted % CLIENT_RING];
    if (e->value) {
        int ret = client_stream_wait(s, e->value, 10ull * 1000000000);
        if (ret)
            CLIENT_FAIL(ret < 0 ? ret : -ETIMEDOUT, "%s: decode %llu never completed", s->name,
                        (unsigned long long)e->value);
        int status = client_entry_status(s, e);
        if (status != VK_QUERY_RESULT_STATUS_COMPLETE_KHR)
            CLIENT_FAIL(-EIO, "%s: decode %llu status %d", s->name, (unsigned long long)e->value,
                        status);
    }
    *out = e;
    return 0;
}

int client_stream_submit(struct client_stream *s, const struct client_picture *pic,
                         struct client_entry **entry)
{
    struct client_entry *e;
    int ret = take_entry(s, &e);
    if (ret)
        return ret;
    e->pic = *pic;
    memcpy(e->bitstream_map, pic->bits, pic->size);
    record(s, e);
    e->value = s->submitted + 1;
    /* Wait for the previous decode of this stream (references, the DPB's
     * order) and signal ours, like FFmpeg. */
    const VkSemaphoreSubmitInfo wait = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, .semaphore = s->timeline,
        .value = s->submitted, .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT};
    const VkSemaphoreSubmitInfo signal = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, .semaphore = s->timeline,
        .value = e->value, .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT};
    const VkCommandBufferSubmitInfo cbi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, .commandBuffer = e->cmd};
    const VkSubmitInfo2 si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2, .waitSemaphoreInfoCount = s->submitted ? 1 : 0,
        .pWaitSemaphoreInfos = &wait, .commandBufferInfoCount = 1, .pCommandBufferInfos = &cbi,
        .signalSemaphoreInfoCount = 1, .pSignalSemaphoreInfos = &signal};
    CLIENT_VK(client_vk_submit(s->vk, true, &si, VK_NULL_HANDLE));
    s->submitted = e->value;
    if (entry)
        *entry = e;
    return 0;
}

int client_stream_drain_outputs(struct client_stream *s)
{
    struct vkv4l2_fe_output o;
    while (vkv4l2_fe_pop_output(&s->fe, &o) == 0) {
        char md5[33];
        int ret = client_readback_md5(s, &o, md5);
        if (ret)
            return ret;
        if (s->frames_out >= s->n_ref)
            CLIENT_FAIL(-EINVAL, "%s: frame %u beyond the %u of software decode", s->name,
                        s->frames_out, s->n_ref);
        if (strcmp(md5, s->ref_md5[s->frames_out])) {
            fprintf(stderr, "%s: frame %u: %s, software decode %s\n", s->name, s->frames_out,
                    md5, s->ref_md5[s->frames_out]);
            s->mismatches++;
        }
        s->frames_out++;
    }
    return 0;
}

int client_stream_step(struct client_stream *s)
{
    if (s->finished)
        return 1;
    struct client_picture pic;
    int ret = client_stream_next(s, &pic);
    if (ret == 1) {
        s->finished = true;
        return client_stream_drain_outputs(s) ? -1 : 1;
    }
    if (ret)
        return ret;
    if ((ret = client_stream_drain_outputs(s)) || (ret = client_stream_submit(s, &pic, NULL)))
        return ret;
    if ((ret = vkv4l2_fe_picture_done(&s->fe)))
        CLIENT_FAIL(ret, "%s: reference marking: %d", s->name, ret);
    return client_stream_drain_outputs(s);
}
