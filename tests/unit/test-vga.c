/* The VGA core driven through its ports and memory window as a guest would,
 * no CPU: write modes 0-3, read modes 0/1 and the latches, chain-4 and
 * odd/even addressing, the DAC; rendering of mode 13h, 16-colour planar
 * (mode 12h) and text (mode 3, font in plane 2, 9th column, cursor) checked
 * pixel by pixel against values computed here; VBE banked and LFB frames;
 * redraw of changed lines only; guest errors that must be ignored. */
#include <stdlib.h>
#include <string.h>

#include "hw/machine.h"
#include "hw/ps2-kbd.h"
#include "hw/vga.h"
#include "ui/keymap.h"
#include "tests/unit/test.h"

static Machine m;
static Vga *vga;

static void outb(uint16_t port, uint8_t v) { io_write(&m.io, port, v, 1); }
static uint8_t inb(uint16_t port) { return (uint8_t)io_read(&m.io, port, 1); }
static void outw(uint16_t port, uint16_t v) { io_write(&m.io, port, v, 2); }
static uint16_t inw(uint16_t port) { return (uint16_t)io_read(&m.io, port, 2); }
static void wr(uint32_t a, uint8_t v) { phys_write(&m.mem, a, v, 1); }
static uint8_t rd(uint32_t a) { return (uint8_t)phys_read(&m.mem, a, 1); }
static void seq(uint8_t i, uint8_t v) { outb(0x3c4, i); outb(0x3c5, v); }
static void gc(uint8_t i, uint8_t v) { outb(0x3ce, i); outb(0x3cf, v); }
static void vbe(uint16_t i, uint16_t v) { outw(0x1ce, i); outw(0x1cf, v); }
static uint32_t px(int x, int y) { return vga->fb[(size_t)y * vga->width + x]; }

/* 6-bit DAC value to 8 bits by bit replication. */
static uint32_t rgb6(unsigned r, unsigned g, unsigned b)
{
    return (r << 2 | r >> 4) << 16 | (g << 2 | g >> 4) << 8 | (b << 2 | b >> 4);
}

static void dac_set(uint8_t i, uint8_t r, uint8_t g, uint8_t b)
{
    outb(0x3c8, i);
    outb(0x3c9, r);
    outb(0x3c9, g);
    outb(0x3c9, b);
}

/* Register sets of the standard modes (IBM VGA BIOS parameter tables). */
typedef struct Mode {
    uint8_t misc, seq[5], crtc[25], gc[9], ar[21];
} Mode;

static const Mode mode13 = { 0x63, { 0x03, 0x01, 0x0f, 0x00, 0x0e },
    { 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0, 0, 0, 0, 0, 0,
      0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff },
    { 0, 0, 0, 0, 0, 0x40, 0x05, 0x0f, 0xff },
    { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x41, 0, 0x0f, 0, 0 } };
static const Mode mode12 = { 0xe3, { 0x03, 0x01, 0x0f, 0x00, 0x06 },
    { 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0, 0, 0, 0, 0, 0,
      0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff },
    { 0, 0, 0, 0, 0, 0x00, 0x05, 0x0f, 0xff },
    { 0, 1, 2, 3, 4, 5, 0x14, 7, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x01, 0, 0x0f, 0, 0 } };
static const Mode mode3 = { 0x67, { 0x03, 0x00, 0x03, 0x00, 0x02 },
    { 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0, 0, 0, 0,
      0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff },
    { 0, 0, 0, 0, 0, 0x10, 0x0e, 0x00, 0xff },
    { 0, 1, 2, 3, 4, 5, 0x14, 7, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0, 0x0f, 8, 0 } };

static void set_mode(const Mode *md)
{
    outb(0x3c2, md->misc);
    for (int i = 0; i < 5; i++)
        seq(i, md->seq[i]);
    outb(0x3d4, 0x11);
    outb(0x3d5, 0);                 /* unprotect CRTC 0-7 */
    for (int i = 0; i < 25; i++) {
        outb(0x3d4, i);
        outb(0x3d5, md->crtc[i]);
    }
    for (int i = 0; i < 9; i++)
        gc(i, md->gc[i]);
    inb(0x3da);                     /* attribute flip-flop to index */
    for (int i = 0; i < 21; i++) {
        outb(0x3c0, i);
        outb(0x3c0, md->ar[i]);
    }
    outb(0x3c0, 0x20);              /* palette address source: display on */
}

static void test_planar_access(void)
{
    set_mode(&mode12);
    /* Write mode 0, all planes; read mode 0 picks one plane. */
    wr(0xa0000, 0x5a);
    for (int p = 0; p < 4; p++) {
        gc(4, p);
        CHECK_EQ(rd(0xa0000), 0x5a);
    }
    /* Map mask: only planes 1 and 3. */
    seq(2, 0x0a);
    wr(0xa0001, 0xc3);
    seq(2, 0x0f);
    gc(4, 0); CHECK_EQ(rd(0xa0001), 0x00);
    gc(4, 1); CHECK_EQ(rd(0xa0001), 0xc3);
    gc(4, 3); CHECK_EQ(rd(0xa0001), 0xc3);
    /* Set/reset on planes 0 and 2 (enabled for all), bit mask 0xF0 keeps the
     * latched low nibble. */
    rd(0xa0000);                    /* latches = 5a 5a 5a 5a */
    gc(0, 0x05); gc(1, 0x0f); gc(8, 0xf0);
    wr(0xa0000, 0x00);
    gc(0, 0); gc(1, 0); gc(8, 0xff);
    gc(4, 0); CHECK_EQ(rd(0xa0000), 0xfa);
    gc(4, 1); CHECK_EQ(rd(0xa0000), 0x0a);
    gc(4, 2); CHECK_EQ(rd(0xa0000), 0xfa);
    /* Write mode 1 copies the latches: 0xA0000 -> 0xA0002. */
    gc(5, 0x01);
    rd(0xa0000);
    wr(0xa0002, 0x77);
    gc(5, 0x00);
    gc(4, 0); CHECK_EQ(rd(0xa0002), 0xfa);
    gc(4, 1); CHECK_EQ(rd(0xa0002), 0x0a);
    /* Write mode 2 with XOR: colour 0b0011 XORed into the latches. */
    gc(5, 0x02); gc(3, 0x18);
    rd(0xa0002);
    wr(0xa0002, 0x03);
    gc(5, 0x00); gc(3, 0x00);
    gc(4, 0); CHECK_EQ(rd(0xa0002), 0x05);
    gc(4, 1); CHECK_EQ(rd(0xa0002), 0xf5);
    gc(4, 2); CHECK_EQ(rd(0xa0002), 0xfa);
    /* Read mode 1: colour compare 0b0101 over planes 0-2 (don't care 3). */
    gc(5, 0x08); gc(2, 0x05); gc(7, 0x07);
    uint8_t want = (uint8_t)~((0x05 ^ 0xff) | (0xf5 ^ 0x00) | (0xfa ^ 0xff));
    CHECK_EQ(rd(0xa0002), want);
    gc(5, 0x00); gc(7, 0x0f);
    /* Write mode 3: rotated data AND bit mask selects set/reset bits. */
    gc(5, 0x03); gc(0, 0x0f); gc(3, 0x04);   /* rotate right by 4 */
    rd(0xa0003);
    wr(0xa0003, 0x3c);                       /* -> 0xc3 */
    gc(5, 0x00); gc(0, 0); gc(3, 0);
    gc(4, 3); CHECK_EQ(rd(0xa0003), 0xc3);
}

static void test_mode13(void)
{
    set_mode(&mode13);
    dac_set(0x10, 0x3f, 0x00, 0x15);
    dac_set(0x11, 0x00, 0x2a, 0x3f);
    CHECK_EQ(vga_update(vga), 200);
    CHECK_EQ(vga->width, 320);
    CHECK_EQ(vga->height, 200);
    /* Chain-4: linear bytes; the DAC read port gives back what was written. */
    wr(0xa0000 + 5 * 320 + 7, 0x10);
    wr(0xa0000 + 199 * 320 + 319, 0x11);
    CHECK_EQ(rd(0xa0000 + 5 * 320 + 7), 0x10);
    outb(0x3c7, 0x11);
    CHECK_EQ(inb(0x3c9), 0x00);
    CHECK_EQ(inb(0x3c9), 0x2a);
    CHECK_EQ(inb(0x3c9), 0x3f);
    int n = vga_update(vga);
    CHECK(n > 0 && n < 200);        /* only the lines on the two written pages */
    CHECK_EQ(px(7, 5), rgb6(0x3f, 0x00, 0x15));
    CHECK_EQ(px(319, 199), rgb6(0x00, 0x2a, 0x3f));
    CHECK_EQ(px(8, 5), 0);
    CHECK_EQ(vga_update(vga), 0);   /* nothing changed: nothing redrawn */
    /* The DAC pixel mask applies to every pixel. */
    outb(0x3c6, 0x0f);
    vga_update(vga);
    CHECK_EQ(px(7, 5), 0);
    outb(0x3c6, 0xff);
}

static void test_mode12(void)
{
    set_mode(&mode12);
    dac_set(0x14, 0x2a, 0x15, 0x00);        /* brown (palette entry 6 -> 0x14) */
    dac_set(0x3f, 0x3f, 0x3f, 0x3f);
    /* Write mode 2: colour 6 into pixel 3 of byte 10 on line 100. */
    gc(5, 0x02);
    gc(8, 0x10);
    uint32_t a = 0xa0000 + 100 * 80 + 10;
    rd(a);
    wr(a, 6);
    gc(8, 0x01);
    rd(a);
    wr(a, 15);
    gc(8, 0xff);
    gc(5, 0x00);
    vga_update(vga);
    CHECK_EQ(vga->width, 640);
    CHECK_EQ(vga->height, 480);
    CHECK_EQ(px(83, 100), rgb6(0x2a, 0x15, 0x00));
    CHECK_EQ(px(87, 100), rgb6(0x3f, 0x3f, 0x3f));
    CHECK_EQ(px(84, 100), 0);
    /* Colour plane enable masks plane 1 out: colour 6 becomes 4. */
    dac_set(0x04, 0x00, 0x00, 0x2a);
    inb(0x3da);
    outb(0x3c0, 0x32);
    outb(0x3c0, 0x0d);
    vga_update(vga);
    CHECK_EQ(px(83, 100), rgb6(0x00, 0x00, 0x2a));
}

static void test_text(void)
{
    /* Font load as the VGA BIOS does it: plane 2, sequential addressing. */
    set_mode(&mode3);
    seq(2, 0x04); seq(4, 0x06); gc(4, 0x02); gc(5, 0x00); gc(6, 0x04);
    static const uint8_t glyph_a[16] = { 0, 0, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe,
                                         0xc6, 0xc6, 0xc6, 0xc6, 0, 0, 0, 0 };
    for (int i = 0; i < 16; i++) {
        wr(0xa0000 + 0x41 * 32 + i, glyph_a[i]);
        wr(0xa0000 + 0xc4 * 32 + i, i == 7 ? 0xff : 0x00);   /* box-drawing line */
    }
    set_mode(&mode3);
    dac_set(0x3e, 0x3f, 0x3f, 0x15);
    dac_set(0x01, 0x00, 0x00, 0x2a);
    /* Odd/even: even bytes are characters (plane 0), odd ones attributes. */
    wr(0xb8000, 'A'); wr(0xb8001, 0x1e);
    wr(0xb8002, 0xc4); wr(0xb8003, 0x1e);
    CHECK_EQ(rd(0xb8000), 'A');
    CHECK_EQ(rd(0xb8001), 0x1e);
    outb(0x3d4, 0x0e); outb(0x3d5, 0);
    outb(0x3d4, 0x0f); outb(0x3d5, 81);     /* cursor at row 1, column 1 */
    vga_update(vga);
    CHECK_EQ(vga->width, 720);
    CHECK_EQ(vga->height, 400);
    uint32_t fg = rgb6(0x3f, 0x3f, 0x15), bg = rgb6(0, 0, 0x2a);
    int bad = 0;
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 9; x++) {
            uint32_t want = x < 8 && (glyph_a[y] & (0x80 >> x)) ? fg : bg;
            bad += px(x, y) != want;
        }
    CHECK_EQ(bad, 0);
    CHECK_EQ(px(9 + 8, 7), fg);             /* 0xC4: the 9th column repeats the 8th */
    CHECK_EQ(px(9 + 8, 6), bg);
    /* The cursor (lines 13-14) takes its cell's foreground: black for the
     * blank attribute 0 cell, yellow once the cell has attribute 0x0e. */
    CHECK_EQ(px(9 + 3, 16 + 13), 0);
    wr(0xb8000 + 81 * 2 + 1, 0x0e);
    vga_update(vga);
    CHECK_EQ(px(9 + 3, 16 + 13), fg);
    CHECK_EQ(px(9 + 3, 16 + 14), fg);
    CHECK_EQ(px(9 + 3, 16 + 12), 0);
    outb(0x3d4, 0x0a); outb(0x3d5, 0x2d);   /* cursor off */
    vga_update(vga);
    CHECK_EQ(px(9 + 3, 16 + 13), 0);
    /* Input status 1: retrace bits toggle so polling loops end. */
    uint8_t s1 = inb(0x3da), s2 = inb(0x3da);
    CHECK_EQ((s1 ^ s2) & 0x08, 0x08);
}

/* A VGA BIOS image with the 8x16 font at `at` (glyph c: c ^ line, except
 * the blanks NUL and space, 'A' and the solid 0xDB), after a decoy table
 * that is solid at 0xDB but has no 'A'. */
static const uint8_t glyph_a16[16] = { 0, 0, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe,
                                       0xc6, 0xc6, 0xc6, 0xc6, 0, 0, 0, 0 };

static void make_rom(uint8_t *rom, size_t size, size_t at)
{
    for (size_t i = 0; i < size; i++)
        rom[i] = (uint8_t)(i * 13 + 1);
    uint8_t *decoy = rom + 0x100;
    memset(decoy, 0, VGA_FONT16_SIZE);
    memset(decoy + 0xdb * 16, 0xff, 16);
    uint8_t *f = rom + at;
    for (int c = 0; c < 256; c++)
        for (int l = 0; l < 16; l++)
            f[c * 16 + l] = (uint8_t)(c ^ l);
    memset(f, 0, 16);
    memset(f + 0x20 * 16, 0, 16);
    memcpy(f + 0x41 * 16, glyph_a16, 16);
    memset(f + 0xdb * 16, 0xff, 16);
}

/* The state after POST that the direct kernel loader asks for: mode 3 as the
 * guest reads it back, a blank screen, the font drawn from plane 2 in the
 * BIOS's EGA colours (attribute 0x1e: yellow on blue, as dac_set() above
 * sets them by hand), the underline cursor at the top left. */
static void test_post_text(void)
{
    static uint8_t rom[0x8000];
    make_rom(rom, sizeof rom, 0x2345);
    CHECK(vga_rom_font16(rom, sizeof rom) == rom + 0x2345);
    CHECK(vga_rom_font16(rom, 0x2345 + VGA_FONT16_SIZE - 1) == NULL);   /* cut short */
    CHECK(vga_rom_font16(NULL, 0) == NULL);
    set_mode(&mode13);
    vga_post_text_mode(vga, vga_rom_font16(rom, sizeof rom));
    CHECK_EQ(inb(0x3cc), 0x67);
    outb(0x3d4, 0x09);
    CHECK_EQ(inb(0x3d5), 0x4f);                 /* 16 scan lines per row */
    outb(0x3ce, 0x06);
    CHECK_EQ(inb(0x3cf), 0x0e);                 /* B8000, odd/even */
    CHECK_EQ(rd(0xb8000), ' ');
    CHECK_EQ(rd(0xb8001), 0x07);
    CHECK_EQ(rd(0xbfffe), ' ');
    CHECK_EQ(rd(0xbffff), 0x07);
    vga_update(vga);
    CHECK_EQ(vga->width, 720);
    CHECK_EQ(vga->height, 400);
    CHECK_EQ(px(719, 399), 0);
    CHECK_EQ(px(0, 13), rgb6(0x2a, 0x2a, 0x2a));    /* cursor: grey on the blank cell */
    wr(0xb8000, 'A'); wr(0xb8001, 0x1e);
    wr(0xb8002, 0x7f); wr(0xb8003, 0x07);
    vga_update(vga);
    uint32_t fg = rgb6(0x3f, 0x3f, 0x15), bg = rgb6(0, 0, 0x2a), grey = rgb6(0x2a, 0x2a, 0x2a);
    int bad = 0;
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 9; x++) {
            bool on = (y >= 13 && y <= 14) || (x < 8 && (glyph_a16[y] & (0x80 >> x)));
            bad += px(x, y) != (on ? fg : bg);
            uint8_t bits = (uint8_t)(0x7f ^ y);
            bad += px(9 + x, y) != (x < 8 && (bits & (0x80 >> x)) ? grey : 0);
        }
    CHECK_EQ(bad, 0);
    /* Without a font the mode is set all the same, the glyphs blank. */
    vga_post_text_mode(vga, NULL);
    wr(0xb8000, 'A');
    vga_update(vga);
    CHECK_EQ(vga->width, 720);
    CHECK_EQ(px(2, 5), 0);
}

static void test_vbe(void)
{
    vbe(0, 0xb0c5);
    CHECK_EQ(inw(0x1cf), 0xb0c5);
    vbe(4, 0x02);                           /* GETCAPS */
    outw(0x1ce, 1);
    CHECK_EQ(inw(0x1cf), VGA_MAX_W);
    vbe(1, 64); vbe(2, 32); vbe(3, 8);
    vbe(4, 0x01);
    CHECK(vbe_enabled(vga));
    dac_set(0x80, 0x3f, 0x2a, 0x15);
    vbe(5, 0);
    wr(0xa0000 + 3 * 64 + 5, 0x80);         /* banked window, bank 0 */
    CHECK_EQ(vga->vram[3 * 64 + 5], 0x80);
    vga_update(vga);
    CHECK_EQ(vga->width, 64);
    CHECK_EQ(px(5, 3), rgb6(0x3f, 0x2a, 0x15));
    /* 32 bpp: the LFB is plain VRAM written behind the device's back. */
    vbe(4, 0);
    vbe(3, 32);
    vbe(4, 0x41);
    CHECK_EQ(vga_update(vga), 32);
    CHECK_EQ(vga_update(vga), 0);
    memcpy(vga->vram + (10 * 64 + 4) * 4, (uint8_t[]){ 0x11, 0x22, 0x33, 0 }, 4);
    CHECK_EQ(vga_update(vga), 1);
    CHECK_EQ(px(4, 10), 0x332211);
    /* Panning: with Y offset 1, VRAM line 10 shows at y = 9. */
    vbe(9, 1);
    vga_update(vga);
    CHECK_EQ(px(4, 9), 0x332211);
    /* Guest errors: impossible offsets, banks and modes are refused. */
    vbe(9, 0xffff);
    CHECK_EQ(vga->vbe[VBE_Y_OFFSET], 0);
    vbe(5, 0xffff);
    CHECK(vga->vbe[VBE_BANK] < VGA_VRAM_SIZE / 0x10000);
    vbe(4, 0);
    vbe(1, 0xffff); vbe(2, 0xffff);
    vbe(4, 1);
    CHECK(!vbe_enabled(vga));
    vbe(3, 7);
    CHECK_EQ(vga->vbe[VBE_BPP], 32);
    /* A virtual width whose YRES lines would run past VRAM is refused. */
    vbe(1, 64); vbe(2, 100);
    vbe(4, 0x41);
    vbe(6, 0xffff);
    CHECK_EQ(vga->vbe[VBE_VIRT_WIDTH], 64);
    vbe(6, 128);
    CHECK_EQ(vga->vbe_stride, 128 * 4);
    CHECK_EQ(vga_update(vga), 100);
}

/* The key table: names, SDL/HID scancodes and sendkey into the keyboard. */
static void test_keymap(void)
{
    CHECK_EQ(keymap_by_hid(4), 0x1c);           /* A */
    CHECK_EQ(keymap_by_hid(40), 0x5a);          /* Return */
    CHECK_EQ(keymap_by_hid(228), 0xe014);       /* right Ctrl */
    CHECK_EQ(keymap_by_hid(3), 0);              /* not a key */
    CHECK_EQ(keymap_by_name("delete", 6), 0xe071);
    CHECK_EQ(keymap_by_name("f7", 2), 0x83);
    Ps2Kbd *k = ps2_kbd_create(&m);
    char err[64];
    CHECK(keymap_sendkey(&m, "nokey", err, sizeof err) < 0);
    CHECK(keymap_sendkey(&m, "ctrl-alt-delete", err, sizeof err) == 0);
    static const uint8_t want[] = { 0x14, 0x11, 0xe0, 0x71, 0xe0, 0xf0, 0x71, 0xf0, 0x11, 0xf0, 0x14 };
    for (size_t i = 0; i < sizeof want; i++)
        CHECK_EQ(ps2_kbd_read(k), want[i]);
    CHECK_EQ(ps2_kbd_read(k), (uint64_t)-1);
}

int main(void)
{
    machine_init(&m);
    vga = vga_create(&m);
    test_planar_access();
    test_mode13();
    test_mode12();
    test_text();
    test_post_text();
    test_vbe();
    test_keymap();
    machine_destroy(&m);
    return test_main_result("test-vga");
}
