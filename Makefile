# hln - everything about hard links.
#
#   make                  build ./hln
#   make check            install missing packages (make deps), then run the
#                         cmocka unit tests, the bats CLI tests and the
#                         power-cut crash tests (tests/fault/crash.sh)
#   make crash            the crash tests alone (CRASH_TRIALS=N)
#   make fuzz             each libFuzzer target of tests/fuzz for
#                         FUZZ_SECONDS (60); make check replays the corpora
#   make sanitize         the whole suite under ASan + UBSan
#   make portable-check   the whole suite on the portable POSIX path
#   make lint             mandoc -Tlint, shellcheck, clang-format, cppcheck
#   make windows          ./hln.exe with x86_64-w64-mingw32-gcc
#   make check-windows    the bats CLI suite against hln.exe under Wine
#   make install          PREFIX=/usr/local DESTDIR= (binary, man, completions)
#   make demo             install what building needs, build, run the tour
#   make dist             hln-X.Y.Z.tar.gz (git archive of HEAD) + .sha256
#   make distcheck        unpack it, build, make check and install there
#   make deb              hln_X.Y.Z-1_ARCH.deb (dpkg-buildpackage, debian/)
#   make deb-check        lintian, dpkg -i, --version, man, completion, purge
#   make windows-zip      hln-X.Y.Z-windows-x86_64.zip; windows-zip-check
#   make fresh-check      make demo in a fresh debootstrap chroot (network)
#   make bench | clean | deps
#
# The version is the file VERSION, the newest heading of CHANGES names it
# with its date (man/stamp.sh checks), and everything that shows a
# version reads it from there.
#
# Objects go to build/$(VARIANT)/; VARIANT is release (./hln, no
# failpoints), test, asan, portable, fuzz (libFuzzer, make fuzz), or any
# other name (e.g. clang, with CC=clang): all but release have the
# failpoints compiled in.

VERSION := $(shell cat VERSION)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
BASHDIR ?= $(DATADIR)/bash-completion/completions
ZSHDIR ?= $(DATADIR)/zsh/site-functions
FISHDIR ?= $(DATADIR)/fish/vendor_completions.d
DESTDIR ?=

PKG_CONFIG ?= pkg-config
MINGW_CC ?= x86_64-w64-mingw32-gcc
VARIANT ?= release
UNAME_S := $(shell uname -s)
ifeq ($(UNAME_S),Linux)
PLATFORM ?= linux
else
PLATFORM ?= portable
endif

B := build/$(VARIANT)

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wvla
WERROR ?=
CFLAGS ?= -O2 -g
BSD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbsd-overlay 2>/dev/null)
BSD_LIBS := $(shell $(PKG_CONFIG) --libs libbsd-overlay 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
XXH_CFLAGS := $(shell $(PKG_CONFIG) --cflags libxxhash 2>/dev/null)
XXH_LIBS := $(shell $(PKG_CONFIG) --libs libxxhash 2>/dev/null || echo -lxxhash)
HLN_CPPFLAGS := -Iinclude -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
HLN_CFLAGS := -std=c11 -pthread $(WARNINGS) $(WERROR)
HLN_LIBS := -pthread

# Every build but the release one has the failpoints the tests need.
ifneq ($(VARIANT),release)
HLN_CPPFLAGS += -DHLN_FAILPOINTS
endif
ifeq ($(VARIANT),asan)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
HLN_CFLAGS += $(SAN)
HLN_LIBS += $(SAN)
endif
ifeq ($(VARIANT),portable)
PLATFORM := portable
endif
# libFuzzer targets (make fuzz): every object instrumented for coverage.
FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
ifeq ($(VARIANT),fuzz)
HLN_CFLAGS += $(subst fuzzer,fuzzer-no-link,$(FUZZ_SAN))
HLN_LIBS += $(subst fuzzer,fuzzer-no-link,$(FUZZ_SAN))
endif

ENGINE_SRCS := src/failpoint.c src/message.c src/output.c src/path.c src/options.c \
	src/inotab.c src/walk.c src/groups.c src/names.c src/summary.c src/replace.c src/copy.c src/batch.c src/linkerr.c src/linktree.c src/cmd_create.c src/cmd_count.c src/cmd_list.c \
	src/cmd_break.c
# dedupe: its engine and command (one line, so that merges stay apart)
ENGINE_SRCS += src/dupes.c src/cmd_dedupe.c
# every command's --help
ENGINE_SRCS += src/help.c
PLATFORM_SRCS_linux := src/platform/posix.c src/platform/linux.c
PLATFORM_SRCS_portable := src/platform/posix.c src/platform/portable.c
PLATFORM_SRCS_windows := $(sort $(wildcard src/platform/win32/*.c)) src/platform/compat.c
LIB_SRCS := $(ENGINE_SRCS) $(PLATFORM_SRCS_$(PLATFORM))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
MAIN_OBJS := $(B)/src/main.o $(B)/src/platform/entry_posix.o

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

# hln.exe is built in one compiler run, without objects: it depends on
# every header.
HEADERS := $(wildcard include/*.h include/hln/*.h src/platform/*.h src/platform/win32/*.h)

# tests/fuzz/fuzz_NAME.c: a libFuzzer target and its corpus
# tests/fuzz/corpus/NAME/.  Each variant's suite replays the corpus
# (test_fuzz_NAME: the target linked with tests/fuzz/replay.c);
# make fuzz builds the targets with libFuzzer and fuzzes each.
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(B)/tests/test_fuzz_%)
FUZZ_BINS := $(FUZZ_NAMES:%=$(B)/fuzz/%)
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 60

.PHONY: all check crash fuzz fuzz-targets sanitize portable-check lint windows check-windows \
	install uninstall dist distcheck deb deb-check windows-zip \
	windows-zip-check fresh-check \
	demo bench clean deps units cli test-variant format

all: hln

hln: $(B)/hln
	@if [ "$(VARIANT)" = release ]; then cp $(B)/hln hln.tmp && mv -f hln.tmp hln; fi

$(B)/hln: $(LIB_OBJS) $(MAIN_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(BSD_LIBS) $(XXH_LIBS) $(HLN_LIBS)

# Only main.c says the version: a new one rebuilds main.o alone.
$(B)/src/main.o: HLN_CPPFLAGS += -DHLN_VERSION='"$(VERSION)"'
$(B)/src/main.o: VERSION

# Header dependencies are generated (-MMD: each object's .d beside it, the
# headers it really includes; -MP: a removed header breaks no build).
DEPFLAGS := -MMD -MP

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HLN_CPPFLAGS) $(BSD_CFLAGS) $(XXH_CFLAGS) $(CPPFLAGS) $(HLN_CFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(HLN_CPPFLAGS) $(BSD_CFLAGS) $(CPPFLAGS) $(HLN_CFLAGS) $(CFLAGS) $(DEPFLAGS) \
		-Itests/unit -Isrc/platform -o $@ $< $(LIB_OBJS) $(UNIT_EXTRA_$(@F)) \
		$(CMOCKA_LIBS) $(BSD_LIBS) $(XXH_LIBS) $(HLN_LIBS) $(LDFLAGS)

-include $(wildcard $(B)/src/*.d $(B)/src/platform/*.d $(B)/src/platform/win32/*.d $(B)/tests/*.d)

# wtf8.c is pure C, so its test runs natively as well (the rest of
# src/platform/win32/ is built for Windows only).
UNIT_EXTRA_test_wtf8 := $(B)/src/platform/win32/wtf8.o
$(B)/tests/test_wtf8: $(UNIT_EXTRA_test_wtf8)

# The fuzz targets get main.o (hln_main) and the pure WTF-8 codec of the
# Windows port besides the engines.
FUZZ_OBJS := $(B)/src/main.o $(B)/src/platform/win32/wtf8.o $(LIB_OBJS)

$(B)/tests/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c \
		tests/fuzz/fuzz_common.h $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(CC) $(HLN_CPPFLAGS) $(BSD_CFLAGS) $(CPPFLAGS) $(HLN_CFLAGS) $(CFLAGS) \
		-Itests/fuzz -Isrc/platform \
		-DFUZZ_CORPUS='"$(CURDIR)/tests/fuzz/corpus/$*"' \
		-o $@ $< tests/fuzz/replay.c $(FUZZ_OBJS) \
		$(BSD_LIBS) $(XXH_LIBS) $(HLN_LIBS) $(LDFLAGS)

$(B)/fuzz/%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(CC) $(HLN_CPPFLAGS) $(BSD_CFLAGS) $(CPPFLAGS) $(HLN_CFLAGS) $(CFLAGS) \
		$(FUZZ_SAN) -Itests/fuzz -Isrc/platform -o $@ $< $(FUZZ_OBJS) \
		$(BSD_LIBS) $(XXH_LIBS) $(HLN_LIBS) $(LDFLAGS)

fuzz-targets: $(FUZZ_BINS)

# ---- tests ----

# The suite of one variant: unit tests, then the CLI tests against its hln.
test-variant: $(B)/hln $(UNIT_BINS) $(FUZZ_REPLAYS)
	@HLN_PLATFORM=$(PLATFORM) sh tests/run.sh "$(B)" "$(or $(TEST_HLN),$(CURDIR)/$(B)/hln)" "$(CURDIR)/$(B)/hln"

# The power-cut crash tests run here only (not in the other variants'
# suites): they test the release binary on loop-mounted XFS and ext4,
# and the portable build (portable-check's, built once) on ext4.
check: deps
	$(MAKE) hln
	$(MAKE) VARIANT=test TEST_HLN=$(CURDIR)/hln test-variant
	$(MAKE) crash

# The crash tests alone (CRASH_TRIALS=N cuts per command and filesystem).
crash: deps hln
	$(MAKE) VARIANT=portable build/portable/hln
	@bash tests/fault/crash.sh $(CURDIR)/hln $(CURDIR)/build/portable/hln

# Each libFuzzer target for FUZZ_SECONDS (tests/fuzz/run.sh): new inputs
# go to build/fuzz/corpus/NAME, crashes to build/fuzz/crash-NAME-*.
fuzz: deps
	$(MAKE) VARIANT=fuzz CC=$(FUZZ_CC) fuzz-targets
	@sh tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

sanitize: deps
	$(MAKE) VARIANT=asan CC=$(or $(SAN_CC),$(CC)) test-variant

portable-check: deps
	$(MAKE) VARIANT=portable test-variant

deps:
	@sh .ci/deps.sh

# ---- the rest ----

windows: hln.exe

WIN_SRCS := $(ENGINE_SRCS) src/main.c $(PLATFORM_SRCS_windows)
# mingw has no libxxhash: the system's xxhash.h in its header-only mode
# (XXH_INLINE_ALL), reached through a directory holding only a symlink
# to it, so that no other header of /usr/include is seen.
XXH_HEADER ?= /usr/include/xxhash.h
WIN_XXH := build/windows-xxh/xxhash.h
WIN_BUILD = $(MINGW_CC) -std=c11 -O2 $(WARNINGS) -Werror -municode -Iinclude \
	-Isrc/platform/compat -Ibuild/windows-xxh -DXXH_INLINE_ALL \
	-D_FILE_OFFSET_BITS=64 -D__USE_MINGW_ANSI_STDIO=1 \
	-DHLN_VERSION='"$(VERSION)"'
$(WIN_XXH):
	@mkdir -p $(@D)
	ln -sf $(XXH_HEADER) $@
hln.exe: $(WIN_SRCS) $(HEADERS) $(wildcard src/platform/compat/*.h) VERSION $(WIN_XXH)
	$(WIN_BUILD) -o $@ $(WIN_SRCS) -static -lpthread

# The same with failpoints, for the fault tests under Wine.
build/windows/hln.exe: $(WIN_SRCS) $(HEADERS) $(wildcard src/platform/compat/*.h) VERSION $(WIN_XXH)
	@mkdir -p $(@D)
	$(WIN_BUILD) -DHLN_FAILPOINTS -o $@ $(WIN_SRCS) -static -lpthread

# The CLI suite against hln.exe under Wine, with one persistent
# wineserver and a retry of what fails there: see tests/check-windows.sh.
check-windows: hln.exe build/windows/hln.exe
	@sh tests/check-windows.sh "$(CURDIR)/hln.exe" "$(CURDIR)/build/windows/hln.exe"

lint: deps
	mandoc -Tlint -Wwarning man/hln.1
	sh man/stamp.sh <man/hln.1 | mandoc -Tlint -Wwarning
	shellcheck -x .ci/run .ci/deps.sh tests/run.sh tests/check-windows.sh \
		tests/fault/*.sh tests/fuzz/*.sh tests/wine-env tests/wine-hln \
		tests/wine-hln-fp tests/release/*.sh bench/*.sh demo/*.sh \
		man/stamp.sh debian/changelog.sh
	shellcheck -s bash tests/cli/*.bash completions/hln.bash
	clang-format --dry-run -Werror src/*.c src/platform/*.c src/platform/*.h \
		src/platform/win32/*.c src/platform/win32/*.h \
		include/*.h include/hln/*.h tests/unit/*.c tests/unit/*.h \
		tests/fuzz/*.c tests/fuzz/*.h
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr --std=c11 -Iinclude -D__linux__ \
		src/*.c src/platform/posix.c src/platform/linux.c src/platform/portable.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr --std=c11 -Iinclude -Isrc/platform/compat -D_WIN32 \
		-D_WIN64 src/platform/win32/*.c

format:
	clang-format -i src/*.c src/platform/*.c src/platform/*.h \
		src/platform/win32/*.c src/platform/win32/*.h include/*.h \
		include/hln/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c \
		tests/fuzz/*.h

# On a fresh machine: what building needs is installed first (as root;
# otherwise the apt-get command is printed), and nothing the tests need.
# The build is a new make, which finds pkg-config and libbsd.
demo:
	@sh .ci/deps.sh --build
	@$(MAKE) --no-print-directory hln
	@sh demo/demo.sh "$(CURDIR)/hln"

# The man page as installed: VERSION and its date (CHANGES) stamped in.
build/man/hln.1: man/hln.1 man/stamp.sh VERSION CHANGES
	@mkdir -p $(@D)
	sh man/stamp.sh <man/hln.1 >$@.tmp && mv -f $@.tmp $@

bench: deps hln
	@sh bench/run.sh "$(CURDIR)/hln"

install: hln build/man/hln.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR)
	install -m 755 hln $(DESTDIR)$(BINDIR)/hln
	install -m 644 build/man/hln.1 $(DESTDIR)$(MANDIR)/man1/hln.1
	install -m 644 completions/hln.bash $(DESTDIR)$(BASHDIR)/hln
	install -m 644 completions/_hln $(DESTDIR)$(ZSHDIR)/_hln
	install -m 644 completions/hln.fish $(DESTDIR)$(FISHDIR)/hln.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hln $(DESTDIR)$(MANDIR)/man1/hln.1 \
		$(DESTDIR)$(BASHDIR)/hln $(DESTDIR)$(ZSHDIR)/_hln \
		$(DESTDIR)$(FISHDIR)/hln.fish

# ---- releases ----

DIST := hln-$(VERSION)
WINZIP := hln-$(VERSION)-windows-x86_64
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB = hln_$(VERSION)-1_$(DEB_ARCH).deb

# The committed tree (HEAD), as a user downloads it; what is not
# committed is not in it, and distcheck finds what is missing.
dist:
	@git diff --quiet HEAD -- 2>/dev/null || \
		echo "make dist: uncommitted changes are not in the tarball" >&2
	git archive --format=tar.gz --prefix=$(DIST)/ -o $(DIST).tar.gz HEAD
	sha256sum $(DIST).tar.gz >$(DIST).tar.gz.sha256
	@cat $(DIST).tar.gz.sha256

# As automake's: the tarball alone builds, passes make check, installs
# into a staging directory and uninstalls from it without a trace.  The
# directory is opened to all (mktemp makes it 0700): the tests that run
# hln as nobody must reach it.
distcheck: dist
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/hln-distcheck.XXXXXX") && \
	trap 'rm -rf "$$tmp"' EXIT && chmod 755 "$$tmp" && \
	tar -xzf $(DIST).tar.gz -C "$$tmp" && \
	$(MAKE) -C "$$tmp/$(DIST)" check WERROR=-Werror && \
	$(MAKE) -C "$$tmp/$(DIST)" install uninstall DESTDIR="$$tmp/inst" && \
	left=$$(find "$$tmp/inst" -type f) && \
	if [ -n "$$left" ]; then echo "distcheck: uninstall left $$left"; exit 1; fi && \
	echo "distcheck: $(DIST).tar.gz builds, passes make check, installs and uninstalls"

# Built from the tarball, in build/deb/, so that dpkg-buildpackage writes
# nothing beside the tree; debian/changelog is made from VERSION and
# CHANGES (see debian/README.source).
deb: dist
	rm -rf build/deb && mkdir -p build/deb
	tar -xzf $(DIST).tar.gz -C build/deb
	cp $(DIST).tar.gz build/deb/hln_$(VERSION).orig.tar.gz
	sh debian/changelog.sh >build/deb/$(DIST)/debian/changelog
	cd build/deb/$(DIST) && dpkg-buildpackage -us -uc -b
	cp build/deb/$(DEB) $(DEB)
	@ls -l $(DEB)

deb-check: deps deb
	sh tests/release/deb.sh $(DEB) $(VERSION)

# README.txt is README.md's Windows part (between the windows-readme
# marks; a table's escaped \| as |), with CRLF line ends.
windows-zip: hln.exe build/man/hln.1
	rm -rf build/zip && mkdir -p build/zip/$(WINZIP)
	cp hln.exe build/zip/$(WINZIP)/hln.exe
	{ echo "hln $(VERSION) for Windows (x86_64)"; echo; \
		sed -n '/<!-- windows-readme -->/,/<!-- \/windows-readme -->/p' \
		README.md | grep -v 'windows-readme -->'; } | \
		sed 's/\\|/|/g; s/$$/\r/' >build/zip/$(WINZIP)/README.txt
	mandoc -T html build/man/hln.1 >build/zip/$(WINZIP)/hln.html
	sed 's/$$/\r/' LICENSE >build/zip/$(WINZIP)/LICENSE.txt
	rm -f $(WINZIP).zip
	cd build/zip && zip -q -X -r ../../$(WINZIP).zip $(WINZIP)
	sha256sum $(WINZIP).zip >$(WINZIP).zip.sha256
	@cat $(WINZIP).zip.sha256

windows-zip-check: windows-zip
	sh tests/release/zip.sh $(WINZIP).zip $(VERSION)

# make demo on a fresh Debian 12 (debootstrap; root and network needed).
fresh-check:
	sh tests/release/fresh.sh

clean:
	rm -rf build hln hln.exe hln-*.tar.gz* hln_*.deb hln-*-windows-*.zip*
