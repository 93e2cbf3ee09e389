# One entry point for people and CI. `make help` lists the targets.
SHELL := /bin/bash
export RASA_TELEMETRY_ENABLED := false
APP := .venv-app/bin
RASA := .venv-rasa/bin

.DEFAULT_GOAL := help
.PHONY: help install train run chat test lint bench bench-nlu bench-clinical bench-load bench-conversation clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

install: ## create both Python 3.10 environments from the lock files (idempotent)
	@scripts/install.sh

train: install ## train the shipped model with config.yml (skipped when the current one is up to date)
	@$(APP)/python -m bot.train

run: install ## install, train if needed, start action server + Rasa + web gateway (http://127.0.0.1:8000/), chat in the terminal
	@$(APP)/python -m bot.train
	@$(APP)/python -m bot.run

chat: ## chat with a running bot in the terminal (REST channel)
	@$(APP)/python -m bot.chat_cli

test: install ## the whole test suite: unit, Rasa data validation, test stories, end to end
	@scripts/test.sh

lint: install ## ruff + mypy
	@$(APP)/ruff check actions bot tests
	@$(APP)/ruff format --check actions bot tests
	@$(APP)/mypy

bench: bench-nlu bench-clinical bench-conversation ## all benchmarks (not tests): NLU accuracy, training, latency, clinical engine, blind conversations

bench-nlu: install ## held-out intent F1, training time, model load, REST latency p50/p95
	@$(APP)/python -m bot.bench.nlu

bench-clinical: install ## clinical engine: top-1/top-3, red-flag recall, false alarms, latency
	@$(APP)/python -m bot.bench.clinical

bench-conversation: install ## blind simulated patients play whole intakes: completed, re-asks, emergencies caught, complaint answers taken
	@$(APP)/python -m bot.bench.conversation

bench-load: install ## gateway load test: 1/10/50 concurrent intakes, p50/p95/p99, msg/s, lost/duplicated turns
	@$(APP)/python -m bot.bench.load

clean: ## remove trained models and runtime files (keeps the environments)
	rm -rf models/*.tar.gz var/ .rasa/ results/
