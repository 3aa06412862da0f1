/* The VGA as its BIOS leaves it after POST: 80x25 colour text (mode 3), the
 * 8x16 font in plane 2, a blank screen, the cursor at the top left.
 *
 * The device's reset is the hardware reset (registers cleared): with
 * firmware, SeaBIOS runs the VGA BIOS, which sets mode 3 itself.  A direct
 * kernel boot (system/loader.c) runs no firmware, yet kernels assume the
 * PC state after POST: Linux's vgacon takes mode 3 and a loaded font for
 * granted, Multiboot kernels write text to 0xB8000.  So the loader asks for
 * this state, as it asks acpi_install() for the PM base SeaBIOS would set.
 *
 * Register values: the IBM VGA BIOS parameter table of mode 3 (720x400,
 * 9x16 cells).  The font comes from the VGA BIOS image, as the real BIOS
 * loads it from its own ROM. */
#include <string.h>

#include "hw/vga.h"

static const uint8_t mode3_misc = 0x67;
static const uint8_t mode3_seq[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_crtc[25] = {
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00,
    0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
};
static const uint8_t mode3_gc[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff };
static const uint8_t mode3_ar[21] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
    0x0c, 0x00, 0x0f, 0x08, 0x00,
};

/* A font table looks like the IBM 8x16 font when NUL and space are blank,
 * 'A' is not, and 0xDB (full block) is solid: no other table in the VGA
 * BIOS (8x8, 8x14, code) matches at a 16-byte glyph stride. */
static bool looks_like_font16(const uint8_t *f)
{
    static const uint8_t blank[16];
    static const uint8_t solid[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    return !memcmp(f, blank, 16) && !memcmp(f + 0x20 * 16, blank, 16) &&
           memcmp(f + 0x41 * 16, blank, 16) && !memcmp(f + 0xdb * 16, solid, 16);
}

const uint8_t *vga_rom_font16(const uint8_t *rom, size_t size)
{
    for (size_t off = 0; rom && off + VGA_FONT16_SIZE <= size; off++)
        if (looks_like_font16(rom + off))
            return rom + off;
    return NULL;
}

/* DAC entries 0-63 as the BIOS loads them for the text modes: the EGA
 * colours, index bits rgbRGB (primary bits 2/1/0 worth 2/3 of full scale,
 * secondary bits 5/4/3 worth 1/3); 64-255 black. */
static void load_ega_dac(Vga *s)
{
    memset(s->dac, 0, sizeof s->dac);
    for (unsigned i = 0; i < 64; i++) {
        uint8_t *c = &s->dac[i * 3];
        c[0] = (uint8_t)(((i >> 2) & 1) * 42 + ((i >> 5) & 1) * 21);
        c[1] = (uint8_t)(((i >> 1) & 1) * 42 + ((i >> 4) & 1) * 21);
        c[2] = (uint8_t)((i & 1) * 42 + ((i >> 3) & 1) * 21);
    }
    s->dac_mask = 0xff;
}

/* Plane 2, character map 0: glyph c at plane offset c * 32, 16 lines used. */
static void load_font(Vga *s, const uint8_t *font)
{
    for (uint32_t o = 0; o < VGA_PLANE_SIZE; o++) {
        uint32_t c = o / 32, line = o % 32;
        s->vram[o * 4 + 2] = font && c < 256 && line < 16 ? font[c * 16 + line] : 0;
    }
}

/* The 32 KiB text window of B8000 filled with blanks (space, light grey on
 * black): in odd/even addressing cell i is plane 0 (character) and plane 1
 * (attribute) at plane offset 2 * i. */
static void clear_text(Vga *s)
{
    for (uint32_t i = 0; i < 0x4000; i++) {
        s->vram[i * 8] = ' ';
        s->vram[i * 8 + 1] = 0x07;
    }
}

void vga_post_text_mode(Vga *s, const uint8_t *font)
{
    vga_reset(s);
    s->misc = mode3_misc;
    memcpy(s->seq, mode3_seq, sizeof mode3_seq);
    memcpy(s->crtc, mode3_crtc, sizeof mode3_crtc);
    memcpy(s->gc, mode3_gc, sizeof mode3_gc);
    memcpy(s->ar, mode3_ar, sizeof mode3_ar);
    s->ar_idx = 0x20;                 /* palette address source on: display enabled */
    load_ega_dac(s);
    load_font(s, font);
    clear_text(s);
    vga_mark_dirty(s, 0, VGA_PLANE_SIZE * 4);
    s->full_redraw = true;
}
