# Ladder — build, test and demo. `make demo` and `make test` work on a fresh Debian machine.
SWIFT    ?= swift
PREFIX   ?= /usr/local
BINDIR    = $(PREFIX)/bin
CONFIG   ?= debug
SUDO     := $(shell [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && echo sudo)

.PHONY: all deps build release test demo bench install uninstall clean man completions fuzz

all: build

## deps: install what is missing (libgit2-dev and pkg-config through apt-get); idempotent
deps:
	@if pkg-config --exists libgit2 2>/dev/null; then \
		echo "deps: libgit2 $$(pkg-config --modversion libgit2) present"; \
	else \
		echo "deps: installing libgit2-dev and pkg-config"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgit2-dev pkg-config >/dev/null; \
	fi
	@command -v git >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git >/dev/null; }

## build: debug build of the ladder binary
build: deps
	$(SWIFT) build

## release: optimised build with the Swift runtime and Foundation linked statically: a
## process starts in ~2 ms instead of ~8 ms of dynamic linking (every command is a short process)
release: deps
	$(SWIFT) build -c release --static-swift-stdlib

## test: build and run the whole test suite
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## demo: build and walk through what Ladder does on a scratch copy of the bundled example
demo: build
	@LADDER="$$($(SWIFT) build --show-bin-path)/ladder" bash scripts/demo.sh

## bench: release build, generated monorepos, timings against the git command line
bench: release
	@bash Benchmarks/run.sh

## install: release build into $(PREFIX)/bin, with completions and the man page
install: release
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/ladder" $(DESTDIR)$(BINDIR)/ladder
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	$(DESTDIR)$(BINDIR)/ladder --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ladder
	$(DESTDIR)$(BINDIR)/ladder --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ladder
	$(DESTDIR)$(BINDIR)/ladder --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ladder.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ladder $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ladder \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ladder $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ladder.fish

## completions: write bash, zsh and fish completion scripts to .build/completions
completions: build
	@mkdir -p .build/completions
	@B="$$($(SWIFT) build --show-bin-path)/ladder"; \
	"$$B" --generate-completion-script bash > .build/completions/ladder.bash; \
	"$$B" --generate-completion-script zsh > .build/completions/_ladder; \
	"$$B" --generate-completion-script fish > .build/completions/ladder.fish; \
	echo "completions written to .build/completions"

## man: generate the ladder(1) man page with the argument parser's manual generator
man: deps
	mkdir -p .build/man
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --output-directory .build/man
	@echo "man page written to .build/man"

clean:
	rm -rf .build

## fuzz: run every libFuzzer target (FUZZ_SECONDS each, default 60); crashes land in .build-fuzz/crashes
fuzz: deps
	bash scripts/fuzz.sh
