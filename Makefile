# vaetop: `make run` trains the default VAE on the screen, `make test` runs the tests.
# Both install the Debian/Ubuntu packages the project needs first (once).

APT_PACKAGES := libncurses-dev ncurses-term libopenblas-dev zlib1g-dev tmux
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)
ARGS ?=
# On the screen a run lasts long enough to pause, turn the knobs and watch the effect (RunConfig.screenEpochs: 200
# epochs, 7,200 steps, about two minutes on a 2-core machine); ARGS="--epochs 10" shortens it.

.PHONY: deps build run test test-unit bench man dist wheel clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build -c release --product vaetop

run: build
	.build/release/vaetop train $(ARGS)

test: deps
	swift build --build-tests
	swift test --skip-build

# The unit tests only (no binary runs, no tmux): about a minute.
test-unit: deps
	swift build --build-tests
	swift test --skip-build --skip EndToEndTests

# The man page, generated from the command line's own declarations (swift-argument-parser's generate-manual).
man: deps
	swift package --allow-writing-to-package-directory generate-manual
	mkdir -p .build/man && cp .build/plugins/GenerateManual/outputs/vaetop/vaetop.1 .build/man/vaetop.1
	@echo "man page: .build/man/vaetop.1 (man .build/man/vaetop.1; install it into a man1 folder to keep it)"

# A self-contained vaetop for a machine without Swift (a GPU box you reach over SSH): the Swift runtime and
# Foundation linked in statically, and share/vaetop/ (themes, sample runs, the MNIST subset) beside bin/, found
# relative to the binary. It still needs the system's ncurses, OpenBLAS and zlib (libncursesw6 libopenblas0 zlib1g).
DIST := dist/vaetop-$(shell uname -m)
dist: deps
	swift build -c release --product vaetop --static-swift-stdlib --scratch-path .build-dist \
	  -Xlinker --disable-new-dtags -Xlinker -rpath -Xlinker '$$ORIGIN/../lib'
	rm -rf $(DIST) && mkdir -p $(DIST)/bin $(DIST)/share/vaetop
	cp .build-dist/release/vaetop $(DIST)/bin/ && strip $(DIST)/bin/vaetop
	cp -R themes sample-runs $(DIST)/share/vaetop/
	cp -R Sources/Datasets/Resources/mnist $(DIST)/share/vaetop/mnist
	tar -C dist -czf $(DIST).tar.gz $(notdir $(DIST))
	@echo "$(DIST).tar.gz: unpack anywhere and run bin/vaetop"

# A wheel that brings the screen: `pip install dist/vaetop-*.whl` gives the Python client and a `vaetop` command
# (the dist binary, its share/ folder and the OpenBLAS it links, bundled with an $$ORIGIN rpath as auditwheel does).
wheel: dist
	python3 scripts/make-wheel.py --dist $(DIST) --out dist

bench: deps
	scripts/bench.sh

clean:
	rm -rf .build .build-dist dist
