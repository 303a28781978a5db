# 党支部标准化管理平台 — the README's two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
VAR := var
export REDIS_URL ?= redis://127.0.0.1:6379/0
# Debian packages: Redis, a CJK font (+ harfbuzz subsetting, without it WeasyPrint
# takes 15 s a page) and Noto CJK for the glyphs it lacks (㉑–㉕ of the 25 steps of
# 发展党员 printed as empty boxes), Pango for WeasyPrint, pdffonts for the PDF tests, Chromium
# for the browser tests, gettext to compile the English catalogue, pg_dump/pg_restore
# for `manage.py backup` (Debian 12's postgresql-client is 15, as the server).
APT_PACKAGES := redis-server fonts-wqy-microhei fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
	poppler-utils chromium gettext postgresql-client
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup system-deps redis run dev web test test-sqlite test-postgres lint format bench deploy-check clean \
	services-stop

help:
	@echo "make run          安装依赖、迁移、载入演示数据，启动 Redis、Celery 与 Web 服务 (http://127.0.0.1:8000)"
	@echo "make dev          同 make run，但以开发模式启动 Web 服务（DEBUG 开、代码改动自动重载）"
	@echo "make test         安装依赖并运行全部测试（可用时使用 PostgreSQL，否则 SQLite）"
	@echo "make test-sqlite  在 SQLite 上运行全部测试"
	@echo "make lint         ruff 检查与应用分层检查（import-linter）"
	@echo "make bench        城市规模基准，打印一张对照表（需 PostgreSQL）"
	@echo "make deploy-check 多进程部署检查：两个 gunicorn、两个 Celery worker 共用一个 PostgreSQL 与 Redis"

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null; then \
	    echo ">> 安装系统软件包:$$missing"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "!! 缺少系统软件包:$$missing（非 Debian 系统，请手动安装）"; fi; \
	fi

$(BIN)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	@touch $@

setup: system-deps $(BIN)/.installed
	@mkdir -p $(VAR)
	@$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v0

# Reuse a Redis that answers at REDIS_URL; otherwise start one on loopback (nothing on disk).
redis: setup
	@if $(BIN)/python -c "import os,redis; redis.Redis.from_url(os.environ['REDIS_URL'], socket_timeout=1).ping()" 2>/dev/null; then \
	  echo ">> Redis 已在运行: $$REDIS_URL"; \
	else \
	  port=$$($(BIN)/python -c "import os,urllib.parse as u; print(u.urlparse(os.environ['REDIS_URL']).port or 6379)"); \
	  echo ">> 启动 Redis (127.0.0.1:$$port)"; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port $$port --save "" --appendonly no \
	    --dir $(CURDIR)/$(VAR) --logfile $(CURDIR)/$(VAR)/redis.log --pidfile $(CURDIR)/$(VAR)/redis.pid; \
	  for i in $$(seq 50); do $(BIN)/python -c "import os,redis; redis.Redis.from_url(os.environ['REDIS_URL']).ping()" 2>/dev/null && break; sleep 0.1; done; \
	fi

# `make run` serves the product as users see it (config.settings.demo: DEBUG off, the
# Chinese 404/500 pages, static files by WhiteNoise); `make dev` is the same with
# DEBUG on and autoreload (config.settings.local).
run: export DJANGO_SETTINGS_MODULE = config.settings.demo
run: RUNSERVER_ARGS = --noreload
run: web

dev: export DJANGO_SETTINGS_MODULE = config.settings.local
dev: RUNSERVER_ARGS =
dev: web

web: setup redis
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo --if-empty
	@$(MAKE) -s services-stop
	@echo ">> 启动 Celery worker 与 beat（日志: $(VAR)/celery-*.log）"
	@DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} $(BIN)/celery -A config worker -Q default,reports,alerts -l info --concurrency 2 --pidfile $(VAR)/celery-worker.pid \
	  --logfile $(VAR)/celery-worker.log --detach
	@DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} $(BIN)/celery -A config beat -l info --pidfile $(VAR)/celery-beat.pid \
	  --logfile $(VAR)/celery-beat.log --detach
	@echo ">> Web 服务: http://127.0.0.1:8000  （$$DJANGO_SETTINGS_MODULE；Ctrl+C 停止，Celery 随之停止）"
	@trap '$(MAKE) -s services-stop' EXIT INT TERM; $(BIN)/python manage.py runserver $(RUNSERVER_ARGS) 127.0.0.1:8000

services-stop:
	@for f in $(VAR)/celery-worker.pid $(VAR)/celery-beat.pid; do \
	  [ -f $$f ] && kill $$(cat $$f) 2>/dev/null; rm -f $$f; done; true

# PostgreSQL when DATABASE_URL is set or 127.0.0.1:5432 answers; otherwise SQLite.
test: setup redis
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ] && $(BIN)/python -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=2).close()" 2>/dev/null; then \
	  url="postgres://postgres@127.0.0.1:5432/dzb"; fi; \
	if [ -z "$$url" ]; then url="sqlite:///$(CURDIR)/$(VAR)/test.sqlite3"; fi; \
	echo ">> 测试数据库 / test database: $${url%%:*} ($$url)"; \
	DATABASE_URL="$$url" $(MAKE) -s _test

test-sqlite: setup redis
	@echo ">> 测试数据库 / test database: sqlite"
	@DATABASE_URL="sqlite:///$(CURDIR)/$(VAR)/test.sqlite3" $(MAKE) -s _test

_test:
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	DATABASE_URL=sqlite://:memory: DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -p no:cacheprovider

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# City-scale benchmarks (SPEC §10) on a scratch PostgreSQL database. bench/seed_city.py builds
# the city once and reuses it while its stamp (migrations + demo-data code) is current; a stale
# one is DROPPED and rebuilt (`make bench BENCH_REBUILD=1` forces it). Then every bench script
# writes bench/out/<script>.json, and bench/table.py prints the one table (bench/out/TABLE.md).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dzb_bench
BENCH_SCRIPTS ?= $(sort $(filter-out common table seed_city profile_% locustfile%,\
	$(basename $(notdir $(wildcard bench/*.py)))))
bench: setup redis
	@mkdir -p bench/out && rm -f bench/out/*.json bench/out/TABLE.md
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/seed_city.py $(if $(BENCH_REBUILD),--rebuild)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py score_branches --year $$(date +%Y)  # the dashboard reads snapshots
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/profile_meeting_save.py
	@failed=""; for s in $(BENCH_SCRIPTS); do \
	  echo; echo ">> bench/$$s.py"; \
	  DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/$$s.py || failed="$$failed $$s"; \
	done; \
	$(BIN)/python bench/table.py; \
	if [ -n "$$failed" ]; then echo "!! 失败的基准脚本:$$failed"; exit 1; fi

# Two gunicorn instances and two Celery workers on loopback against one PostgreSQL database
# (a scratch one, DROPPED and rebuilt) and one private Redis: README 部署.
DEPLOY_CHECK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dzb_deploy_check
deploy-check: setup
	DEPLOY_CHECK_DATABASE_URL=$(DEPLOY_CHECK_DATABASE_URL) $(BIN)/python deploy/multiproc_check.py

clean: services-stop
	rm -rf $(VAR) db.sqlite3
