/* A tiny AML (ACPI Machine Language) encoder for the DSDT, ACPI 6.x section 20
 * grammar: the handful of terms a PC's DSDT needs.  Terms are appended to a
 * growable byte buffer; a term that contains others (Scope, Device, Method,
 * Package, If, Buffer) is built in its own buffer and wrapped with its
 * PkgLength by the *_end call.  Names are AML NameStrings ("\\_SB_.PCI0",
 * "_HID", "^FOO"); segments shorter than 4 characters are padded with '_'.
 * Allocation failure aborts. */
#ifndef HW_ACPI_AML_H
#define HW_ACPI_AML_H

#include <stddef.h>
#include <stdint.h>

typedef struct Aml {
    uint8_t *data;
    size_t len, cap;
} Aml;

void aml_init(Aml *a);
void aml_free(Aml *a);
void aml_byte(Aml *a, uint8_t b);
void aml_bytes(Aml *a, const void *p, size_t n);
/* Appends the contents of b and frees it. */
void aml_append(Aml *a, Aml *b);

/* Data objects */
void aml_int(Aml *a, uint64_t v);           /* Zero/One/Ones or the smallest prefix */
void aml_string(Aml *a, const char *s);
void aml_eisaid(Aml *a, const char *id);    /* "PNP0A03" as the compressed EISA ID */
void aml_name_string(Aml *a, const char *name);

/* Name(name, <the object appended next>) */
void aml_name(Aml *a, const char *name);

/* Containers: body is filled by the caller, then *_end wraps it into a. */
void aml_scope_end(Aml *a, const char *name, Aml *body);
void aml_device_end(Aml *a, const char *name, Aml *body);
void aml_method_end(Aml *a, const char *name, int nargs, Aml *body);
void aml_package_end(Aml *a, int nelems, Aml *body);
void aml_if_end(Aml *a, Aml *predicate_and_body);
void aml_buffer_end(Aml *a, Aml *bytes);

/* Statements */
void aml_return(Aml *a);                     /* Return(<the object appended next>) */
void aml_store_arg(Aml *a, int arg, const char *name);  /* Store(ArgN, name) */

/* Resource template descriptors (for a Buffer; end with aml_res_end). */
void aml_res_io(Aml *r, uint16_t base, uint8_t len);
void aml_res_irq(Aml *r, uint16_t mask);     /* IRQNoFlags: edge, active high */
void aml_res_mem32_fixed(Aml *r, uint32_t base, uint32_t len, int writable);
void aml_res_word_bus(Aml *r, uint16_t min, uint16_t max);
void aml_res_word_io(Aml *r, uint16_t min, uint16_t max);
void aml_res_dword_mem(Aml *r, uint32_t min, uint32_t max);
void aml_res_end(Aml *r);

/* PkgLength encoding of a term whose body is `body_len` bytes; returns the
 * number of bytes written to out (1-4). */
int aml_pkg_length(uint8_t out[4], size_t body_len);

#endif
