/* IBM VGA: registers, the 0xA0000-0xBFFFF memory window and rendering into a
 * host RGB frame, plus the Bochs VBE "DISPI" extension (hw/vga-vbe.c) and the
 * PCI function 1234:1111 that carries it (hw/pci-vga.c).
 *
 * Video memory is one block (VGA_VRAM_SIZE).  The four VGA planes are
 * interleaved byte by byte: plane p at plane offset o is vram[o * 4 + p], so
 * chain-4 (mode 13h) CPU address A is simply vram[A], and the VBE linear
 * frame buffer is the same block seen flat.
 *
 * Ports (IBM VGA technical reference; 0x3Dx moves to 0x3Bx when the
 * miscellaneous output register selects monochrome addressing):
 *   0x3C0     attribute index/data flip-flop (reset by reading 0x3DA)
 *   0x3C1     attribute data read
 *   0x3C2     misc output write / input status 0 read
 *   0x3C4/5   sequencer index/data
 *   0x3C6     DAC pixel mask, 0x3C7 DAC read index (read: DAC state),
 *   0x3C8     DAC write index, 0x3C9 DAC data (R, G, B in turn)
 *   0x3CA     feature control read, 0x3CC misc output read
 *   0x3CE/F   graphics controller index/data
 *   0x3D4/5   CRTC index/data, 0x3DA input status 1 (retrace bits toggle on
 *             every read so polling loops end) / feature control write
 *
 * Memory: read modes 0/1, write modes 0-3 with set/reset, rotate, logical
 * function, bit mask and the latches; chain-4 (seq 4 bit 3) and odd/even
 * (seq 4 bit 2 clear) addressing; the GC miscellaneous register selects the
 * window (A0000/128K, A0000/64K, B0000/32K, B8000/32K). */
#ifndef HW_VGA_H
#define HW_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/machine.h"

#define VGA_VRAM_SIZE (16u << 20)
#define VGA_PLANE_SIZE 0x10000u          /* 64 KiB per plane */
#define VGA_MAX_W 2560
#define VGA_MAX_H 1600

/* VBE DISPI registers (index port 0x1CE, data 0x1CF) */
enum { VBE_ID, VBE_XRES, VBE_YRES, VBE_BPP, VBE_ENABLE, VBE_BANK, VBE_VIRT_WIDTH,
       VBE_VIRT_HEIGHT, VBE_X_OFFSET, VBE_Y_OFFSET, VBE_VIDEO_MEMORY_64K, VBE_NREGS };
#define VBE_ID5 0xb0c5
#define VBE_ENABLED 0x01
#define VBE_GETCAPS 0x02
#define VBE_8BIT_DAC 0x20
#define VBE_LFB_ENABLED 0x40
#define VBE_NOCLEARMEM 0x80

typedef struct Vga {
    Machine *m;
    uint8_t *vram;                /* VGA_VRAM_SIZE, page aligned (the LFB BAR maps it) */
    /* Registers */
    uint8_t misc;                 /* misc output */
    uint8_t feature;
    uint8_t seq_idx, seq[8];
    uint8_t gc_idx, gc[16];
    uint8_t crtc_idx, crtc[32];
    uint8_t ar_idx, ar[21];
    bool ar_flip;                 /* false: next 0x3C0 write is the index */
    uint8_t dac_mask, dac_read_idx, dac_write_idx, dac_sub, dac_state;
    uint8_t dac[256 * 3];         /* 6-bit values (8-bit with VBE_8BIT_DAC) */
    uint8_t latch[4];
    uint8_t st1_toggle;           /* input status 1 retrace bits, flipped per read */
    /* Bochs VBE */
    uint16_t vbe_idx, vbe[VBE_NREGS];
    uint32_t vbe_start;           /* byte offset of the visible frame */
    uint32_t vbe_stride;          /* bytes per line */
    /* Host frame (XRGB8888), rebuilt by vga_update() */
    uint32_t *fb;
    int width, height;
    /* Dirty tracking: one bit per 4 KiB page of VRAM written through the VGA
     * window since the last update, plus a snapshot of the visible frame
     * memory for writes the backend makes straight to the LFB (RAM-like). */
    uint8_t dirty[VGA_VRAM_SIZE / 4096 / 8];
    uint8_t *shadow;
    uint32_t shadow_len;
    bool full_redraw;             /* mode change: redraw all */
    uint64_t frames, lines_drawn; /* statistics for tests */
} Vga;

/* Creates the VGA core: the ports and the legacy window (PCI_PRIO_LEGACY);
 * registers device "vga". */
Vga *vga_create(Machine *m);
void vga_reset(void *opaque);
/* Memory window access (offset from 0xA0000). */
uint64_t vga_mem_read(void *opaque, uint64_t off, unsigned size);
void vga_mem_write(void *opaque, uint64_t off, uint64_t val, unsigned size);
void vga_mark_dirty(Vga *s, uint32_t off, uint32_t len);

/* VBE DISPI (hw/vga-vbe.c) */
void vbe_init(Vga *s);
void vbe_reset(Vga *s);
bool vbe_enabled(const Vga *s);

/* Rendering (hw/vga-render.c): brings s->fb up to date with the mode and the
 * video memory; redraws only lines whose memory changed (or everything after
 * a mode change).  Returns the number of lines redrawn. */
int vga_update(Vga *s);
/* DAC entry i as XRGB8888. */
uint32_t vga_dac_rgb(const Vga *s, unsigned i);

/* The state a VGA BIOS leaves after POST (hw/vga-post.c), for boots without
 * firmware: mode 3 (80x25 colour text, 9x16 cells), the EGA colours in the
 * DAC, font (256 glyphs of 16 bytes; NULL: blank glyphs) in plane 2, the
 * screen blank, the cursor at the top left. */
#define VGA_FONT16_SIZE (256 * 16)
void vga_post_text_mode(Vga *s, const uint8_t *font);
/* The 8x16 font in a VGA BIOS image, or NULL when it has none. */
const uint8_t *vga_rom_font16(const uint8_t *rom, size_t size);

#endif
