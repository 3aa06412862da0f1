/* The AML encoder (see acpi-aml.h). */
#include "hw/acpi-aml.h"

#include <stdlib.h>
#include <string.h>

enum {
    AML_ZERO = 0x00, AML_ONE = 0x01, AML_NAME = 0x08, AML_BYTE = 0x0a, AML_WORD = 0x0b,
    AML_DWORD = 0x0c, AML_STRING = 0x0d, AML_QWORD = 0x0e, AML_SCOPE = 0x10, AML_BUFFER = 0x11,
    AML_PACKAGE = 0x12, AML_METHOD = 0x14, AML_DUAL_NAME = 0x2e, AML_MULTI_NAME = 0x2f,
    AML_EXT = 0x5b, AML_EXT_DEVICE = 0x82, AML_ROOT = 0x5c, AML_PARENT = 0x5e, AML_ARG0 = 0x68,
    AML_STORE = 0x70, AML_IF = 0xa0, AML_RETURN = 0xa4, AML_ONES = 0xff,
};

void aml_init(Aml *a) { memset(a, 0, sizeof *a); }
void aml_free(Aml *a) { free(a->data); aml_init(a); }

void aml_bytes(Aml *a, const void *p, size_t n)
{
    if (!n)
        return;     /* p and a->data may be NULL: memcpy must not see them */
    if (a->len + n > a->cap) {
        size_t cap = a->cap ? a->cap : 256;
        while (cap < a->len + n)
            cap *= 2;
        a->data = realloc(a->data, cap);
        if (!a->data)
            abort();
        a->cap = cap;
    }
    memcpy(a->data + a->len, p, n);
    a->len += n;
}

void aml_byte(Aml *a, uint8_t b) { aml_bytes(a, &b, 1); }

static void aml_le(Aml *a, uint64_t v, int n)
{
    for (int i = 0; i < n; i++, v >>= 8)
        aml_byte(a, (uint8_t)v);
}

void aml_append(Aml *a, Aml *b)
{
    aml_bytes(a, b->data, b->len);
    aml_free(b);
}

void aml_int(Aml *a, uint64_t v)
{
    if (v == 0)
        aml_byte(a, AML_ZERO);
    else if (v == 1)
        aml_byte(a, AML_ONE);
    else if (v == ~0ull)
        aml_byte(a, AML_ONES);
    else if (v <= 0xff) {
        aml_byte(a, AML_BYTE);
        aml_le(a, v, 1);
    } else if (v <= 0xffff) {
        aml_byte(a, AML_WORD);
        aml_le(a, v, 2);
    } else if (v <= 0xffffffffull) {
        aml_byte(a, AML_DWORD);
        aml_le(a, v, 4);
    } else {
        aml_byte(a, AML_QWORD);
        aml_le(a, v, 8);
    }
}

void aml_string(Aml *a, const char *s)
{
    aml_byte(a, AML_STRING);
    aml_bytes(a, s, strlen(s) + 1);
}

/* EISA ID: three letters in 5 bits each ('A' = 1) and four hex digits,
 * stored big-endian as a DWord. */
void aml_eisaid(Aml *a, const char *id)
{
    uint32_t v = (uint32_t)((id[0] - '@') & 0x1f) << 26 | (uint32_t)((id[1] - '@') & 0x1f) << 21 |
                 (uint32_t)((id[2] - '@') & 0x1f) << 16 | (uint32_t)strtoul(id + 3, NULL, 16);
    aml_byte(a, AML_DWORD);
    aml_byte(a, (uint8_t)(v >> 24));
    aml_byte(a, (uint8_t)(v >> 16));
    aml_byte(a, (uint8_t)(v >> 8));
    aml_byte(a, (uint8_t)v);
}

void aml_name_string(Aml *a, const char *name)
{
    while (*name == '\\' || *name == '^') {
        aml_byte(a, *name == '\\' ? AML_ROOT : AML_PARENT);
        name++;
    }
    int nseg = *name ? 1 : 0;
    for (const char *p = name; *p; p++)
        nseg += *p == '.';
    if (nseg == 0) {
        aml_byte(a, 0);   /* NullName */
        return;
    }
    if (nseg == 2)
        aml_byte(a, AML_DUAL_NAME);
    else if (nseg > 2) {
        aml_byte(a, AML_MULTI_NAME);
        aml_byte(a, (uint8_t)nseg);
    }
    for (int i = 0; i < nseg; i++) {
        size_t n = strcspn(name, ".");
        char seg[4] = { '_', '_', '_', '_' };
        memcpy(seg, name, n > 4 ? 4 : n);
        aml_bytes(a, seg, 4);
        name += n + (name[n] == '.');
    }
}

void aml_name(Aml *a, const char *name)
{
    aml_byte(a, AML_NAME);
    aml_name_string(a, name);
}

int aml_pkg_length(uint8_t out[4], size_t body_len)
{
    /* The length counts its own bytes. */
    if (body_len + 1 < 0x40) {
        out[0] = (uint8_t)(body_len + 1);
        return 1;
    }
    for (int n = 2; n <= 4; n++) {
        size_t total = body_len + (size_t)n;
        if (total < (1ull << (4 + 8 * (n - 1)))) {
            out[0] = (uint8_t)((n - 1) << 6 | (total & 0xf));
            for (int i = 1; i < n; i++)
                out[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
            return n;
        }
    }
    abort();   /* 256 MiB of AML */
}

/* opcode(s), PkgLength, head (a name or count), body */
static void wrap(Aml *a, const uint8_t *op, int nop, Aml *head, Aml *body)
{
    uint8_t pl[4];
    int n = aml_pkg_length(pl, head->len + body->len);
    aml_bytes(a, op, (size_t)nop);
    aml_bytes(a, pl, (size_t)n);
    aml_append(a, head);
    aml_append(a, body);
}

static void named_container(Aml *a, const uint8_t *op, int nop, const char *name, Aml *body,
                            int flags)
{
    Aml head;
    aml_init(&head);
    aml_name_string(&head, name);
    if (flags >= 0)
        aml_byte(&head, (uint8_t)flags);
    wrap(a, op, nop, &head, body);
}

void aml_scope_end(Aml *a, const char *name, Aml *body)
{
    static const uint8_t op[] = { AML_SCOPE };
    named_container(a, op, 1, name, body, -1);
}

void aml_device_end(Aml *a, const char *name, Aml *body)
{
    static const uint8_t op[] = { AML_EXT, AML_EXT_DEVICE };
    named_container(a, op, 2, name, body, -1);
}

void aml_method_end(Aml *a, const char *name, int nargs, Aml *body)
{
    static const uint8_t op[] = { AML_METHOD };
    named_container(a, op, 1, name, body, nargs & 7);   /* not serialized, sync level 0 */
}

void aml_package_end(Aml *a, int nelems, Aml *body)
{
    static const uint8_t op[] = { AML_PACKAGE };
    Aml head;
    aml_init(&head);
    aml_byte(&head, (uint8_t)nelems);
    wrap(a, op, 1, &head, body);
}

void aml_if_end(Aml *a, Aml *predicate_and_body)
{
    static const uint8_t op[] = { AML_IF };
    Aml head;
    aml_init(&head);
    wrap(a, op, 1, &head, predicate_and_body);
}

void aml_buffer_end(Aml *a, Aml *bytes)
{
    static const uint8_t op[] = { AML_BUFFER };
    Aml head;
    aml_init(&head);
    aml_int(&head, bytes->len);
    wrap(a, op, 1, &head, bytes);
}

void aml_return(Aml *a) { aml_byte(a, AML_RETURN); }

void aml_store_arg(Aml *a, int arg, const char *name)
{
    aml_byte(a, AML_STORE);
    aml_byte(a, (uint8_t)(AML_ARG0 + arg));
    aml_name_string(a, name);
}

/* ---- resource descriptors (ACPI 6.x section 6.4) ---- */

void aml_res_io(Aml *r, uint16_t base, uint8_t len)
{
    aml_byte(r, 0x47);          /* small item: I/O port, 7 bytes */
    aml_byte(r, 0x01);          /* 16-bit decode */
    aml_le(r, base, 2);
    aml_le(r, base, 2);
    aml_byte(r, 0x01);          /* alignment */
    aml_byte(r, len);
}

void aml_res_irq(Aml *r, uint16_t mask)
{
    aml_byte(r, 0x22);          /* small item: IRQ, 2 bytes (no flags) */
    aml_le(r, mask, 2);
}

void aml_res_mem32_fixed(Aml *r, uint32_t base, uint32_t len, int writable)
{
    aml_byte(r, 0x86);          /* large item: 32-bit fixed memory */
    aml_le(r, 9, 2);
    aml_byte(r, writable ? 1 : 0);
    aml_le(r, base, 4);
    aml_le(r, len, 4);
}

/* Word/DWord address space descriptors: producer, fixed min and max. */
static void addr_desc(Aml *r, uint8_t tag, uint8_t type, uint8_t type_flags, int width,
                      uint64_t min, uint64_t max)
{
    aml_byte(r, tag);
    aml_le(r, (uint64_t)(3 + 5 * width), 2);
    aml_byte(r, type);
    aml_byte(r, 0x0c);          /* MIF, MAF: min and max fixed; producer */
    aml_byte(r, type_flags);
    aml_le(r, 0, width);        /* granularity */
    aml_le(r, min, width);
    aml_le(r, max, width);
    aml_le(r, 0, width);        /* translation */
    aml_le(r, max - min + 1, width);
}

void aml_res_word_bus(Aml *r, uint16_t min, uint16_t max) { addr_desc(r, 0x88, 2, 0, 2, min, max); }
void aml_res_word_io(Aml *r, uint16_t min, uint16_t max) { addr_desc(r, 0x88, 1, 3, 2, min, max); }
void aml_res_dword_mem(Aml *r, uint32_t min, uint32_t max)
{
    addr_desc(r, 0x87, 0, 0x03, 4, min, max);   /* read-write, non-cacheable */
}

void aml_res_end(Aml *r)
{
    uint8_t sum = 0x79;
    for (size_t i = 0; i < r->len; i++)
        sum = (uint8_t)(sum + r->data[i]);
    aml_byte(r, 0x79);          /* end tag with a checksum making the sum 0 */
    aml_byte(r, (uint8_t)-sum);
}
