/* x87/SSE state: power-on values and the FXSAVE image (see fpu.h). */
#include "cpu/fpu.h"

#include <string.h>

void fpu_power_on(Fpu *f)
{
    /* SDM vol. 3A table 9-1, power-up and RESET: CW 0040H, SW 0, TW 5555H
     * (every register holds +0.0 and is tagged zero, not empty: software
     * runs FNINIT before using the stack), pointers 0, MXCSR 1F80H.  INIT
     * leaves the x87 and SSE state unchanged: an INIT must not call this. */
    memset(f, 0, sizeof *f);
    f->cw = 0x0040;
    f->tw = 0x5555;
    f->mxcsr = 0x1f80;
}

/* The abridged tag (FXSAVE): one bit per physical register, 1 = not empty. */
static uint8_t abridged_tags(uint16_t tw)
{
    uint8_t a = 0;
    for (int i = 0; i < 8; i++)
        if (((tw >> (2 * i)) & 3) != TAG_EMPTY)
            a |= (uint8_t)(1u << i);
    return a;
}

/* The full tag of a non-empty register, derived from its value. */
static unsigned classify(const Float80 *v)
{
    unsigned exp = v->se & 0x7fff;
    if (exp == 0x7fff)
        return TAG_SPECIAL;
    if (exp == 0)
        return v->mant == 0 ? TAG_ZERO : TAG_SPECIAL;
    return (v->mant >> 63) ? TAG_VALID : TAG_SPECIAL;   /* unnormals are special */
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

void fpu_to_fxsave(const Fpu *f, uint8_t img[512])
{
    memset(img, 0, 512);
    put16(img + 0, f->cw);
    put16(img + 2, (uint16_t)((f->sw & ~0x3800u) | ((unsigned)(f->top & 7) << 11)));
    img[4] = abridged_tags(f->tw);
    put16(img + 6, f->fop);
    put64(img + 8, f->fip);
    put64(img + 16, f->fdp);
    put32(img + 24, f->mxcsr);
    put32(img + 28, MXCSR_MASK);
    for (int i = 0; i < 8; i++) {
        /* Stack order: slot i holds ST(i). */
        const Float80 *r = &f->st[(f->top + i) & 7];
        put64(img + 32 + 16 * i, r->mant);
        put16(img + 40 + 16 * i, r->se);
    }
    memcpy(img + 160, f->xmm, sizeof f->xmm);
    /* The FCS/FDS selectors have no place in the 64-bit form; keep them in
     * the reserved bytes 464.. (FXSAVE leaves 464-511 to software). */
    put16(img + 464, f->fcs);
    put16(img + 466, f->fds);
}

void fpu_from_fxsave(Fpu *f, const uint8_t img[512])
{
    f->cw = get16(img + 0);
    uint16_t sw = get16(img + 2);
    f->top = (sw >> 11) & 7;
    f->sw = sw & ~0x3800u;
    f->fop = get16(img + 6) & 0x7ff;
    f->fip = get64(img + 8);
    f->fdp = get64(img + 16);
    f->mxcsr = get32(img + 24) & MXCSR_MASK;
    for (int i = 0; i < 8; i++) {
        Float80 *r = &f->st[(f->top + i) & 7];
        r->mant = get64(img + 32 + 16 * i);
        r->se = get16(img + 40 + 16 * i);
    }
    uint8_t a = img[4];
    f->tw = 0;
    for (int i = 0; i < 8; i++) {
        unsigned t = (a >> i) & 1 ? classify(&f->st[i]) : TAG_EMPTY;
        f->tw |= (uint16_t)(t << (2 * i));
    }
    memcpy(f->xmm, img + 160, sizeof f->xmm);
    f->fcs = get16(img + 464);
    f->fds = get16(img + 466);
}
