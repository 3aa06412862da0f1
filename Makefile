# Tandem: one non-recursive GNU Makefile.
#   make            build build/tandem and build/tandem-oracle
#   make check      build and run every test; ends with "N passed, N failed"
#   make check-slow the long runs (big oracle runs)
#   make demo       boot the demo guest on this terminal
#   make bench      benchmarks against QEMU (and Bochs where it applies)
# config.mk comes from ./configure; when it is missing, make installs the
# dependencies (scripts/install-deps) and runs ./configure itself.

.DEFAULT_GOAL := all
B := build

-include config.mk

config.mk: configure
	@if [ -z "$$TANDEM_NO_INSTALL" ]; then scripts/install-deps; fi
	./configure

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wno-missing-field-initializers
OPT ?= -O2 -g
CFLAGS_ALL = -std=gnu11 $(OPT) $(WARN) -MMD -MP -I. $(PKG_CFLAGS) $(SAN_FLAGS) $(EXTRA_CFLAGS)
LDFLAGS_ALL = $(SAN_FLAGS) $(EXTRA_LDFLAGS)

CORE_SRCS := hw/memory.c hw/ioport.c hw/clock.c hw/state.c system/log.c
CPU_SRCS := $(wildcard cpu/*.c)
EMU_SRCS := $(CORE_SRCS) $(CPU_SRCS) $(filter-out $(CORE_SRCS),$(wildcard hw/*.c)) \
            $(wildcard accel/*.c) $(filter-out system/log.c,$(wildcard system/*.c)) $(wildcard block/*.c) \
            $(wildcard monitor/*.c)
# ui/: the SDL window only when ./configure found SDL2, else its stub.
UI_SRCS := $(filter-out ui/sdl.c ui/sdl-stub.c,$(wildcard ui/*.c)) \
           $(wildcard $(if $(filter yes,$(CONFIG_SDL)),ui/sdl.c,ui/sdl-stub.c))
EMU_SRCS += $(UI_SRCS)
ORACLE_SRCS := $(CORE_SRCS) $(CPU_SRCS) $(wildcard tests/oracle/*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

$(B)/obj/%.o: %.c config.mk
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# sse-fp.c switches the host rounding mode around its FP operations: without
# -frounding-math GCC may constant-fold them or move them across fesetround().
$(B)/obj/cpu/sse-fp.o: CFLAGS_ALL += -frounding-math

$(B)/obj/tests/oracle/%.o: tests/oracle/%.c config.mk
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(UNICORN_CFLAGS) -c -o $@ $<

$(B)/tandem: $(call obj,$(EMU_SRCS))
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) -lm

$(B)/tandem-oracle: $(call obj,$(ORACLE_SRCS))
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) $(UNICORN_LIBS) -lm

all: $(B)/tandem $(B)/tandem-oracle

# ---- unit tests: tests/unit/test-NAME.c, each linked with the core and CPU ----
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRCS))
UNIT_LIB_OBJS := $(call obj,$(CORE_SRCS) $(CPU_SRCS) $(filter-out system/main.c system/log.c,$(wildcard system/*.c)) \
                 $(filter-out $(CORE_SRCS),$(wildcard hw/*.c)) $(wildcard accel/*.c) $(wildcard block/*.c) \
                 $(wildcard monitor/*.c) $(UI_SRCS))

$(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(UNIT_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) -lm

# ---- guest programs: tests/guests/NAME.asm -> 64 KiB ROM images ----
GUEST_SRCS := $(wildcard tests/guests/*.asm)
GUEST_BINS := $(patsubst tests/guests/%.asm,$(B)/tests/guests/%.bin,$(GUEST_SRCS))
$(B)/tests/guests/%.bin: tests/guests/%.asm $(wildcard tests/guests/lib/*.inc)
	@mkdir -p $(dir $@)
	nasm -f bin -I tests/guests/ -I tests/guests/lib/ -o $@ $<

BENCH_SRCS := $(wildcard bench/*.asm)
BENCH_BINS := $(patsubst bench/%.asm,$(B)/bench/%.bin,$(BENCH_SRCS))
$(B)/bench/%.bin: bench/%.asm
	@mkdir -p $(dir $@)
	nasm -f bin -o $@ $<

tests: all $(UNIT_BINS) $(GUEST_BINS) $(BENCH_BINS)

check: tests
	@tests/run-tests.sh quick

check-slow: tests
	@tests/run-tests.sh slow

bench: all $(BENCH_BINS)
	@bench/run.sh
	@B=$(B) bench/snapshot.sh

demo: all
	@B=$(B) scripts/demo.sh

clean:
	rm -rf $(B)

distclean: clean
	rm -f config.mk

.PHONY: all tests check check-slow bench demo clean distclean
.SECONDARY:

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
