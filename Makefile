# SPDX-License-Identifier: GPL-2.0
#
# probelab top-level Makefile: wraps kbuild for probelab.ko and builds the
# userspace (libprobelab, the probelab CLI, tests) for ARCH=x86_64|arm64.
# `make help` lists the targets.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
CACHE ?= $(if $(PROBELAB_CACHE),$(PROBELAB_CACHE),$(TOP)/.cache)
export PROBELAB_CACHE := $(CACHE)

HOST_ARCH := $(shell uname -m | sed -e 's/aarch64/arm64/' -e 's/amd64/x86_64/')
ARCH ?= $(HOST_ARCH)
override ARCH := $(patsubst aarch64,arm64,$(patsubst x86,x86_64,$(ARCH)))
ifeq ($(filter x86_64 arm64,$(ARCH)),)
$(error ARCH must be x86_64 or arm64, not '$(ARCH)')
endif

DEB_ARCH_x86_64 := amd64
DEB_ARCH_arm64 := arm64
DEB_ARCH := $(DEB_ARCH_$(ARCH))

# KERNEL: the Debian kernel the guests boot and the module is built for by
# default.  tools/deps.sh extracts each one's image, modules and headers for
# both arches into $(CACHE)/kernels/$(KERNEL)/<debarch>/ (first use fetches
# it); any other kernel through VM_KERNEL/VM_KDIR, or KDIR for a plain build.
#
# The debug kernels (lockdep + KASAN, or KCSAN; docs/debug-kernels.md) are
# built from Debian's linux-source-SERIES by tools/debug-kernel/build.sh on
# first use, into $(PROBELAB_DEBUG_CACHE) (default
# /var/cache/probelab/debug-kernels), outside the clone.
KERNELS := 6.1 6.1-rt 6.12 6.12-rt
DEBUG_KERNELS := 6.1-lockdep 6.12-lockdep 6.1-kcsan 6.12-kcsan
KERNEL ?= 6.1
ifeq ($(filter $(KERNELS) $(DEBUG_KERNELS),$(KERNEL)),)
$(error KERNEL must be one of $(KERNELS) $(DEBUG_KERNELS), not '$(KERNEL)' (another kernel: VM_KERNEL=IMAGE VM_KDIR=BUILD, or KDIR=))
endif
ifneq ($(filter $(DEBUG_KERNELS),$(KERNEL)),)
DEBUG_KERNEL := $(KERNEL)
# its folder in the cache (keyed by source version and fragment hash):
# image, build/ (the O= folder), release
DEBUG_KROOT = $(shell $(TOP)/tools/debug-kernel/build.sh --path $(KERNEL) $(ARCH))
DEBIAN_KDIR = $(DEBUG_KROOT)/build
else
KROOT = $(CACHE)/kernels/$(KERNEL)/$(DEB_ARCH)
KREL = $(shell cat $(KROOT)/release 2>/dev/null)
DEBIAN_KDIR = $(KROOT)/usr/src/linux-headers-$(KREL)
endif
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build

# `make` alone builds for the running kernel when its build tree is there
# (a test board), else for KERNEL; KERNEL=... or KDIR=... choose explicitly.
# Each choice builds in its own folder.
ifneq ($(origin KDIR),undefined)
KMOD_DIR := $(TOP)/build/$(ARCH)/kmod-kdir
else ifeq ($(ARCH)$(origin KERNEL),$(HOST_ARCH)file)
ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
KDIR := $(RUNNING_KDIR)
KMOD_DIR := $(TOP)/build/$(ARCH)/kmod-running
endif
endif
KDIR ?= $(DEBIAN_KDIR)
KMOD_DIR ?= $(TOP)/build/$(ARCH)/kmod-$(KERNEL)
ifeq ($(ARCH),$(HOST_ARCH))
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= aarch64-linux-gnu-
endif
KARCH_x86_64 := x86
KARCH_arm64 := arm64
KARCH := $(KARCH_$(ARCH))

B := $(TOP)/build/$(ARCH)
OBJ := $(B)/obj

# --- userspace -------------------------------------------------------------
CC := $(CROSS_COMPILE)gcc
AR := $(CROSS_COMPILE)ar
PKGS := libnl-genl-3.0 libkmod json-c
ifeq ($(ARCH),$(HOST_ARCH))
PKG_CONFIG := pkg-config
FDT_LIBDIR :=
else
PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config
# libfdt-dev cannot co-install for two arches: its arm64 archive is in the cache
FDT_LIBDIR := -L$(CACHE)/arm64/usr/lib/aarch64-linux-gnu
endif
# (Debian's libfdt has no pkg-config file: -lfdt is named directly)
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lfdt

CFLAGS ?= -O2 -g
USER_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE $(CFLAGS) \
	      -DPROBELAB_VERSION='"$(DKMS_VERSION)"' \
	      -I$(TOP)/uapi -I$(TOP)/tools/lib -I$(TOP)/tools/fw \
	      -I$(TOP)/module/core $(PKG_CFLAGS) -MMD -MP
USER_LDLIBS = $(FDT_LIBDIR) $(PKG_LIBS) -lpthread

LIB_SRCS := $(wildcard tools/lib/*.c tools/lib/scenarios/*.c)
FW_SRCS := $(wildcard tools/fw/*.c)
CORE_SRCS := $(wildcard module/core/*.c)
CLI_SRCS := $(wildcard tools/probelab/*.c)
GUEST_C := $(wildcard tests/guest/*.c)
# lib.sh is the guest shell tests' library: installed next to them but not
# executable, since tests/guest/run runs every executable file there
GUEST_SHLIB := tests/guest/lib.sh
GUEST_SH := $(filter-out $(GUEST_SHLIB),$(wildcard tests/guest/*.sh)) tests/guest/run
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_HELPERS := $(filter-out tests/unit/test_%,$(wildcard tests/unit/*.c))

LIBPROBELAB := $(B)/lib/libprobelab.a
LIBPLFW := $(B)/lib/libplfw.a
LIBPLCORE := $(B)/lib/libplcore.a
# firmware parsers use the description builder (libprobelab), which uses
# the core validator (libplcore): link in that order
USER_LIBS := $(LIBPLFW) $(LIBPROBELAB) $(LIBPLCORE)
CLI := $(B)/bin/probelab
GUEST_BINS := $(patsubst tests/guest/%.c,$(B)/tests/guest/%,$(GUEST_C))
GUEST_SCRIPTS := $(patsubst tests/guest/%,$(B)/tests/guest/%,$(GUEST_SH) $(GUEST_SHLIB))
# race scenario files (docs/scenario-format.md): /opt/probelab/scenarios in
# the guests, PREFIX/share/probelab/scenarios when installed
SCENARIO_FILES := $(wildcard scenarios/*.race scenarios/*.json)
BUILD_SCENARIOS := $(patsubst scenarios/%,$(B)/scenarios/%,$(SCENARIO_FILES))
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRCS))

objs = $(patsubst %.c,$(OBJ)/%.o,$(1))

# --- kernel module ---------------------------------------------------------
KMOD := $(KMOD_DIR)/probelab.ko
KMOD_SRCS := Kbuild dkms.conf $(wildcard module/*.c module/*.h \
	     module/core/*.c module/core/*.h uapi/linux/*.h)
KBUILD_ARGS = ARCH=$(KARCH) CROSS_COMPILE=$(CROSS_COMPILE)

# kbuild writes objects beside the sources, so each build runs in a copy
# of the module sources under build/ (one per ARCH and kernel).
# $(1): build dir, $(2): kernel build dir, $(3): extra kbuild arguments
define kbuild_in_copy
	@mkdir -p $(1)
	@cd $(TOP) && for f in $(KMOD_SRCS); do \
		mkdir -p $(1)/$$(dirname $$f); \
		cmp -s $$f $(1)/$$f || cp -p $$f $(1)/$$f; done
	@cd $(1) && for f in $$(find module uapi -name '*.[ch]'); do \
		[ -e $(TOP)/$$f ] || rm -f $$f $${f%.c}.o; done
	$(MAKE) -C $(2) $(KBUILD_ARGS) M=$(1) $(3) modules
endef

.PHONY: all module tools unit-build unit fuzz check check-matrix check-debug check-clean-room demo soak fuzz-soak bench vm-run deps \
	deps-check install dkms-install clean distclean help checkpatch \
	sparse kbuild-w1

all: module tools

help:
	@echo 'probelab targets (ARCH=x86_64|arm64, default the host):'
	@echo '  make              module + tools for ARCH (KDIR=$(KDIR))'
	@echo '  make check        all tests: unit, both QEMU machines, dkms, checkpatch, sparse'
	@echo '  make demo         boot the x86_64 VT-d machine and print a summary'
	@echo '  make soak ARCH=.. every race scenario under fixed, SOAK_ITERATIONS (100000) cycles'
	@echo '  make fuzz-soak ARCH=..  the ioctl fuzzer, FUZZ_SOAK_SECONDS (1800) under fixed'
	@echo '  make bench        every benchmark in both guests, tables + plots in BENCH_OUT (build/bench)'
	@echo '  make check-matrix the guest suites on the RT kernels; check-clean-room: a fresh root'
	@echo '  make check-debug  the guest suite + kmemleak on lockdep/KASAN kernels (CHECK_DEBUG_KERNELS)'
	@echo '  KERNEL=6.1|6.1-rt|6.12|6.12-rt  the guest/target kernel (default 6.1)'
	@echo '  KERNEL=6.1-lockdep|6.12-lockdep|6.1-kcsan|6.12-kcsan  debug kernels (built on first use)'
	@echo '  make vm-run ARCH=.. CMD=".." [VM_SHARE=DIR] [VM_SMP=N] [VM_KERNEL=IMG VM_KDIR=DIR]'
	@echo '  make unit         build and run the cmocka unit tests'
	@echo '  make fuzz         build the libFuzzer harnesses (clang)'
	@echo '  make install      modules_install + tools under PREFIX=$(PREFIX)'
	@echo '  make dkms-install copy the module sources to /usr/src and dkms install'
	@echo '  make deps         install everything through apt-get (Debian 12, root)'
	@echo '  make clean | distclean'

# Every target that needs packages or the cache checks for them first.
deps:
	@$(TOP)/tools/deps.sh

deps-check:
	@[ -n "$(PROBELAB_NO_DEPS)" ] || $(TOP)/tools/deps.sh --check --kernel $(KERNEL) || \
		$(TOP)/tools/deps.sh --kernel $(KERNEL)
ifneq ($(DEBUG_KERNEL),)
	@$(TOP)/tools/debug-kernel/build.sh $(KERNEL) $(ARCH) >/dev/null
endif

module: $(KMOD)

$(KMOD): $(KMOD_SRCS) | deps-check
	$(call kbuild_in_copy,$(KMOD_DIR),$(KDIR))

# W=1 build of the module, for `make check` (warnings are failures there)
kbuild-w1: | deps-check
	$(call kbuild_in_copy,$(B)/kmod-w1,$(KDIR),W=1)

tools: $(CLI) $(GUEST_BINS) $(GUEST_SCRIPTS) $(BUILD_SCENARIOS)

$(B)/scenarios/%: scenarios/%
	@mkdir -p $(dir $@)
	install -m 0644 $< $@

# where an installed probelab finds the scenario files (after
# $PROBELAB_SCENARIOS and /opt/probelab/scenarios)
$(OBJ)/tools/lib/race_catalog.o: USER_CFLAGS += \
	-DPROBELAB_SCENARIO_PREFIX_DIR='"$(PREFIX)/share/probelab/scenarios"'

$(OBJ)/%.o: %.c | deps-check
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

$(LIBPROBELAB): $(call objs,$(LIB_SRCS))
$(LIBPLFW): $(call objs,$(FW_SRCS))
$(LIBPLCORE): $(call objs,$(CORE_SRCS))
$(USER_LIBS):
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(CLI): $(call objs,$(CLI_SRCS)) $(USER_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(call objs,$(CLI_SRCS)) $(USER_LIBS) $(USER_LDLIBS)

# the guest C tests use the kernel's kselftest_harness.h (Debian's
# linux-source, extracted by tools/deps.sh); its 6.1 macros leave
# parameters unused and compare mixed signedness by design
KSELFTEST_DIR := $(CACHE)/linux-source/tools/testing/selftests
$(call objs,$(GUEST_C)): USER_CFLAGS += -I$(KSELFTEST_DIR) \
	-Wno-unused-parameter -Wno-sign-compare

$(B)/tests/guest/%: $(OBJ)/tests/guest/%.o $(USER_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(USER_LIBS) $(USER_LDLIBS)

$(B)/tests/guest/%: tests/guest/%
	@mkdir -p $(dir $@)
	install -m 0755 $< $@

$(B)/tests/guest/lib.sh: $(GUEST_SHLIB)
	@mkdir -p $(dir $@)
	install -m 0644 $< $@

# --- unit tests (host arch) ------------------------------------------------
FIXTURES := $(TOP)/build/fixtures/fw
FIXTURE_BINS := $(patsubst tests/fixtures/fw/%.dsl,$(FIXTURES)/%.aml,$(wildcard tests/fixtures/fw/*.dsl)) \
		$(patsubst tests/fixtures/fw/%.dts,$(FIXTURES)/%.dtb,$(wildcard tests/fixtures/fw/*.dts))

$(FIXTURES)/%.aml: tests/fixtures/fw/%.dsl | deps-check
	@mkdir -p $(dir $@)
	timeout 60 iasl -vs -p $(FIXTURES)/$* $< </dev/null >$(FIXTURES)/$*.iasl.log 2>&1 || \
		{ cat $(FIXTURES)/$*.iasl.log; exit 1; }

$(FIXTURES)/%.dtb: tests/fixtures/fw/%.dts | deps-check
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<

$(B)/tests/unit/%: $(OBJ)/tests/unit/%.o $(call objs,$(UNIT_HELPERS)) $(USER_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(call objs,$(UNIT_HELPERS)) $(USER_LIBS) \
		$(USER_LDLIBS) -lcmocka

unit-build: $(UNIT_BINS) $(FIXTURE_BINS) $(CLI)

# Runs every unit test binary (TAP); the summary line counts the results.
unit: unit-build
	@$(TOP)/tests/run-unit.sh $(B)/tests/unit

# --- fuzzing (clang, libFuzzer + ASan + UBSan) -----------------------------
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(TOP)/build/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -D_GNU_SOURCE \
	       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	       -I$(TOP)/uapi -I$(TOP)/tools/fw -I$(TOP)/tools/lib -I$(TOP)/module/core

fuzz: $(FUZZ_BINS) $(FIXTURE_BINS)

# the importer in tools/fw builds descriptions with the topology builder
FUZZ_LIB_SRCS := tools/lib/topo.c tools/lib/device.c

$(TOP)/build/fuzz/%: tests/fuzz/%.c $(FW_SRCS) $(CORE_SRCS) $(FUZZ_LIB_SRCS) | deps-check
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FW_SRCS) $(CORE_SRCS) $(FUZZ_LIB_SRCS) \
		$(shell pkg-config --cflags --libs json-c) -lfdt

# --- QEMU lab ----------------------------------------------------------------
# The guest boots KERNEL (Debian's, from the cache) unless VM_KERNEL names
# another image, whose build folder VM_KDIR the module is then built against
# (and VM_MODDIR its lib/modules/<release>, optional).  Each guest kernel has
# its payload folder build/<arch>/guest-<kernel>/ (guest-custom for
# VM_KERNEL), with the module built for it in kmod/.
ifneq ($(VM_KERNEL),)
VM_B := $(B)/guest-custom
VM_ENV = VM_KERNEL=$(VM_KERNEL) VM_KDIR=$(VM_KDIR) VM_MODDIR=$(VM_MODDIR)
ifeq ($(VM_KDIR),)
$(error VM_KERNEL needs VM_KDIR, the build folder to build probelab.ko against)
endif
else ifneq ($(DEBUG_KERNEL),)
# a debug kernel has everything built in: no module tree
VM_KDIR = $(DEBIAN_KDIR)
VM_B := $(B)/guest-$(KERNEL)
VM_ENV = VM_KERNEL=$(DEBUG_KROOT)/image VM_KDIR=$(VM_KDIR)
else
VM_KDIR = $(DEBIAN_KDIR)
VM_B := $(B)/guest-$(KERNEL)
VM_ENV = KERNEL=$(KERNEL)
endif
VM_KMOD := $(VM_B)/kmod/probelab.ko

# always handed to kbuild: a custom VM_KDIR may change under the same folder
$(VM_KMOD): $(KMOD_SRCS) FORCE | deps-check
	$(call kbuild_in_copy,$(VM_B)/kmod,$(VM_KDIR))

vm-payload: $(VM_KMOD) tools
	@ln -sfn ../bin $(VM_B)/bin
	@ln -sfn ../tests $(VM_B)/tests
	@ln -sfn ../scenarios $(VM_B)/scenarios

vm-run: vm-payload
	@[ -n "$$PROBELAB_VM_CMD" ] || { echo 'vm-run: set CMD="..."' >&2; exit 2; }
	@ARCH=$(ARCH) CMD="$$PROBELAB_VM_CMD" BUILD=$(VM_B) CACHE=$(CACHE) \
		$(VM_ENV) $(TOP)/tools/vm/vm-run.sh
export PROBELAB_VM_CMD = $(value CMD)

FORCE:
.PHONY: vm-payload FORCE

# --- checks ------------------------------------------------------------------
CHECKPATCH := $(CACHE)/linux-source/scripts/checkpatch.pl
KERNEL_FILES = $(wildcard module/*.c module/*.h module/core/*.c \
	       module/core/*.h uapi/linux/*.h)

# module/compat.h is the one file that tests LINUX_VERSION_CODE (an
# out-of-tree module must build for several kernels): only that check is
# waived, and only there.
checkpatch: | deps-check
	perl $(CHECKPATCH) --strict --no-tree --quiet --show-types \
		-f $(filter-out module/compat.h,$(KERNEL_FILES))
	perl $(CHECKPATCH) --strict --no-tree --quiet --show-types \
		--ignore LINUX_VERSION_CODE -f module/compat.h

sparse: | deps-check
	$(call kbuild_in_copy,$(B)/kmod-sparse,$(KDIR),C=2)

check: | deps-check
	@$(TOP)/tests/run-check.sh

# the guest suites on the PREEMPT_RT kernels, both arches (make check runs
# 6.1 and 6.12)
check-matrix: | deps-check
	@CHECK_SECTIONS=guests CHECK_KERNELS="6.1-rt 6.12-rt" $(TOP)/tests/run-check.sh

# the guest suite (every race scenario under every policy included), a
# kmemleak scan and the checkers' verdict on the debug kernels of
# CHECK_DEBUG_KERNELS (default 6.1-lockdep on x86_64 and arm64, 6.1-kcsan
# on x86_64; NAME:ARCH words); the first use of a debug kernel builds it (~18 CPU-minutes)
check-debug: | deps-check
	@CHECK_SECTIONS=debug-guests $(TOP)/tests/run-check.sh

# a fresh Debian 12 root (debootstrap) runs make deps, both builds and the
# unit tests from a clone of HEAD: proves the install steps (root only)
check-clean-room: | deps-check
	@$(TOP)/tests/clean-room.sh

demo: | deps-check
	@$(TOP)/tools/demo.sh

soak: | deps-check
	@ARCH=$(ARCH) $(TOP)/tools/soak.sh

fuzz-soak: | deps-check
	@ARCH=$(ARCH) $(TOP)/tools/fuzz-soak.sh

# every benchmark in each guest, tabled and plotted (docs/performance.md)
BENCH_OUT ?= $(TOP)/build/bench
BENCH_ARCHES ?= x86_64 arm64
BENCH_KERNEL ?= 6.1
bench: | deps-check
	@$(TOP)/tools/bench/run.sh --out $(BENCH_OUT) --kernel $(BENCH_KERNEL) \
		$(foreach a,$(BENCH_ARCHES),--arch $(a)) \
		$(if $(filter 1,$(BENCH_QUICK)),--quick)

# --- install -----------------------------------------------------------------
PREFIX ?= /usr/local
DESTDIR ?=

install: all
	$(MAKE) -C $(KDIR) $(KBUILD_ARGS) M=$(KMOD_DIR) INSTALL_MOD_PATH=$(DESTDIR) modules_install
	install -D -m 0755 $(CLI) $(DESTDIR)$(PREFIX)/bin/probelab
	install -D -m 0644 $(LIBPROBELAB) $(DESTDIR)$(PREFIX)/lib/libprobelab.a
	install -D -m 0644 tools/lib/probelab.h $(DESTDIR)$(PREFIX)/include/probelab/probelab.h
	install -D -m 0644 uapi/linux/probelab.h $(DESTDIR)$(PREFIX)/include/linux/probelab.h
	install -d $(DESTDIR)$(PREFIX)/share/probelab/scenarios
	install -m 0644 $(SCENARIO_FILES) $(DESTDIR)$(PREFIX)/share/probelab/scenarios/

DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DKMS_SRC := $(DESTDIR)/usr/src/probelab-$(DKMS_VERSION)

dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -r Kbuild dkms.conf module uapi $(DKMS_SRC)/
	dkms install probelab/$(DKMS_VERSION)

clean:
	rm -rf $(TOP)/build

distclean: clean
	rm -rf $(CACHE)

-include $(shell find $(TOP)/build/x86_64 $(TOP)/build/arm64 -name '*.d' -type f 2>/dev/null)
